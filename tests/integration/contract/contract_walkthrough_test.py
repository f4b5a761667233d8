#!/usr/bin/env python3
"""The examples/README.md walk-through, end to end, against a real `accord serve`.

Starts the registry on an ephemeral loopback port with a temp data directory,
copies examples/{orders,payments,shipping} to a temp directory (the walk-through
edits schemas) and runs the README's commands there, asserting exit codes and
key lines: publish (and publish again: nothing changes), test and can-i-deploy
pass, a compatible change passes, a breaking change fails naming the consumer
and a witness, a deprecated version warns, a retired one fails; plus the exit
codes for an unreachable registry and a bad contract file.

The `accord test` output of the breaking change is also compared, in every
format, with the goldens in goldens/ (the registry URL replaced by
http://REGISTRY). ACCORD_UPDATE_GOLDENS=1 rewrites them.

Usage: contract_walkthrough_test.py --accord PATH --root REPO
"""
import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from accord_server import AccordServer  # noqa: E402
from checks import check, summary  # noqa: E402


class Walk:
    def __init__(self, accord, cwd, registry):
        self.accord = accord
        self.cwd = cwd
        self.registry = registry

    def run(self, *args, registry=True):
        env = dict(os.environ, LC_ALL="C")
        env.pop("ACCORD_REGISTRY", None)
        if registry:
            env["ACCORD_REGISTRY"] = self.registry
        p = subprocess.run([self.accord, *args], cwd=self.cwd, capture_output=True, text=True,
                           env=env, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def expect(self, what, args, rc, lines=(), absent=(), registry=True):
        code, out, err = self.run(*args, registry=registry)
        text = out + err
        ok = code == rc and all(l in text for l in lines) and not any(l in text for l in absent)
        check(ok, "%s: accord %s -> %d" % (what, " ".join(args), rc),
              "exit %d\n%s" % (code, text))
        return out

    def use_schema(self, change):
        shutil.copyfile(os.path.join(self.cwd, "orders", "changes", change),
                        os.path.join(self.cwd, "orders", "schemas", "order-placed.json"))


def audit_count(base):
    with urllib.request.urlopen(base + "/accord/v1/audit?limit=1000", timeout=30) as r:
        return len(json.loads(r.read()))


def compare_golden(name, actual, update):
    path = os.path.join(HERE, "goldens", name)
    if update:
        with open(path, "w") as f:
            f.write(actual)
        return
    want = open(path).read() if os.path.exists(path) else ""
    diff = "".join(difflib.unified_diff(want.splitlines(True), actual.splitlines(True),
                                        "expected/" + name, "actual/" + name))
    check(not diff, "golden " + name, diff)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    accord = os.path.abspath(args.accord)
    update = os.environ.get("ACCORD_UPDATE_GOLDENS") == "1"
    work = tempfile.mkdtemp(prefix="accord-walk-")
    try:
        for service in ("orders", "payments", "shipping"):
            shutil.copytree(os.path.join(args.root, "examples", service),
                            os.path.join(work, service))
        # As examples/README.md: no sunset notice, so step 5 can retire at once.
        with AccordServer(accord, args=("--min-notice-days", "0")) as server:
            walk(Walk(accord, work, server.base), server.base, update)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


def walk(w, base, update):
    # Offline: only the examples run; nothing needs the registry.
    w.expect("offline", ["test", "--file", "orders/accord.yaml", "--offline"], 0,
             ["PASS  orders.order-placed: examples validate (2 files)",
              "SKIP  orders.order-placed: consumers (offline)"], registry=False)

    # 1. Publish all three.
    w.expect("publish orders", ["publish", "--file", "orders/accord.yaml"], 0,
             ["orders.order-placed: registered version 1", "service orders: published"])
    w.expect("publish payments", ["publish", "--file", "payments/accord.yaml"], 0,
             ["payments.payment-captured: registered version 1"])
    w.expect("publish shipping", ["publish", "--file", "shipping/accord.yaml"], 0,
             ["shipping.shipment-dispatched: compatibility set to FULL",
              "shipping.shipment-dispatched: registered version 1"])
    before = audit_count(base)
    for service in ("orders", "payments", "shipping"):
        w.expect("publish again changes nothing", ["publish", "--file", service + "/accord.yaml"],
                 0, ["unchanged (version 1", "service %s: unchanged" % service],
                 absent=["registered", "updated", "published"])
    check(audit_count(base) == before, "publishing twice writes no audit row")

    for service in ("orders", "payments", "shipping"):
        w.expect("test " + service, ["test", "--file", service + "/accord.yaml"], 0, ["PASSED: "])
        w.expect("can-i-deploy " + service, ["can-i-deploy", "--service", service], 0,
                 ["can-i-deploy %s: yes" % service])
    w.expect("consumers are listed", ["test", "--file", "orders/accord.yaml"], 0,
             ["PASS  orders.order-placed: compatible with the registry's versions (BACKWARD, "
              "STRICT) (registered as version 1)",
              "PASS  orders.order-placed: consumer payments (team-payments) (version 1, STRICT)",
              "PASS  orders.order-placed: consumer shipping (team-logistics) (version 1, STRICT)"])

    # 2. A compatible change passes, and is published as version 2.
    w.use_schema("order-placed.compatible.json")
    w.expect("compatible change", ["test", "--file", "orders/accord.yaml"], 0,
             ["PASS  orders.order-placed: compatible with the registry's versions (BACKWARD, "
              "STRICT) (would be version 2)", "PASSED: "])
    w.expect("publish the compatible change", ["publish", "--file", "orders/accord.yaml"], 0,
             ["orders.order-placed: registered version 2"])

    # 3. A breaking change fails, naming the consumer, its owner and a witness.
    w.use_schema("order-placed.breaking.json")
    w.expect("breaking change", ["test", "--file", "orders/accord.yaml"], 1,
             ["FAIL  orders.order-placed: consumer payments (team-payments) (version 3, STRICT)",
              "breaks consumer payments (owner team-payments): REQUIRED_ADDED",
              "field:   /properties/customer_id", "witness: {",
              "(accepts versions [1, 2], not version 3)", "FAILED: "])
    for fmt in ("text", "json", "junit", "github"):
        code, out, err = w.run("test", "--file", "orders/accord.yaml", "--format", fmt)
        check(code == 1 and err == "", "breaking change --format %s exits 1" % fmt, err)
        compare_golden("breaking." + fmt, out.replace(base, "http://REGISTRY"), update)
    w.expect("can-i-deploy looks at the registry, not the working copy",
             ["can-i-deploy", "--service", "orders"], 0, ["can-i-deploy orders: yes"])
    w.use_schema("order-placed.compatible.json")

    # 4. Deprecate version 1: its consumers warn with the sunset date.
    w.expect("deprecate", ["deprecate", "orders.order-placed", "--version", "1", "--sunset",
                           "2099-12-31", "--reason", "superseded", "--replacement", "2"], 0)
    w.expect("deprecated version warns", ["test", "--file", "shipping/accord.yaml"], 0,
             ["WARN  orders.order-placed: version 1 readable (STRICT)",
              "version 1 is deprecated, sunset 2099-12-31: superseded (use version 2)",
              "PASSED: "])
    w.expect("deprecated version warns (all versions)", ["test", "--file", "payments/accord.yaml"],
             0, ["WARN  orders.order-placed: version 1 readable"])

    # 5. Past the sunset: version 1 is RETIRED; shipping still lists it and fails.
    w.expect("sunset passed", ["deprecate", "orders.order-placed", "--version", "1", "--sunset",
                               "2020-01-01", "--reason", "superseded", "--replacement", "2"], 0)
    w.expect("retired version fails", ["test", "--file", "shipping/accord.yaml"], 1,
             ["FAIL  orders.order-placed: version 1 readable (STRICT)",
              "version 1 is retired (sunset 2020-01-01)", "FAILED: "])
    w.expect("retired version fails can-i-deploy", ["can-i-deploy", "--service", "shipping"], 1,
             ["can-i-deploy shipping: no"])
    # Issue #19: annotations name real files. From the registry alone there is
    # no file (no file=, no "file"); with the service's accord.yaml at hand,
    # its line declaring the consumed subject (line 13 of examples/shipping).
    code, out, err = w.run("can-i-deploy", "--service", "shipping", "--format", "github")
    annotations = [l for l in out.splitlines() if l.startswith("::")]
    check(code == 1 and annotations == [
        "::error title=orders.order-placed%3A version 1 readable::version 1 is retired (sunset "
        "2020-01-01): stop accepting it in `versions`"],
        "can-i-deploy --format github without a contract file names no file", out + err)
    code, out, err = w.run("can-i-deploy", "--file", "shipping/accord.yaml", "--format", "github")
    annotations = [l for l in out.splitlines() if l.startswith("::")]
    check(code == 1 and annotations == [
        "::error file=shipping/accord.yaml,line=13,title=orders.order-placed%3A version 1 "
        "readable::version 1 is retired (sunset 2020-01-01): stop accepting it in `versions`"],
        "can-i-deploy --format github points at the accord.yaml line", out + err)
    code, out, err = w.run("can-i-deploy", "--file", "shipping/accord.yaml", "--format", "json")
    problems = [p for c in json.loads(out)["checks"] for p in c["problems"]] if code == 1 else []
    check([(p.get("file"), p.get("line")) for p in problems] == [("shipping/accord.yaml", 13)],
          "can-i-deploy --format json names the accord.yaml line", out + err)
    code, out, err = w.run("can-i-deploy", "--service", "shipping", "--format", "json")
    problems = [p for c in json.loads(out)["checks"] for p in c["problems"]] if code == 1 else []
    check(len(problems) == 1 and "file" not in problems[0] and "line" not in problems[0],
          "can-i-deploy --format json without a contract file names no file", out + err)
    w.expect("'all' leaves retired versions out", ["test", "--file", "payments/accord.yaml"], 0,
             ["PASS  orders.order-placed: version 2 readable"],
             absent=["version 1 readable"])

    # Exit codes: registry unreachable (3), --allow-offline, bad file (2).
    w.expect("unreachable", ["test", "--file", "orders/accord.yaml", "--registry",
                             "http://127.0.0.1:1"], 3, ["unreachable"])
    w.expect("allow-offline", ["test", "--file", "orders/accord.yaml", "--registry",
                               "http://127.0.0.1:1", "--allow-offline"], 0,
             ["SKIP  orders.order-placed: consumers (offline: registry unreachable)"])
    with open(os.path.join(w.cwd, "bad.yaml"), "w") as f:
        f.write("service: x\nproduces:\n  - subject: a\n    shema: s.json\n")
    w.expect("bad file", ["test", "--file", "bad.yaml"], 2,
             ["bad.yaml:4:5: produces[0]: unknown key 'shema' (did you mean 'schema'?)"])
    w.expect("no service published", ["can-i-deploy", "--service", "nobody"], 1,
             ["service nobody is not published"])


if __name__ == "__main__":
    sys.exit(main())
