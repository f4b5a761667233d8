#!/usr/bin/env python3
"""Runs a test of Confluent's own JavaScript serializers
(@confluentinc/schemaregistry) against Accord (issue 18; label clients):
`--test migrate` (confluent_js/migrate_test.js, across `accord export` /
`accord import`) or `--test contracts` (confluent_js/contracts_test.js, data
contracts: metadata, rule sets, compatibility groups).

1. Needs node and npm (exit 77, skip, when either is missing; scripts/install-deps
   installs them).
2. `npm ci` in confluent_js/ from the committed package-lock.json when
   node_modules is missing or older (tests/integration/npm_deps.py: 77 when the
   npm registry cannot be reached, 1 on any other npm failure).
3. Starts `accord serve` on ephemeral loopback ports, each with its own data
   folder (migrate: a source and a target, passed as ACCORD_SOURCE,
   ACCORD_TARGET with ACCORD_BIN; contracts: one, ACCORD_URL), runs the test,
   stops the servers; exit status is the test's (1 when a server did not exit
   0 on SIGTERM).

Usage: run_confluent_js.py --accord PATH/TO/accord --test migrate|contracts
"""
import argparse
import contextlib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
JS_DIR = os.path.join(HERE, "confluent_js")
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from accord_server import AccordServer  # noqa: E402
from npm_deps import SKIP, ensure_npm_packages  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--test", choices=("migrate", "contracts"), required=True)
    args = ap.parse_args()
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (apt-get install nodejs npm; scripts/install-deps"
                  " does)" % tool)
            return SKIP
    rc = ensure_npm_packages(JS_DIR, "@confluentinc/schemaregistry")
    if rc is not None:
        return rc
    accord = os.path.abspath(args.accord)
    names = ("source", "target") if args.test == "migrate" else ("registry",)
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(AccordServer(accord)) for _ in names]
        if args.test == "migrate":
            env = dict(os.environ, ACCORD_SOURCE=servers[0].base, ACCORD_TARGET=servers[1].base,
                       ACCORD_BIN=accord)
        else:
            env = dict(os.environ, ACCORD_URL=servers[0].base)
        r = subprocess.run(["node", os.path.join(JS_DIR, args.test + "_test.js")], cwd=JS_DIR,
                           env=env, timeout=300)
        if r.returncode != 0:
            for name, server in zip(names, servers):
                print("--- %s log (tail)\n%s" % (name, server.log_tail()))
        for name, server in zip(names, servers):
            stop_rc = server.stop()
            if stop_rc != 0:
                print("FAIL %s exit status on SIGTERM: %r" % (name, stop_rc))
                return 1
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
