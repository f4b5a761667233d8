#!/usr/bin/env python3
"""Runs the catalog page's browser tests (ui_test.js) against a fresh
`accord serve` (ctest label ui).

1. Needs Debian's Chromium (/usr/bin/chromium, or $ACCORD_CHROMIUM): without
   it the test is skipped (exit 77) and says how to install it
   (scripts/install-deps does). Needs node and npm likewise.
2. Runs `npm ci` here from the committed package-lock.json when node_modules
   is missing (playwright-core only; it never downloads a browser).
   playwright-core stays at 1.61.x, the last release that runs on Node 18,
   Debian 12's nodejs (1.62 and later require Node 20; a fresh Debian 12
   machine failed this test with them).
3. Starts the server on an ephemeral loopback port with a temp data
   directory, runs `node ui_test.js` (which seeds the catalog through the
   HTTP API and drives the browser), stops the server. Screenshots go to
   --out. Exit status is the test's.

Usage: run_ui_tests.py --accord PATH/TO/accord --out DIR [-- test-name-filter]
"""
import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from accord_server import AccordServer, run_client  # noqa: E402
from npm_deps import SKIP, ensure_npm_packages  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--out", required=True, help="folder for the screenshots")
    ap.add_argument("filter", nargs="?", default="", help="run only tests whose name has this")
    args = ap.parse_args()
    chromium = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print("SKIP: no Chromium at %s (apt-get install chromium; scripts/install-deps does;"
              " or set ACCORD_CHROMIUM)" % chromium)
        return SKIP
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (apt-get install nodejs npm)" % tool)
            return SKIP
    rc = ensure_npm_packages(HERE, "playwright-core")
    if rc is not None:
        return rc
    os.makedirs(args.out, exist_ok=True)
    with AccordServer(args.accord, args=("--min-notice-days", "0")) as server:
        env = dict(os.environ, ACCORD_URL=server.base, ACCORD_CHROMIUM=chromium,
                   ACCORD_UI_SHOTS=os.path.abspath(args.out), ACCORD_UI_FILTER=args.filter)
        return run_client(server, ["node", os.path.join(HERE, "ui_test.js")], cwd=HERE, env=env,
                          timeout=600)


if __name__ == "__main__":
    sys.exit(main())
