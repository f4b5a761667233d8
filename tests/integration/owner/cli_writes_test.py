#!/usr/bin/env python3
"""The owners' writes from the CLI against a real `accord serve` with API keys
(issue #18): each is one request, refused whole or done whole.

  * `accord register --owner TEAM` registers and sets the owner in ONE
    request: a writer naming another team's owner is refused (exit 1) and
    no version is created; naming one of its own teams sets it.
  * `accord register --ref NAME=SUBJECT:VERSION` (JSON Schema `$ref`, Avro
    named type, Protobuf import; VERSION a number or `latest`) sends the
    references with numbers; a reference to an unknown subject is refused
    before anything is written.
  * `accord check` with --old-ref/--new-ref naming registry versions reports
    a change made only in the referenced schema.
  * `accord config get|set` and `accord describe` (one write each).

Usage: cli_writes_test.py --accord PATH --root REPO
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from accord_server import AccordServer, call_json  # noqa: E402
from checks import check, summary  # noqa: E402

FILES = os.path.join(HERE, "writes")
ADMIN_KEY = "acc_admin-key-for-cli-writes"
WRITER_KEY = "acc_writer-key-for-cli-writes"
OTHER_KEY = "acc_other-team-key-for-cli-writes"


def sha(key):
    return hashlib.sha256(key.encode()).hexdigest()


class Cli:
    def __init__(self, accord, base):
        self.accord, self.base = accord, base

    def run(self, *args, key=WRITER_KEY, principal="ci-a"):
        env = dict(os.environ, LC_ALL="C", ACCORD_REGISTRY=self.base, ACCORD_PRINCIPAL=principal,
                   ACCORD_KEY=key)
        p = subprocess.run([self.accord, *args], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def admin(self, *args):
        return self.run(*args, key=ADMIN_KEY, principal="root")


def get(base, path):
    # Reads are open (anonymous_read).
    return call_json(base, "GET", path)


def f(name):
    return os.path.join(FILES, name)


def part_owner(cli, base):
    rc, out, err = cli.run("register", "payments", f("customer.json"), "--owner", "team-b")
    check(rc == 1 and "team-b" in err and "only an admin" in err,
          "register --owner naming another team is refused (exit 1)", "%d %s %s" % (rc, out, err))
    status, _ = get(base, "/subjects/payments/versions")
    check(status == 404, "... and no version was created", str(status))
    rc, out, err = cli.run("register", "payments", f("customer.json"), "--owner", "team-a2")
    check(rc == 0 and out == "registered payments version 1 (id 1)\nowner: team-a2\n",
          "register --owner naming another of the writer's teams registers and sets it",
          "%d %s %s" % (rc, out, err))
    status, meta = get(base, "/accord/v1/subjects/payments/metadata")
    check(status == 200 and meta.get("owner") == "team-a2", "the owner is team-a2", str(meta))
    status, v1 = get(base, "/subjects/payments/versions/1")
    check(status == 200 and "metadata" not in v1,
          "the owner is not kept in the version's metadata", str(v1))
    # An existing subject: a new version with another owner is refused whole.
    rc, out, err = cli.run("register", "payments", f("customer_v2.json"), "--owner", "team-a")
    check(rc == 1, "register --owner changing an owner as a writer is refused", err)
    status, versions = get(base, "/subjects/payments/versions")
    check(versions == [1], "... and no version 2 was created", str(versions))
    rc, out, err = cli.admin("register", "payments", f("customer.json"), "--owner", "team-a")
    check(rc == 0 and out.startswith("unchanged: payments already has this schema as version 1"),
          "an admin's --owner on a schema already registered sets the owner alone", out + err)
    status, meta = get(base, "/accord/v1/subjects/payments/metadata")
    check(meta.get("owner") == "team-a", "the owner is now team-a", str(meta))


def part_refs(cli, base):
    ok = lambda r: r[0] == 0  # noqa: E731
    check(ok(cli.run("register", "customers", f("customer.json"))), "register customers v1")
    rc, out, err = cli.run("register", "orders", f("order.json"), "--ref",
                           "customer.json=customers:latest")
    check(rc == 0 and out.startswith("registered orders version 1"),
          "register --ref NAME=SUBJECT:latest (JSON Schema $ref)", out + err)
    status, v = get(base, "/subjects/orders/versions/1")
    check(v.get("references") == [{"name": "customer.json", "subject": "customers",
                                   "version": 1}],
          "... sends the reference with its number", json.dumps(v))
    # The catalog's field table reads through the reference.
    status, rows = get(base, "/accord/v1/subjects/orders/versions/1/fields")
    check(status == 200 and [(r["path"], r["type"]) for r in rows] == [
        ("id", "string"), ("customer", "object"), ("customer.name", "string"),
        ("customer.tier", "string")],
        "the version's fields include the referenced schema's, under the referencing field",
        json.dumps(rows))
    # A change only in the referenced schema, checked against the registry.
    rc, out, err = cli.run("check", f("order.json"), f("order.json"), "--old-ref",
                           "customer.json=customers:1", "--new-ref",
                           "customer.json=" + f("customer_v2.json"), "--registry", base)
    # The witness reaches the change through the referencing field; each
    # side is located in the referenced schema: the registry version, the file.
    check(rc == 1 and "BREAKING TYPE_CHANGED" in out
          and 'witness: {"customer":{"name":"","tier":""},"id":""}' in out,
          "check --old-ref SUBJECT:VERSION --new-ref FILE reports the referenced change", out + err)
    check("  writer:  customers version 1#/properties/tier\n" in out
          and "  reader:  " + f("customer_v2.json") + "#/properties/tier/type\n" in out,
          "... located in the registry version and in the file it is in", out)
    rc, out, err = cli.run("register", "orders2", f("order.json"), "--ref",
                           "customer.json=nosuch:1")
    check(rc == 1 and "nosuch" in err, "a --ref to an unknown subject is refused", out + err)
    status, _ = get(base, "/subjects/orders2/versions")
    check(status == 404, "... before anything is written", str(status))
    rc, out, err = cli.run("register", "orders2", f("order.json"), "--ref", "customer.json=x:y")
    check(rc == 2 and "--ref" in err, "a bad --ref is a usage error (exit 2)", out + err)
    # Avro: a named type from a reference.
    check(ok(cli.run("register", "avro-customers", f("customer.avsc"))), "register an Avro type")
    rc, out, err = cli.run("register", "avro-orders", f("order.avsc"), "--ref",
                           "acme.Customer=avro-customers:1")
    check(rc == 0, "register --ref for an Avro named type", out + err)
    status, v = get(base, "/subjects/avro-orders/versions/1")
    check(v.get("references") == [{"name": "acme.Customer", "subject": "avro-customers",
                                   "version": 1}], "... with its reference", json.dumps(v))
    status, rows = get(base, "/accord/v1/subjects/avro-orders/versions/1/fields")
    check([(r["path"], r["type"]) for r in rows] == [
        ("id", "string"), ("customer", "acme.Customer"), ("customer.name", "string")],
        "an Avro version's fields include the referenced named type's", json.dumps(rows))
    # Protobuf: an import given as a registered version, not a file.
    check(ok(cli.run("register", "money", f("money.proto"))), "register a Protobuf file")
    rc, out, err = cli.run("register", "priced", f("priced.proto"), "--ref",
                           "acme/money.proto=money:latest")
    check(rc == 0 and "(imported)" not in out, "register --ref for a Protobuf import",
          out + err)
    status, v = get(base, "/subjects/priced/versions/1")
    check(v.get("references") == [{"name": "acme/money.proto", "subject": "money",
                                   "version": 1}], "... with its reference", json.dumps(v))
    status, rows = get(base, "/accord/v1/subjects/priced/versions/1/fields")
    check([(r["path"], r["type"]) for r in rows] == [
        ("sku", "string"), ("price", "message acme.money.Money"), ("price.currency", "string"),
        ("price.units", "int64")],
        "a Protobuf version's fields include the imported message's", json.dumps(rows))


def part_config_describe(cli, base):
    rc, out, err = cli.run("config", "set", "payments", "--compatibility", "full",
                           "--policy", "lenient")
    check(rc == 0 and out == "subject: payments\ncompatibility: FULL\npolicy: LENIENT\n"
          "mode: READWRITE\n", "config set SUBJECT sets level and policy", out + err)
    rc, out, err = cli.run("config", "set", "--compatibility", "NONE")
    check(rc == 1 and "admin" in err, "config set (global) needs an admin", out + err)
    rc, out, err = cli.admin("config", "get", "--format", "json")
    check(rc == 0 and json.loads(out) == {"subject": None, "compatibility": "NONE",
                                          "policy": "STRICT", "mode": "READWRITE"},
          "config get --format json (global)", out + err)
    rc, out, err = cli.run("config", "set", "payments")
    check(rc == 2, "config set without a setting is a usage error", out + err)
    rc, out, err = cli.run("describe", "payments", "--description", "Payments taken",
                           "--tag", "core", "--tag", "money")
    check(rc == 0 and out == "payments: description and tags updated\n"
          "description: Payments taken\ntags: core, money\n", "describe sets both", out + err)
    rc, out, err = cli.run("describe", "payments", "--tag", "billing")
    status, meta = get(base, "/accord/v1/subjects/payments/metadata")
    check(rc == 0 and sorted(meta.get("tags", [])) == ["billing", "core", "money"]
          and meta.get("description") == "Payments taken" and meta.get("owner") == "team-a",
          "describe --tag adds a tag and keeps the rest", json.dumps(meta) + err)
    rc, out, err = cli.run("describe", "payments", "--clear-tags", "--tag", "core")
    status, meta = get(base, "/accord/v1/subjects/payments/metadata")
    check(rc == 0 and meta.get("tags") == ["core"], "describe --clear-tags replaces the tags",
          json.dumps(meta) + err)
    rc, out, err = cli.run("describe", "customers", "--description", "x", key=OTHER_KEY,
                           principal="ci-b")
    check(rc == 1, "describe by another team's writer is refused", out + err)


def part_contract(cli, base, tmp):
    """A contract entry's `references:` (a registered version and a file):
    test and publish parse the schema with them; publish registers it with
    the registered one as its reference."""
    folder = os.path.join(tmp, "contract")
    os.makedirs(os.path.join(folder, "schemas"))
    with open(os.path.join(folder, "schemas", "order.json"), "w") as out:
        out.write(open(f("order.json")).read())
    with open(os.path.join(folder, "schemas", "customer.json"), "w") as out:
        out.write(open(f("customer.json")).read())
    with open(os.path.join(folder, "accord.yaml"), "w") as out:
        out.write("service: shop\nowner: team-a\nproduces:\n"
                  "  - subject: shop.orders\n    schema: schemas/order.json\n"
                  "    references:\n"
                  "      - {name: customer.json, subject: customers, version: latest}\n"
                  "consumes:\n"
                  "  - subject: orders\n    reader: schemas/order.json\n"
                  "    references:\n      - {name: customer.json, file: schemas/customer.json}\n")
    contract = os.path.join(folder, "accord.yaml")
    rc, out, err = cli.run("test", "--file", contract, "--offline")
    check(rc == 2 and "produces[0]: references: a registered version needs a registry" in err,
          "test --offline refuses a reference to a registered version, at the entry", out + err)
    rc, out, err = cli.run("test", "--file", contract)
    check(rc == 0, "test reads the schema with its references (registry and file)", out + err)
    # A consumer's reader is declared as one text: publish takes the produced part.
    produced = os.path.join(folder, "produced.yaml")
    with open(produced, "w") as out:
        out.write("".join(open(contract).readlines()[:7]))
    rc, out, err = cli.run("publish", "--file", produced)
    check("shop.orders: registered version 1" in out,
          "publish registers the schema", "%d %s %s" % (rc, out, err))
    status, v = get(base, "/subjects/shop.orders/versions/1")
    check(v.get("references") == [{"name": "customer.json", "subject": "customers",
                                   "version": 1}],
          "... with the reference, latest resolved to its number", json.dumps(v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    args = ap.parse_args()
    accord = os.path.abspath(args.accord)
    tmp = tempfile.mkdtemp(prefix="accord-cli-writes-")
    try:
        # ci-a belongs to two teams (write_auth_config writes one: `teams:` here).
        config = os.path.join(tmp, "accord.yaml")
        with open(config, "w") as out:
            out.write("auth:\n  anonymous_read: true\n  keys:\n"
                      "    - {principal: root, role: admin, sha256: %s}\n"
                      "    - {principal: ci-a, role: writer, sha256: %s, teams: [team-a, team-a2]}\n"
                      "    - {principal: ci-b, role: writer, sha256: %s, team: team-b}\n"
                      % (sha(ADMIN_KEY), sha(WRITER_KEY), sha(OTHER_KEY)))
        with AccordServer(accord, args=("--config", config, "--readers", "off")) as server:
            cli = Cli(accord, server.base)
            cli.admin("config", "set", "--compatibility", "NONE")
            part_owner(cli, server.base)
            part_refs(cli, server.base)
            part_config_describe(cli, server.base)
            part_contract(cli, server.base, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
