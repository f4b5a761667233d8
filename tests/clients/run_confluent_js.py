#!/usr/bin/env python3
"""Runs confluent_js/migrate_test.js: Confluent's own JavaScript serializers
(@confluentinc/schemaregistry) across `accord export` / `accord import`
(issue 18; label clients).

1. Needs node and npm (exit 77, skip, when either is missing; scripts/install-deps
   installs them).
2. `npm ci` in confluent_js/ from the committed package-lock.json when
   node_modules is missing or older (tests/integration/npm_deps.py: 77 when the
   npm registry cannot be reached, 1 on any other npm failure).
3. Starts a source and a target `accord serve` on ephemeral loopback ports,
   each with its own data folder, runs the test with ACCORD_SOURCE,
   ACCORD_TARGET and ACCORD_BIN set, stops both; exit status is the test's
   (1 when a server did not exit 0 on SIGTERM).

Usage: run_confluent_js.py --accord PATH/TO/accord
"""
import argparse
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
    with AccordServer(accord) as source, AccordServer(accord) as target:
        env = dict(os.environ, ACCORD_SOURCE=source.base, ACCORD_TARGET=target.base,
                   ACCORD_BIN=accord)
        r = subprocess.run(["node", os.path.join(JS_DIR, "migrate_test.js")], cwd=JS_DIR,
                           env=env, timeout=300)
        if r.returncode != 0:
            print("--- source log (tail)\n" + source.log_tail())
            print("--- target log (tail)\n" + target.log_tail())
        for name, server in (("source", source), ("target", target)):
            stop_rc = server.stop()
            if stop_rc != 0:
                print("FAIL %s exit status on SIGTERM: %r" % (name, stop_rc))
                return 1
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
