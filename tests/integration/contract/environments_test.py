#!/usr/bin/env python3
"""Contract versions, environments and deployments end to end (issue 21)
against a real `accord serve` with keys for two teams and an admin.

The scenario of the issue, each command with its exact output and exit code
(can-i-deploy's in goldens/environments.*; ACCORD_UPDATE_GOLDENS=1 rewrites
them):
  * orders (team-checkout) and shipping (team-logistics) are published in two
    versions each (`publish --version`, once through $ACCORD_SERVICE_VERSION);
    orders@1 requires field `x`, orders@2 drops it; shipping@1's reader
    requires `x`, shipping@2's does not;
  * shipping@1 runs in production, shipping@2 in staging (orders@1 in both);
  * `can-i-deploy --service orders --version 2 --to production` says no and
    names shipping@1 (text, json, junit, github), `--to staging` says yes
    (and shipping@1 to staging checks the consumed direction: orders@1's
    version is readable);
    after `record-deployment --service shipping --version 2 --environment
    production` it says yes for production too.
Around it: a version is immutable (same contract: unchanged; another: exit
1), another team may not record a deployment of a service (exit 1, 40301),
environments are declared by admins only, undeployment (and its 40413), the
matrix over HTTP, and every change in the audit log.

Usage: environments_test.py --accord PATH --root REPO
"""
import argparse
import difflib
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from accord_server import AccordServer, write_auth_config  # noqa: E402
from checks import check, summary  # noqa: E402

KEYS = {"checkout": "checkout-secret-key", "logistics": "logistics-secret-key",
        "admin": "admin-secret-key"}


class Run:
    def __init__(self, accord, cwd, registry, update):
        self.accord = accord
        self.cwd = cwd
        self.registry = registry
        self.update = update

    def run(self, args, key, env_extra=None):
        env = dict(os.environ, LC_ALL="C", ACCORD_REGISTRY=self.registry, NO_COLOR="1",
                   ACCORD_KEY=KEYS[key])
        for name in ("ACCORD_PRINCIPAL", "ACCORD_SERVICE_VERSION", "ACCORD_UPDATE_GOLDENS"):
            env.pop(name, None)
        env.update(env_extra or {})
        p = subprocess.run([self.accord, *args], cwd=self.cwd, capture_output=True, text=True,
                           env=env, timeout=120)
        return (p.returncode, p.stdout.replace(self.registry, "http://REGISTRY"),
                p.stderr.replace(self.registry, "http://REGISTRY"))

    def expect(self, what, args, key, rc, stdout, stderr="", env_extra=None):
        got_rc, out, err = self.run(args, key, env_extra)
        check(got_rc == rc and out == stdout and err == stderr,
              "%s: accord %s -> %d" % (what, " ".join(args), rc),
              "exit %d\n--- stdout\n%s--- expected\n%s--- stderr\n%s--- expected\n%s" %
              (got_rc, out, stdout, err, stderr))

    def golden(self, what, args, key, rc, name):
        got_rc, out, err = self.run(args, key)
        check(got_rc == rc and err == "", "%s: accord %s -> %d" % (what, " ".join(args), rc),
              "exit %d, stderr:\n%s" % (got_rc, err))
        path = os.path.join(HERE, "goldens", name)
        if self.update:
            with open(path, "w") as f:
                f.write(out)
            return
        want = open(path).read() if os.path.exists(path) else ""
        diff = "".join(difflib.unified_diff(want.splitlines(True), out.splitlines(True),
                                            "expected/" + name, "actual/" + name))
        check(not diff, "golden " + name, diff)


FORMATS = ("text", "json", "junit", "github")


class Receiver:
    """A webhook receiver on loopback recording each delivery's JSON body."""

    def __init__(self):
        self.bodies = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.bodies.append(json.loads(body))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hooks" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                if len(self.bodies) >= n:
                    return list(self.bodies)
            time.sleep(0.05)
        with self.lock:
            return list(self.bodies)


def admin_post(base, path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST")
    req.add_header("Authorization", "Bearer " + KEYS["admin"])
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def get(base, path):
    req = urllib.request.Request(base + path)
    req.add_header("Authorization", "Bearer " + KEYS["admin"])
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    accord = os.path.abspath(args.accord)
    update = os.environ.get("ACCORD_UPDATE_GOLDENS") == "1"
    work = tempfile.mkdtemp(prefix="accord-envs-")
    try:
        shutil.copytree(os.path.join(HERE, "environments"), os.path.join(work, "services"))
        sha = lambda s: hashlib.sha256(s.encode()).hexdigest()  # noqa: E731
        config = write_auth_config(os.path.join(work, "accord.yaml"), [
            {"principal": "ci-checkout", "team": "team-checkout", "role": "writer",
             "sha256": sha(KEYS["checkout"])},
            {"principal": "ci-logistics", "team": "team-logistics", "role": "writer",
             "sha256": sha(KEYS["logistics"])},
            {"principal": "root", "role": "admin", "sha256": sha(KEYS["admin"])},
        ])
        with AccordServer(accord, args=("--config", config)) as server:
            walk(Run(accord, os.path.join(work, "services"), server.base, update), server.base)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


def walk(r, base):
    # Environments are declared by admins; a writer may not.
    r.expect("a writer may not declare an environment",
             ["environment", "create", "production", "--owner", "team-platform", "--production"],
             "checkout", 1, "",
             "accord environment: error: registry http://REGISTRY: 403 (40301) Forbidden: "
             "principal 'ci-checkout' (writer) may not declare environments (admins only)\n")
    r.expect("an admin declares production",
             ["environment", "create", "production", "--owner", "team-platform", "--production"],
             "admin", 0, "environment production: owner team-platform, production\n")

    # Version 1 of both services.
    r.expect("publish orders@1", ["publish", "-f", "orders/accord.yaml", "--version", "1"],
             "checkout", 0,
             "orders.order-placed: registered version 1 (id 1)\n"
             "orders.order-placed: owner, description and tags updated\n"
             "service orders: published (produces 1, consumes 0)\n"
             "contract orders@1: published (produces 1, consumes 0)\n")
    r.expect("publish shipping@1 ($ACCORD_SERVICE_VERSION)",
             ["publish", "-f", "shipping/accord.yaml"], "logistics", 0,
             "shipping.shipment-dispatched: registered version 1 (id 2)\n"
             "shipping.shipment-dispatched: owner, description and tags updated\n"
             "service shipping: published (produces 1, consumes 1)\n"
             "contract shipping@1: published (produces 1, consumes 1)\n",
             env_extra={"ACCORD_SERVICE_VERSION": "1"})
    r.expect("the same contract again is unchanged",
             ["publish", "-f", "orders/accord.yaml", "--version", "1"], "checkout", 0,
             "orders.order-placed: unchanged (version 1, id 1)\n"
             "service orders: unchanged\n"
             "contract orders@1: unchanged\n")
    for env in ("production", "staging"):
        r.expect("orders@1 runs in " + env,
                 ["record-deployment", "--service", "orders", "--version", "1",
                  "--environment", env], "checkout", 0,
                 "recorded: orders@1 runs in %s\n" % env)
    r.expect("shipping@1 runs in production",
             ["record-deployment", "--service", "shipping", "--version", "1",
              "--environment", "production"], "logistics", 0,
             "recorded: shipping@1 runs in production\n")

    # Rights: another team cannot record a deployment of shipping.
    r.expect("team-checkout may not deploy shipping",
             ["record-deployment", "--service", "shipping", "--version", "1",
              "--environment", "staging"], "checkout", 1, "",
             "accord record-deployment: error: registry http://REGISTRY: 403 (40301) Forbidden: "
             "principal 'ci-checkout' (writer) of team team-checkout may not change service "
             "'shipping' owned by team-logistics\n")
    r.expect("an unpublished version cannot be deployed",
             ["record-deployment", "--service", "shipping", "--version", "9",
              "--environment", "staging"], "logistics", 1, "",
             "accord record-deployment: error: registry http://REGISTRY: 404 (40411) Version '9' "
             "of service 'shipping' not found.\n")

    # Version 2 of shipping no longer reads `x`: it runs in staging.
    shutil.copyfile(os.path.join(r.cwd, "shipping/contracts/order-placed.reader.v2.json"),
                    os.path.join(r.cwd, "shipping/contracts/order-placed.reader.json"))
    r.expect("publish shipping@2", ["publish", "-f", "shipping/accord.yaml", "--version", "2"],
             "logistics", 0,
             "shipping.shipment-dispatched: unchanged (version 1, id 2)\n"
             "service shipping: published (produces 1, consumes 1)\n"
             "contract shipping@2: published (produces 1, consumes 1)\n")
    r.expect("shipping@1 is immutable",
             ["publish", "-f", "shipping/accord.yaml", "--version", "1"], "logistics", 1,
             "shipping.shipment-dispatched: unchanged (version 1, id 2)\n"
             "service shipping: unchanged\n",
             "accord publish: error: registry http://REGISTRY: 409 (40903) Version '1' of "
             "service 'shipping' is published with another contract (a version is immutable: publish the changed contract as a new "
             "version).\n")
    r.expect("shipping@2 runs in staging",
             ["record-deployment", "--service", "shipping", "--version", "2",
              "--environment", "staging"], "logistics", 0,
             "recorded: shipping@2 runs in staging\n")

    # Version 2 of orders drops `x`.
    shutil.copyfile(os.path.join(r.cwd, "orders/schemas/order-placed.v2.json"),
                    os.path.join(r.cwd, "orders/schemas/order-placed.json"))
    r.expect("publish orders@2", ["publish", "-f", "orders/accord.yaml", "--version", "2"],
             "checkout", 0,
             "orders.order-placed: registered version 2 (id 3)\n"
             "service orders: unchanged\n"
             "contract orders@2: published (produces 1, consumes 0)\n")

    # A failing can-i-deploy --to is announced to the webhooks
    # (deploy.check_failed): once per run, with the break it found.
    rx = Receiver()
    admin_post(base, "/accord/v1/webhooks",
               {"url": rx.url, "events": ["deploy.check_failed"], "secret": "s" * 16})
    deploy = ["can-i-deploy", "--service", "orders", "--version", "2"]
    for fmt in FORMATS:
        r.golden("orders@2 to production (" + fmt + ")",
                 deploy + ["--to", "production", "--format", fmt], "checkout", 1,
                 "environments.production-no." + fmt)
    r.golden("orders@2 to staging", deploy + ["--to", "staging"], "checkout", 0,
             "environments.staging-yes.text")
    # The consumed direction: shipping@1 reads what orders@1 writes in staging
    # (it would replace shipping@2 there); nothing there consumes its event.
    r.golden("shipping@1 to staging",
             ["can-i-deploy", "--service", "shipping", "--version", "1", "--to", "staging"],
             "logistics", 0, "environments.shipping-staging.text")

    # The matrix over HTTP.
    prod = get(base, "/accord/v1/environments/production")
    check(prod["production"] is True and prod["owner"] == "team-platform" and
          [(d["service"], d["version"]) for d in prod["deployments"]] ==
          [("orders", "1"), ("shipping", "1")],
          "GET /environments/production lists orders@1 and shipping@1", json.dumps(prod))
    shipping = prod["deployments"][1]
    check(shipping["produces"] == [{"subject": "shipping.shipment-dispatched", "id": 2,
                                    "version": 1}] and
          [c["subject"] for c in shipping["consumes"]] == ["orders.order-placed"],
          "the matrix shows what shipping@1 produces and reads", json.dumps(shipping))
    envs = get(base, "/accord/v1/environments")
    check([(e["name"], e["owner"], e["production"]) for e in envs] ==
          [("production", "team-platform", True), ("staging", "team-checkout", False)],
          "GET /environments: production declared, staging created on first use",
          json.dumps(envs))

    # Shipping@2 goes to production: one version per service per environment.
    r.expect("shipping@2 runs in production",
             ["record-deployment", "--service", "shipping", "--version", "2",
              "--environment", "production"], "logistics", 0,
             "recorded: shipping@2 runs in production\n")
    prod = get(base, "/accord/v1/environments/production")
    check([(d["service"], d["version"]) for d in prod["deployments"]] ==
          [("orders", "1"), ("shipping", "2")],
          "shipping@2 replaced shipping@1 in production", json.dumps(prod))
    got = rx.wait(len(FORMATS))
    want = {"event": "deploy.check_failed", "environment": "production", "service": "orders",
            "version": "2", "actor": "ci-checkout",
            "breaks": [{"subject": "orders.order-placed", "peer": "shipping@1",
                        "reason": "breaks consumer shipping@1 (owner team-logistics): "
                                  "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: property 'x' is "
                                  "constrained by the reader but the writer's open content "
                                  "model allows it with any value (consumer's field: "
                                  "/properties/x)"}]}
    seen = [{"event": b.get("event"), **{k: b.get("data", {}).get(k) for k in
                                          ("environment", "service", "version", "actor")},
             "breaks": [{"subject": x.get("subject"), "peer": x.get("peer"),
                         "reason": x.get("reason")}
                        for x in b.get("data", {}).get("breaks", [])]} for b in got]
    check(seen == [want] * len(FORMATS),
          "each failing run announced deploy.check_failed naming shipping@1",
          json.dumps(got, indent=1))
    r.golden("orders@2 to production after shipping@2", deploy + ["--to", "production"],
             "checkout", 0, "environments.production-yes.text")

    # Undeployment.
    r.expect("team-checkout may not undeploy shipping",
             ["record-undeployment", "--service", "shipping", "--environment", "staging"],
             "checkout", 1, "",
             "accord record-undeployment: error: registry http://REGISTRY: 403 (40301) "
             "Forbidden: principal 'ci-checkout' (writer) of team team-checkout may not change "
             "service 'shipping' owned by team-logistics\n")
    r.expect("undeploy another version than the one running",
             ["record-undeployment", "--service", "shipping", "--version", "1",
              "--environment", "staging"], "logistics", 1, "",
             "accord record-undeployment: error: registry http://REGISTRY: 404 (40413) Service "
             "'shipping' runs version '2' in 'staging', not '1'.\n")
    r.expect("undeploy shipping from staging",
             ["record-undeployment", "--service", "shipping", "--environment", "staging"],
             "logistics", 0, "recorded: shipping@2 no longer runs in staging\n")
    r.expect("undeploy it again",
             ["record-undeployment", "--service", "shipping", "--environment", "staging"],
             "logistics", 1, "",
             "accord record-undeployment: error: registry http://REGISTRY: 404 (40413) Service "
             "'shipping' is not deployed in 'staging'.\n")
    staging = get(base, "/accord/v1/environments/staging")
    check([(d["service"], d["version"]) for d in staging["deployments"]] == [("orders", "1")],
          "staging runs orders@1 only", json.dumps(staging))

    # Every change is audited, by its actor.
    audit = get(base, "/accord/v1/audit?limit=1000")
    rows = [(a["action"], a["actor"]) for a in audit
            if a["action"] in ("PUBLISH_SERVICE_VERSION", "PUT_ENVIRONMENT", "RECORD_DEPLOYMENT",
                               "RECORD_UNDEPLOYMENT")]
    check(rows == [("PUT_ENVIRONMENT", "root"),
                   ("PUBLISH_SERVICE_VERSION", "ci-checkout"),
                   ("PUBLISH_SERVICE_VERSION", "ci-logistics"),
                   ("RECORD_DEPLOYMENT", "ci-checkout"),
                   ("RECORD_DEPLOYMENT", "ci-checkout"),
                   ("RECORD_DEPLOYMENT", "ci-logistics"),
                   ("PUBLISH_SERVICE_VERSION", "ci-logistics"),
                   ("RECORD_DEPLOYMENT", "ci-logistics"),
                   ("PUBLISH_SERVICE_VERSION", "ci-checkout"),
                   ("RECORD_DEPLOYMENT", "ci-logistics"),
                   ("RECORD_UNDEPLOYMENT", "ci-logistics")],
          "the audit log holds every deployment change with its actor", json.dumps(rows))

    # The consumed direction breaking: in a canary environment running
    # orders@2, shipping@1 could not read what orders writes.
    r.expect("orders@2 runs in canary",
             ["record-deployment", "--service", "orders", "--version", "2",
              "--environment", "canary"], "checkout", 0, "recorded: orders@2 runs in canary\n")
    r.golden("shipping@1 to canary",
             ["can-i-deploy", "--service", "shipping", "--version", "1", "--to", "canary"],
             "logistics", 1, "environments.shipping-canary-no.text")


if __name__ == "__main__":
    sys.exit(main())
