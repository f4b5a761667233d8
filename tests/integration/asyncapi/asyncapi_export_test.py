#!/usr/bin/env python3
"""`accord asyncapi export` against a real `accord serve` (temp data dir,
ephemeral loopback port).

Both modes first build the same small registry through the CLI and the API,
from data/: `accord publish` of three services (checkout produces a JSON
Schema subject, orders-value, and an Avro one, payments.captured; shipping
produces a Protobuf one, shipments-value, and reads orders-value versions
[1, 2]; billing reads payments.captured ">=1" and shipments-value), a second
version of orders-value, version 1 deprecated (sunset 2999-01-31,
replacement 2) and links and an SLA on orders-value.

--goldens (label integration): runs every case under goldens/ (the files of
  a tests/integration/owner step: cmd, stdout, stderr, exit; see
  owner/owner_golden.py) in name order; ACCORD_UPDATE_GOLDENS=1 rewrites them.
--validate (label clients: needs node and npm): exports --all, --service,
  --team and --all-versions as YAML and as JSON, checks what each holds, and
  has node/validate.js parse every document with the official
  @asyncapi/parser (with its Avro and Protobuf schema parsers): zero
  diagnostics of severity error (warnings are printed to the log), and each
  YAML document equal to its JSON twin. Exits 77 (skip) when node or npm is
  missing or the npm registry cannot be reached (tests/integration/npm_deps.py).

Usage: asyncapi_export_test.py --accord PATH --root REPO (--goldens | --validate)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.dirname(HERE)
sys.path.insert(0, INTEGRATION)
sys.path.insert(0, os.path.join(INTEGRATION, "owner"))
from accord_server import AccordServer, call_json  # noqa: E402
from checks import check, summary  # noqa: E402
from npm_deps import SKIP, ensure_npm_packages  # noqa: E402
from owner_golden import run_step  # noqa: E402

NODE_DIR = os.path.join(HERE, "node")


def accord(args, root, base, *extra):
    env = dict(os.environ, LC_ALL="C", ACCORD_REGISTRY=base)
    for name in ("ACCORD_PRINCIPAL", "ACCORD_KEY"):
        env.pop(name, None)
    return subprocess.run([args.accord, *extra], cwd=root, capture_output=True, text=True,
                          env=env, timeout=120)


def build_registry(args, base):
    """The registry every export reads; False when a step failed."""
    data = os.path.relpath(os.path.join(HERE, "data"), args.root)
    steps = [
        ["publish", "-f", data + "/checkout/accord.yaml"],
        ["publish", "-f", data + "/shipping/accord.yaml"],
        ["publish", "-f", data + "/billing/accord.yaml"],
        ["register", "orders-value", data + "/schemas/orders.v2.json"],
        ["deprecate", "orders-value", "--version", "1", "--sunset", "2999-01-31",
         "--reason", "use version 2", "--replacement", "2"],
    ]
    ok = True
    for step in steps:
        p = accord(args, args.root, base, *step)
        ok = check(p.returncode == 0, "setup: accord " + " ".join(step),
                   "exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr)) and ok
    status, reply = call_json(base, "PUT", "/accord/v1/subjects/orders-value/metadata", {
        "links": [{"name": "runbook", "url": "https://wiki.example/orders"}],
        "sla": {"delivery": "5s", "processing": "1s"}})
    ok = check(status == 200, "setup: links and SLA of orders-value", repr(reply)) and ok
    return ok


def run_goldens(args, server):
    update = os.environ.get("ACCORD_UPDATE_GOLDENS") == "1"
    goldens = os.path.join(HERE, "goldens")
    for name in sorted(os.listdir(goldens)):
        problems = run_step(os.path.abspath(args.accord), args.root, os.path.join(goldens, name),
                            server.base, update)
        check(not problems, ("updated " if update else "golden ") + name, "\n".join(problems))


def load_export(args, base, out_dir, name, *flags):
    """Exports as YAML and as JSON into out_dir; (yaml path, json path, JSON document)."""
    paths = []
    for fmt in ("yaml", "json"):
        path = os.path.join(out_dir, "%s.%s" % (name, fmt))
        p = accord(args, args.root, base, "asyncapi", "export", *flags, "--format", fmt,
                   "--out", path)
        check(p.returncode == 0 and p.stdout == "" and p.stderr == "",
              "export %s %s --format %s writes %s" % (name, " ".join(flags), fmt, path),
              "exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr))
        paths.append(path)
    try:
        with open(paths[1]) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        check(False, "%s: the JSON export loads" % name, str(e))
        doc = {}
    return paths[0], paths[1], doc


def read(path):
    with open(os.path.join(HERE, path)) as f:
        return f.read()


def check_documents(all_doc, service_doc, team_doc, versions_doc):
    channels = all_doc.get("channels", {})
    check(sorted(channels) == ["orders-value", "payments.captured", "shipments-value"],
          "--all: one channel per subject", repr(sorted(channels)))
    check({k: c.get("address") for k, c in channels.items()} ==
          {"orders-value": "orders", "payments.captured": "payments.captured",
           "shipments-value": "shipments"},
          "--all: addresses by TopicNameStrategy (<topic>-value), else the subject")
    for doc_name, doc in (("--all", all_doc), ("--service", service_doc), ("--team", team_doc),
                          ("--all-versions", versions_doc)):
        for cid, channel in doc.get("channels", {}).items():
            subjects = {m.get("x-accord-subject") for m in channel.get("messages", {}).values()}
            check(subjects == {channel.get("x-accord-subject")},
                  "%s: every message of channel %s carries its exact subject" % (doc_name, cid),
                  repr(subjects))
    check(sorted(all_doc.get("operations", {})) ==
          ["billing.receive.payments.captured", "billing.receive.shipments-value",
           "checkout.send.orders-value", "checkout.send.payments.captured",
           "shipping.receive.orders-value", "shipping.send.shipments-value"],
          "--all: one operation per declared producer and consumer",
          repr(sorted(all_doc.get("operations", {}))))
    messages = {cid: c.get("messages", {}) for cid, c in channels.items()}
    formats = {m: body["payload"]["schemaFormat"] for c in messages.values()
               for m, body in c.items()}
    check(formats == {
        "orders-value.v2": "application/schema+json;version=draft-07",
        "orders-value.reader.shipping": "application/schema+json;version=draft-07",
        "payments.captured.v1": "application/vnd.apache.avro+json;version=1.9.0",
        "payments.captured.reader.billing": "application/vnd.apache.avro+json;version=1.9.0",
        "shipments-value.v1": "application/vnd.google.protobuf;version=3",
        "shipments-value.reader.billing": "application/vnd.google.protobuf;version=3"},
        "--all: the latest version and each reader, with the schemaFormat of its language",
        repr(formats))
    orders = messages.get("orders-value", {}).get("orders-value.v2", {})
    check(orders.get("payload", {}).get("schema") == json.loads(read("data/schemas/orders.v2.json"))
          and orders.get("x-accord-pii-fields") == ["email"]
          and orders.get("x-accord-sla") == {"delivery": "5s", "processing": "1s"}
          and [t["name"] for t in orders.get("tags", [])] == ["core", "orders"],
          "--all: orders-value v2 carries its schema, PII fields, SLA and tags", repr(orders))
    proto = messages.get("shipments-value", {}).get("shipments-value.v1", {})
    check(proto.get("payload", {}).get("schema") == read("data/schemas/shipment-created.proto"),
          "--all: a Protobuf payload is the .proto text", repr(proto.get("payload")))

    ops = service_doc.get("operations", {})
    check(sorted(ops) == ["shipping.receive.orders-value", "shipping.send.shipments-value"],
          "--service shipping: its operations only", repr(sorted(ops)))
    receive = ops.get("shipping.receive.orders-value", {})
    check(receive.get("action") == "receive" and receive.get("x-accord-versions") == [1, 2] and
          receive.get("messages") ==
          [{"$ref": "#/channels/orders-value/messages/orders-value.reader.shipping"}],
          "--service shipping: receive names its reader message and versions", repr(receive))
    reader = service_doc.get("channels", {}).get("orders-value", {}).get("messages", {}).get(
        "orders-value.reader.shipping", {})
    check(reader.get("payload", {}).get("schema") ==
          json.loads(read("data/schemas/orders.reader.json")),
          "--service shipping: the reader message's payload is the reader schema", repr(reader))

    check(sorted(team_doc.get("operations", {})) ==
          ["checkout.send.orders-value", "checkout.send.payments.captured"] and
          sorted(team_doc.get("channels", {})) == ["orders-value", "payments.captured"],
          "--team team-orders: its services and subjects",
          repr(sorted(team_doc.get("operations", {}))))

    vmsgs = versions_doc.get("channels", {}).get("orders-value", {}).get("messages", {})
    v1, v2 = vmsgs.get("orders-value.v1", {}), vmsgs.get("orders-value.v2", {})
    check(v1.get("deprecated") is True and v1.get("x-accord-sunset") == "2999-01-31" and
          v1.get("x-accord-replacement") == 2 and v1.get("x-accord-state") == "DEPRECATED" and
          "deprecated" not in v2 and v2.get("x-accord-state") == "ACTIVE",
          "--all-versions: version 1 deprecated with its sunset, version 2 active",
          repr({"v1": v1, "v2": v2}))
    send = versions_doc.get("operations", {}).get("checkout.send.orders-value", {})
    check(send.get("messages") == [{"$ref": "#/channels/orders-value/messages/orders-value.v2"}],
          "--all-versions: the producer sends the latest version", repr(send))


def run_validate(args, server):
    out_dir = tempfile.mkdtemp(prefix="accord-asyncapi-")
    try:
        exports = [load_export(args, server.base, out_dir, "all", "--all"),
                   load_export(args, server.base, out_dir, "service-shipping", "--service",
                               "shipping"),
                   load_export(args, server.base, out_dir, "team-orders", "--team",
                               "team-orders"),
                   load_export(args, server.base, out_dir, "all-versions", "--all-versions")]
        check_documents(*[doc for _, _, doc in exports])
        cmd = ["node", os.path.join(NODE_DIR, "validate.js")]
        for yaml_path, json_path, _ in exports:
            cmd += ["--same", yaml_path, json_path]
        for yaml_path, json_path, _ in exports:
            cmd += [yaml_path, json_path]
        p = subprocess.run(cmd, cwd=NODE_DIR, capture_output=True, text=True, timeout=300)
        sys.stdout.write(p.stdout + p.stderr)
        check(p.returncode == 0, "@asyncapi/parser: no error diagnostic in any export, and each "
              "YAML export equals its JSON twin", "node exit %d" % p.returncode)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--goldens", action="store_true")
    mode.add_argument("--validate", action="store_true")
    args = ap.parse_args()
    args.accord = os.path.abspath(args.accord)
    args.root = os.path.abspath(args.root)
    if args.validate:
        for tool in ("node", "npm"):
            if shutil.which(tool) is None:
                print("SKIP: %s is not installed (apt-get install nodejs npm; "
                      "scripts/install-deps does)" % tool)
                return SKIP
        rc = ensure_npm_packages(NODE_DIR, "@asyncapi/parser")
        if rc is not None:
            return rc
    with AccordServer(args.accord) as server:
        if build_registry(args, server.base):
            if args.goldens:
                run_goldens(args, server)
            else:
                run_validate(args, server)
        if summary() != 0:
            print("--- server log (tail) ---\n" + server.log_tail())
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
