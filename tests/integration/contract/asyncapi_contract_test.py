#!/usr/bin/env python3
"""AsyncAPI as a contract source end to end against real `accord serve`s (issue 20).

The checkout service of tests/unit/cli/testdata/asyncapi/checkout/ twice:
  * "asyncapi": a folder with only its AsyncAPI 3.0 document (and the files
    its $refs name) and a pointer accord.yaml (`owner:` and `asyncapi:`);
  * "native": the same service written as accord.yaml with schema files.
Each runs against a registry of its own, which holds the same producer
versions of the subjects checkout consumes. Asserted:
  * `accord test`, `publish` (twice), `test` again and `can-i-deploy` give
    the same output and exit code for both, exactly as expected (but for
    the examples' count: files for one, examples in the document for the
    other);
  * both registries end up holding the same subjects, versions, schema texts,
    subject metadata and service declaration;
  * a breaking change in the AsyncAPI payload fails `accord test` with
    problems pointing at the AsyncAPI document's lines, and an example that
    no longer validates points at the example's line in the document;
  * the round trip: `accord asyncapi export --service checkout` of the
    native registry, used as the contract (a pointer accord.yaml only),
    publishes as "unchanged" and exports again to the same document;
  * examples/notifications (AsyncAPI only) tests, publishes and can deploy
    beside the other example services, and becomes a consumer of theirs.

Usage: asyncapi_contract_test.py --accord PATH --root REPO
"""
import argparse
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


def run(accord, cwd, registry, args):
    env = dict(os.environ, LC_ALL="C", ACCORD_REGISTRY=registry, NO_COLOR="1",
               ACCORD_TODAY="2026-01-01")
    p = subprocess.run([accord, *args], cwd=cwd, capture_output=True, text=True, env=env,
                       timeout=120)
    return (p.returncode, p.stdout.replace(registry, "http://REGISTRY"),
            p.stderr.replace(registry, "http://REGISTRY"))


def seed(accord, cwd, registry):
    """The producer versions of what checkout consumes."""
    reserved_v1 = {"type": "object", "required": ["sku"], "additionalProperties": False,
                   "properties": {"sku": {"type": "string"}}}
    reserved_v2 = {"type": "object", "required": ["sku"], "additionalProperties": False,
                   "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}}}
    released = {"type": "object", "properties": {"sku": {"type": "string"},
                                                  "region": {"type": "string"}}}
    os.makedirs(os.path.join(cwd, "seed"))
    for subject, name, schema in (("inventory.stock-reserved-value", "r1.json", reserved_v1),
                                  ("inventory.stock-reserved-value", "r2.json", reserved_v2),
                                  ("inventory.stock-released", "rel.json", released)):
        path = os.path.join(cwd, "seed", name)
        with open(path, "w") as f:
            json.dump(schema, f)
        rc, out, err = run(accord, cwd, registry, ["register", subject, path])
        check(rc == 0, "seed %s %s" % (subject, name), out + err)


def copy_service(dest, names):
    src = os.path.join(HERE, "..", "..", "unit", "cli", "testdata", "asyncapi", "checkout")
    for name in names:
        s, d = os.path.join(src, name), os.path.join(dest, name)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if os.path.isdir(s):
            shutil.copytree(s, d)
        else:
            shutil.copyfile(s, d)


STEPS = [
    ("test before publishing", ["test"], 0,
     "PASS  checkout.orders-value: examples validate (2 files)\n"
     "PASS  checkout.orders-value: compatible with the registry's versions (BACKWARD, STRICT) "
     "(new subject)\n"
     "PASS  checkout.orders-value: consumers (none registered)\n"
     "PASS  checkout.payments-value: examples validate (1 file)\n"
     "PASS  checkout.payments-value: compatible with the registry's versions (FULL, STRICT) "
     "(new subject)\n"
     "PASS  checkout.payments-value: consumers (none registered)\n"
     "PASS  inventory.stock-reserved-value: version 2 readable (STRICT)\n"
     "PASS  inventory.stock-released: version 1 readable (STRICT)\n"
     "PASSED: 8 checks, 8 passed, 0 failed, 0 warnings, 0 skipped\n"),
    ("publish", ["publish"], 0,
     "checkout.orders-value: registered version 1 (id 4)\n"
     "checkout.orders-value: owner, description and tags updated\n"
     "checkout.payments-value: compatibility set to FULL\n"
     "checkout.payments-value: registered version 1 (id 5)\n"
     "checkout.payments-value: owner, description and tags updated\n"
     "service checkout: published (produces 2, consumes 2)\n"),
    ("publish again", ["publish"], 0,
     "checkout.orders-value: unchanged (version 1, id 4)\n"
     "checkout.payments-value: unchanged (version 1, id 5)\n"
     "service checkout: unchanged\n"),
    ("test after publishing", ["test"], 0,
     "PASS  checkout.orders-value: examples validate (2 files)\n"
     "PASS  checkout.orders-value: compatible with the registry's versions (BACKWARD, STRICT) "
     "(registered as version 1)\n"
     "PASS  checkout.orders-value: consumers (none registered)\n"
     "PASS  checkout.payments-value: examples validate (1 file)\n"
     "PASS  checkout.payments-value: compatible with the registry's versions (FULL, STRICT) "
     "(registered as version 1)\n"
     "PASS  checkout.payments-value: consumers (none registered)\n"
     "PASS  inventory.stock-reserved-value: version 2 readable (STRICT)\n"
     "PASS  inventory.stock-released: version 1 readable (STRICT)\n"
     "PASSED: 8 checks, 8 passed, 0 failed, 0 warnings, 0 skipped\n"),
    ("can-i-deploy", ["can-i-deploy"], 0,
     "PASS  inventory.stock-reserved-value: version 2 readable (STRICT)\n"
     "PASS  inventory.stock-released: version 1 readable (STRICT)\n"
     "PASS  checkout.orders-value: consumers (none registered)\n"
     "PASS  checkout.payments-value: consumers (none registered)\n"
     "PASSED: 4 checks, 4 passed, 0 failed, 0 warnings, 0 skipped\n"
     "can-i-deploy checkout: yes\n"),
]


def registry_state(base):
    """Everything the contract commands wrote, in a comparable form."""
    state = {}
    _, subjects = call_json(base, "GET", "/subjects")
    for s in sorted(subjects):
        _, versions = call_json(base, "GET", "/subjects/%s/versions" % s)
        for v in versions:
            _, got = call_json(base, "GET", "/subjects/%s/versions/%d" % (s, v))
            state["%s v%d" % (s, v)] = (got.get("schemaType"), got.get("schema"))
        _, meta = call_json(base, "GET", "/accord/v1/subjects/%s" % s)
        state[s + " metadata"] = {k: meta.get(k) for k in ("owner", "description", "tags")}
        _, config = call_json(base, "GET", "/config/%s?defaultToGlobal=true" % s)
        state[s + " config"] = config
    _, service = call_json(base, "GET", "/accord/v1/services/checkout")
    service.pop("updatedAt", None)  # when it was published
    state["service"] = service
    return state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    accord = os.path.abspath(args.accord)
    work = tempfile.mkdtemp(prefix="accord-asyncapi-")
    try:
        only = os.path.join(work, "asyncapi")
        copy_service(only, ["asyncapi-3.yaml", "schemas/shared.yaml",
                            "schemas/payment-captured.avsc"])
        with open(os.path.join(only, "accord.yaml"), "w") as f:
            f.write("owner: team-checkout\nasyncapi: asyncapi-3.yaml\n")
        native = os.path.join(work, "native")
        copy_service(native, ["accord.yaml", "schemas", "examples"])
        check(sorted(os.listdir(only)) == ["accord.yaml", "asyncapi-3.yaml", "schemas"],
              "the AsyncAPI folder has only the document, its $ref'd files and the pointer",
              repr(os.listdir(only)))
        states = {}
        with AccordServer(accord) as a, AccordServer(accord) as n:
            for name, cwd, base in (("asyncapi", only, a.base), ("native", native, n.base)):
                seed(accord, cwd, base)
                for what, cmd, rc, out in STEPS:
                    if name == "asyncapi":  # the examples are events in the document
                        out = out.replace("(2 files)", "(2 examples)").replace("(1 file)",
                                                                               "(1 example)")
                    got = run(accord, cwd, base, cmd)
                    check(got == (rc, out, ""), "%s: %s" % (name, what),
                          "exit %d\n--- stdout\n%s--- expected\n%s--- stderr\n%s" %
                          (got[0], got[1], out, got[2]))
                states[name] = registry_state(base)
            check(states["asyncapi"] == states["native"],
                  "both registries hold the same subjects, schemas, metadata and service",
                  json.dumps(states, indent=1, sort_keys=True))
            round_trip(accord, work, n.base)
            breaking(accord, only, a.base)
        with AccordServer(accord) as e:
            example(accord, os.path.join(args.root, "examples"), e.base)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


def round_trip(accord, work, base):
    """`accord asyncapi export --service checkout` read back as the service's
    contract: the only file beside the exported document is `asyncapi:` (the
    service and owner come from the document's info), publishing it changes
    nothing in the registry it came from, and exporting again gives the same
    document byte for byte."""
    folder = os.path.join(work, "roundtrip")
    os.makedirs(folder)
    exported = os.path.join(folder, "asyncapi.yaml")
    got = run(accord, folder, base, ["asyncapi", "export", "--service", "checkout",
                                     "--out", exported])
    check(got[0] == 0 and os.path.isfile(exported), "round trip: export --service checkout",
          "exit %d\n%s%s" % got)
    with open(os.path.join(folder, "accord.yaml"), "w") as f:
        f.write("asyncapi: asyncapi.yaml\n")
    before = registry_state(base)
    got = run(accord, folder, base, ["publish"])
    expected = ("checkout.orders-value: unchanged (version 1, id 4)\n"
                "checkout.payments-value: unchanged (version 1, id 5)\n"
                "service checkout: unchanged\n")
    check(got == (0, expected, ""), "round trip: publishing the export changes nothing",
          "exit %d\n--- stdout\n%s--- expected\n%s--- stderr\n%s" %
          (got[0], got[1], expected, got[2]))
    check(registry_state(base) == before, "round trip: the registry holds what it held")
    got = run(accord, folder, base, ["test", "--quiet"])
    check(got[0] == 0, "round trip: accord test passes from the export", "%s%s" % got[1:])
    again = os.path.join(work, "again.yaml")
    got = run(accord, folder, base, ["asyncapi", "export", "--service", "checkout",
                                     "--out", again])
    with open(exported) as f1, open(again) as f2:
        first, second = f1.read(), f2.read()
    check(got[0] == 0 and first == second, "round trip: the second export is the first",
          first + "\n---\n" + second)


def breaking(accord, cwd, base):
    """A breaking payload change points into the AsyncAPI document."""
    path = os.path.join(cwd, "asyncapi-3.yaml")
    with open(path) as f:
        text = f.read()
    # orderId becomes an integer: version 1 cannot be read, and the
    # examples' string ids no longer validate.
    changed = text.replace("        orderId: {type: string}", "        orderId: {type: integer}")
    check(changed != text, "the document was changed")
    with open(path, "w") as f:
        f.write(changed)
    got = run(accord, cwd, base, ["test", "--quiet"])
    # Examples at their `orderId:` lines, the incompatibility at the
    # payload's `orderId:` line (components.schemas.OrderPlaced).
    expected = (
        "FAIL  checkout.orders-value: examples validate (2 examples)\n"
        "      asyncapi-3.yaml:71: /orderId: expected integer, got string "
        "[asyncapi-3.yaml#/properties/orderId/type]\n"
        "      asyncapi-3.yaml:76: /orderId: expected integer, got string "
        "[asyncapi-3.yaml#/properties/orderId/type]\n"
        "FAIL  checkout.orders-value: compatible with the registry's versions (BACKWARD, STRICT) "
        "(would be version 2)\n"
        "      asyncapi-3.yaml:96: cannot read version 1: TYPE_CHANGED: type changed: the reader "
        "accepts integer but the writer allows string (version 1: /properties/orderId)\n"
        "        field:   /properties/orderId/type\n"
        "        witness: {\"lines\":[],\"orderId\":\"\"}\n"
        "FAILED: 8 checks, 6 passed, 2 failed, 0 warnings, 0 skipped\n")
    check(got == (1, expected, ""), "a breaking payload fails test, pointing into the document",
          "exit %d\n--- stdout\n%s--- expected\n%s--- stderr\n%s" %
          (got[0], got[1], expected, got[2]))


def example(accord, cwd, base):
    """examples/notifications among the other example services."""
    for service in ("orders", "payments", "shipping"):
        rc, out, err = run(accord, cwd, base, ["publish", "--file", service + "/accord.yaml"])
        check(rc == 0, "publish example " + service, out + err)
    for what, cmd, rc, out in [
        ("test notifications", ["test", "--file", "notifications/accord.yaml"], 0,
         "PASS  notifications.email-sent-value: examples validate (1 example)\n"
         "PASS  notifications.email-sent-value: compatible with the registry's versions "
         "(BACKWARD, STRICT) (new subject)\n"
         "PASS  notifications.email-sent-value: consumers (none registered)\n"
         "PASS  orders.order-placed: version 1 readable (STRICT)\n"
         "PASS  shipping.shipment-dispatched: version 1 readable (STRICT)\n"
         "PASSED: 5 checks, 5 passed, 0 failed, 0 warnings, 0 skipped\n"),
        ("publish notifications", ["publish", "--file", "notifications/accord.yaml"], 0,
         "notifications.email-sent-value: registered version 1 (id 4)\n"
         "notifications.email-sent-value: owner, description and tags updated\n"
         "service notifications: published (produces 1, consumes 2)\n"),
        ("can-i-deploy notifications", ["can-i-deploy", "--file", "notifications/accord.yaml"], 0,
         "PASS  orders.order-placed: version 1 readable (STRICT)\n"
         "PASS  shipping.shipment-dispatched: version 1 readable (STRICT)\n"
         "PASS  notifications.email-sent-value: consumers (none registered)\n"
         "PASSED: 3 checks, 3 passed, 0 failed, 0 warnings, 0 skipped\n"
         "can-i-deploy notifications: yes\n"),
        ("orders sees notifications as a consumer", ["test", "--file", "orders/accord.yaml"], 0,
         "PASS  orders.order-placed: examples validate (2 files)\n"
         "PASS  orders.order-placed: compatible with the registry's versions (BACKWARD, STRICT) "
         "(registered as version 1)\n"
         "PASS  orders.order-placed: consumer notifications (team-crm) (version 1, STRICT)\n"
         "PASS  orders.order-placed: consumer payments (team-payments) (version 1, STRICT)\n"
         "PASS  orders.order-placed: consumer shipping (team-logistics) (version 1, STRICT)\n"
         "PASS  payments.payment-captured: version 1 readable (STRICT)\n"
         "PASSED: 6 checks, 6 passed, 0 failed, 0 warnings, 0 skipped\n"),
    ]:
        got = run(accord, cwd, base, cmd)
        check(got == (rc, out, ""), "example: " + what,
              "exit %d\n--- stdout\n%s--- expected\n%s--- stderr\n%s" %
              (got[0], got[1], out, got[2]))


if __name__ == "__main__":
    sys.exit(main())
