#!/usr/bin/env python3
"""Runs node/node_client_test.js against a fresh `accord serve` (label clients).

1. Needs node and npm (exit 77, skip, when either is missing: apt-get install
   nodejs npm; scripts/install-deps does).
2. Runs `npm ci` in node/ from the committed package-lock.json when
   node_modules is missing or older than the lock file
   (tests/integration/npm_deps.py: skips, 77, when the npm registry cannot be
   reached; any other npm failure fails the test).
3. Starts the server on an ephemeral port with a temp data directory, runs the
   Node test with ACCORD_URL set, stops the server; exit status is the test's.

Usage: run_node_client.py --accord PATH/TO/accord
"""
import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from accord_server import AccordCluster, AccordServer, run_client, write_auth_config  # noqa: E402
from npm_deps import SKIP, ensure_npm_packages  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--auth", action="store_true",
                    help="the server requires a key; the client sends HTTP Basic credentials")
    ap.add_argument("--cluster", action="store_true",
                    help="against three replicas on PostgreSQL behind nginx (scripts/cluster)")
    args = ap.parse_args()
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (apt-get install nodejs npm; scripts/install-deps"
                  " does)" % tool)
            return SKIP
    rc = ensure_npm_packages(NODE_DIR, "@kafkajs/confluent-schema-registry")
    if rc is not None:
        return rc
    server_args = ()
    env_auth = {}
    tmp = None
    try:
        if args.auth:
            import hashlib
            import tempfile
            key = "node-clients-secret-key"
            tmp = tempfile.mkdtemp(prefix="accord-node-auth-")
            config = write_auth_config(
                os.path.join(tmp, "accord.yaml"),
                [{"principal": "ci-node", "role": "admin",
                  "sha256": hashlib.sha256(key.encode()).hexdigest()}], anonymous_read=False)
            server_args = ("--config", config)
            env_auth = {"ACCORD_AUTH": "ci-node:" + key}
        registry = AccordCluster if args.cluster else AccordServer
        with registry(args.accord, args=server_args) as server:
            env = dict(os.environ, ACCORD_URL=server.base, **env_auth)
            return run_client(server, ["node", os.path.join(NODE_DIR, "node_client_test.js")],
                              cwd=NODE_DIR, env=env, timeout=300)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
