#!/usr/bin/env python3
"""One default dialect, draft-07, in the registry and in `accord check`
(issue 16 item 3), against a real `accord serve`.

Checks:
  * a JSON Schema without $schema is read as draft-07 by default: the
    array form of `items` is stored, `$ref` replaces its siblings;
  * the registry (POST /compatibility/subjects/S/versions/latest after
    registering OLD under S) and `accord check OLD NEW` (no flags) give the
    same verdict on the same pair: the pairs below with their expected
    verdicts, and every case of Confluent's shared suite
    (confluent-json-compat, read in place; skipped with a message when
    absent);
  * `--dialect 2020-12` (flag) and ACCORD_DIALECT change both alike;
  * a bad dialect setting is named with its allowed values;
  * upgrade: a store holding JSON schemas without $schema logs a warning at
    startup naming one, while the dialect setting is left at its default,
    and none once it is set (flag, environment or config file).

Usage: dialect_test.py --accord PATH/TO/accord [--testdata DIR]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer, call_json as call  # noqa: E402
from checks import check, summary  # noqa: E402


TUPLE = {"type": "array", "items": [{"type": "string"}]}
REF_OLD = {"definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s"}
REF_NEW = {"definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s", "maxLength": 3}

# (name, old, new, compatible under draft-07, compatible under 2020-12 or
# None when 2020-12 refuses one of the schemas).
PAIRS = [
    ("tuple items closed by additionalItems", TUPLE,
     dict(TUPLE, additionalItems=False), False, None),
    ("tuple items given a second entry", TUPLE,
     {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]}, False, None),
    ("dependencies added", {"type": "object", "properties": {"a": {"type": "string"}}},
     {"type": "object", "properties": {"a": {"type": "string"}}, "dependencies": {"a": ["b"]}},
     False, False),
    ("$ref sibling maxLength", REF_OLD, REF_NEW, True, False),
    ("property added to open model",
     {"type": "object", "properties": {"a": {"type": "string"}}},
     {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
     False, False),
]


def register(base, subject, schema):
    return call(base, "POST", "/subjects/%s/versions" % subject,
                {"schemaType": "JSON", "schema": json.dumps(schema)})


def registry_verdict(base, subject, old, new):
    """True/False, or the error reply when OLD cannot be registered or NEW checked."""
    status, reply = register(base, subject, old)
    if status != 200:
        return ("refused", status, reply)
    status, reply = call(base, "POST", "/compatibility/subjects/%s/versions/latest" % subject,
                         {"schemaType": "JSON", "schema": json.dumps(new)})
    if status != 200:
        return ("refused", status, reply)
    return reply["is_compatible"]


def cli_verdict(accord, tmp, old, new, extra=(), env=None):
    """True/False from the exit code of `accord check OLD NEW`, else the output."""
    paths = []
    for name, doc in (("old.json", old), ("new.json", new)):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            json.dump(doc, f)
        paths.append(path)
    r = subprocess.run([accord, "check", *paths, *extra], capture_output=True, text=True,
                       env=env)
    if r.returncode in (0, 1):
        return r.returncode == 0
    return ("refused", r.returncode, r.stderr.strip())


def same_verdicts(accord, base, tmp, prefix, pairs, extra=(), env=None):
    """Checks the registry and the CLI agree on every pair; returns disagreements."""
    disagreements = []
    for i, (name, old, new, expected) in enumerate(pairs):
        reg = registry_verdict(base, "%s-%d" % (prefix, i), old, new)
        cli = cli_verdict(accord, tmp, old, new, extra, env)
        agree = reg == cli or (isinstance(reg, tuple) and isinstance(cli, tuple))
        if not agree:
            disagreements.append("%s: registry %r, accord check %r" % (name, reg, cli))
        if expected is not None:
            check(reg == expected and cli == expected,
                  "%s: registry and accord check say %s" %
                  (name, "compatible" if expected else "incompatible"),
                  "registry %r, accord check %r" % (reg, cli))
        elif expected is None and not agree:
            check(False, "%s: registry and accord check agree" % name, disagreements[-1])
    return disagreements


def load_confluent(testdata):
    path = os.path.join(testdata, "confluent-json-compat", "diff-schema-examples.json")
    if not os.path.exists(path):
        return None, path
    with open(path) as f:
        return json.load(f), path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--testdata", default="")
    args = ap.parse_args()
    accord = args.accord
    testdata = os.environ.get("ACCORD_TESTDATA") or args.testdata
    tmp = tempfile.mkdtemp(prefix="accord-dialect-")

    try:
        # --- default: draft-07 --------------------------------------------------
        with AccordServer(accord) as server:
            base = server.base
            status, reply = register(base, "arrays.tuple", TUPLE)
            check(status == 200 and "id" in reply,
                  "array-form items without $schema is stored (draft-07 default)",
                  "%s %r" % (status, reply))
            same_verdicts(accord, base, tmp, "pair",
                          [(n, o, w, c7) for (n, o, w, c7, _) in PAIRS])

            cases, path = load_confluent(testdata)
            if cases is None:
                print("SKIPPED   Confluent's cases: %s not found (scripts/fetch-testdata, or "
                      "ACCORD_TESTDATA=DIR)" % path)
            else:
                pairs = [("case %d %s" % (i, c["description"]), c["original_schema"],
                          c["update_schema"], None) for i, c in enumerate(cases)]
                bad = same_verdicts(accord, base, tmp, "confluent", pairs)
                print("confluent-json-compat: %d cases, registry and accord check (no flags) "
                      "disagree on %d" % (len(cases), len(bad)))
                check(not bad, "registry and accord check agree on all %d Confluent cases" %
                      len(cases), "\n".join(bad))

        # --- 2020-12 by flag, and by environment -----------------------------------
        with AccordServer(accord, args=["--dialect", "2020-12"]) as server:
            status, reply = register(server.base, "arrays.tuple", TUPLE)
            check(status == 422 and reply.get("error_code") == 42201,
                  "--dialect 2020-12: array-form items refused with 42201", "%s %r" % (status, reply))
            same_verdicts(accord, server.base, tmp, "pair2020",
                          [(n, o, w, c20) for (n, o, w, _, c20) in PAIRS],
                          extra=["--dialect", "2020-12"])
        env = dict(os.environ, ACCORD_DIALECT="2020-12")
        with AccordServer(accord, env=env) as server:
            status, reply = register(server.base, "arrays.tuple", TUPLE)
            check(status == 422, "ACCORD_DIALECT=2020-12: array-form items refused",
                  "%s %r" % (status, reply))

        # --- a bad dialect is named -------------------------------------------------
        r = subprocess.run([accord, "serve", "--listen", "127.0.0.1:0", "--data",
                            os.path.join(tmp, "bad"), "--dialect", "draft7"],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 2 and
              "invalid setting dialect 'draft7' (--dialect): unknown value 'draft7' "
              "(did you mean 'draft-07'?); allowed: draft-04, draft-06, draft-07, 2019-09, 2020-12"
              in r.stderr, "serve --dialect draft7 names the setting and the allowed values",
              "exit %d: %s" % (r.returncode, r.stderr))

        # --- upgrade: stored schemas without $schema -------------------------------
        data = os.path.join(tmp, "upgrade-data")
        log = os.path.join(tmp, "upgrade.log")
        with AccordServer(accord, data=data, log_path=log) as server:
            register(server.base, "orders.placed", {"type": "object"})
            register(server.base, "orders.marked",
                     {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"})
        config = os.path.join(tmp, "dialect.yaml")
        with open(config, "w") as f:
            f.write("dialect: draft-07\n")
        for label, extra, env, warned in (
                ("dialect left at its default", [], None, True),
                ("--dialect draft-07", ["--dialect", "draft-07"], None, False),
                ("dialect: draft-07 in the config file", ["--config", config], None, False),
                ("ACCORD_DIALECT=2020-12", [], dict(os.environ, ACCORD_DIALECT="2020-12"), False)):
            open(log, "w").close()
            with AccordServer(accord, data=data, args=extra, env=env, log_path=log):
                pass
            with open(log) as f:
                lines = [json.loads(line) for line in f if line.startswith("{")]
            warnings = [w for w in lines if w.get("level") == "warning" and "$schema" in w["msg"]]
            if warned:
                check(len(warnings) == 1 and warnings[0]["detail"].startswith("schema id 1 is one;"),
                      "restart with %s: one warning naming stored schema 1 (no $schema)"
                      % label, repr(warnings))
            else:
                check(warnings == [], "restart with %s: no dialect warning" % label, repr(warnings))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
