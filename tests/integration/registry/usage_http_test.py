#!/usr/bin/env python3
"""Who reads a version, and webhooks (issue 21; docs/catalog-api.md,
"Readers" and "Webhooks"), end to end against a real `accord serve`.

Readers:
  * a schema fetched with two keys (and anonymously) shows each principal
    and user agent with exact counts; writes and catalog reads do not count;
  * 100,000 distinct user agents of one principal: its total stays exact,
    the endpoint's answer stays at kMaxUserAgentsPerReader rows + "other",
    and the in-memory table stays within readers_capacity (+ headroom);
  * readers: off records nothing (checked after a restart with it on);
  * a retired version still fetched is a warning on the catalog page.
Webhooks (to a receiver on loopback):
  * admins only; the secret is served once; delivery with a valid
    X-Accord-Signature over timestamp "." body;
  * a receiver failing twice gets the same delivery a third time, and the
    deliveries endpoint and /metrics show the failures;
  * while the receiver hangs (it blocks until the test releases it),
    registrations and reads still complete; released, it gets them all.

Usage: usage_http_test.py --accord PATH/TO/accord
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer, write_auth_config  # noqa: E402
from checks import check, summary  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"
SECRETS = {"root": "root-secret-4b1d", "dashboard": "dash-secret-9e8f", "billing": "bill-secret-2c7a"}
MAX_AGENTS = 16  # kMaxUserAgentsPerReader (usage.h)


def basic(name):
    return "Basic " + base64.b64encode(("%s:%s" % (name, SECRETS[name])).encode()).decode()


def call(base, method, path, body=None, who=None, agent=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", CT)
    if who:
        req.add_header("Authorization", basic(who))
    req.add_header("User-Agent", agent or "usage-test")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def wait_for(fn, what, timeout=20):
    """Polls fn() until it returns a true value; that value, or the last one."""
    deadline = time.time() + timeout
    value = fn()
    while not value and time.time() < deadline:
        time.sleep(0.05)
        value = fn()
    return value


def readers(base, subject, version, who="root"):
    status, body = call(base, "GET", "/accord/v1/subjects/%s/versions/%s/readers" %
                        (subject, version), who=who)
    return body if status == 200 else None


def rows_of(body):
    return sorted((r["principal"], r["userAgent"], r["count"]) for r in body or [])


def metric(base, name):
    status, text = call(base, "GET", "/metrics")
    for line in (text or "").splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def readers_checks(accord, tmp):
    keys = [{"principal": p, "role": r, "sha256": hashlib.sha256(SECRETS[p].encode()).hexdigest()}
            for p, r in (("root", "admin"), ("dashboard", "reader"), ("billing", "reader"))]
    config = write_auth_config(os.path.join(tmp, "auth.yaml"), keys)
    data = os.path.join(tmp, "readers-data")
    args = ("--config", config, "--readers-flush-ms", "100", "--readers-capacity", "1000",
            "--min-notice-days", "0", "--keep-alive-requests", "1000000")
    with AccordServer(accord, data=data, args=args) as server:
        base = server.base
        call(base, "PUT", "/config", {"compatibility": "NONE"}, who="root")
        s, r = call(base, "POST", "/subjects/orders-value/versions",
                    {"schema": json.dumps({"type": "string"})}, who="root")
        check(s == 200, "register v1 as admin", str((s, r)))
        sid = r["id"]
        s, r = call(base, "POST", "/subjects/orders-value/versions",
                    {"schema": json.dumps({"type": "long"})}, who="root")
        sid2 = r["id"]
        for _ in range(3):
            call(base, "GET", "/schemas/ids/%d" % sid, who="dashboard", agent="java-serde/7.5")
        call(base, "GET", "/subjects/orders-value/versions/1", who="billing",
             agent="confluent-kafka-python/2.3")
        call(base, "GET", "/subjects/orders-value/versions/1/schema", who="billing",
             agent="confluent-kafka-python/2.3")
        call(base, "POST", "/subjects/orders-value", {"schema": json.dumps({"type": "string"})},
             who="billing", agent="confluent-kafka-python/2.3")
        call(base, "GET", "/schemas/ids/%d/schema" % sid, agent="curl/8")  # anonymous
        # Not counted: the catalog, the version list, a read of another schema.
        call(base, "GET", "/accord/v1/subjects/orders-value/versions/1", who="dashboard")
        call(base, "GET", "/subjects/orders-value/versions", who="dashboard")
        call(base, "GET", "/schemas/ids/%d" % sid2, who="dashboard", agent="java-serde/7.5")
        expected = sorted([("dashboard", "java-serde/7.5", 3),
                           ("billing", "confluent-kafka-python/2.3", 3),
                           ("anonymous", "curl/8", 1)])
        got = wait_for(lambda: rows_of(readers(base, "orders-value", 1)) == expected and
                       readers(base, "orders-value", 1), "readers of v1")
        check(rows_of(got) == expected, "readers of v1: each principal and agent, exact counts",
              "got %r" % (rows_of(readers(base, "orders-value", 1)),))
        if got:
            row = got[0]
            check(set(row) == {"principal", "userAgent", "count", "firstSeen", "lastSeen"} and
                  row["firstSeen"] <= row["lastSeen"] and
                  abs(row["lastSeen"] / 1000 - time.time()) < 120,
                  "a reader row has principal, userAgent, count, firstSeen <= lastSeen (ms)",
                  json.dumps(row))
        check(rows_of(readers(base, "orders-value", 2)) == [("dashboard", "java-serde/7.5", 1)],
              "readers of v2: only the read of its own schema",
              repr(rows_of(readers(base, "orders-value", 2))))
        s, r = call(base, "GET", "/accord/v1/subjects/orders-value/versions/9/readers", who="root")
        check(s == 404 and r["error_code"] == 40402, "readers of an unknown version: 40402",
              str((s, r)))

        # 100,000 distinct user agents from one principal, over keep-alive
        # connections from a few threads.
        total, threads_n = 100_000, 4

        def blast(part):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            for i in range(part, total, threads_n):
                conn.request("GET", "/schemas/ids/%d" % sid2,
                             headers={"User-Agent": "fake-agent-%06d" % i,
                                      "Authorization": basic("billing")})
                conn.getresponse().read()
            conn.close()

        workers = [threading.Thread(target=blast, args=(p,)) for p in range(threads_n)]
        peak = [0.0]

        def watch():
            while any(w.is_alive() for w in workers):
                v = metric(base, "accord_readers_entries")
                peak[0] = max(peak[0], v or 0)
                time.sleep(0.05)

        for w in workers:
            w.start()
        watcher = threading.Thread(target=watch)
        watcher.start()
        for w in workers:
            w.join()
        watcher.join()
        check(peak[0] <= 1000 + 250, "counter table stays within capacity + headroom (peak %d)"
              % peak[0])

        def billing_total():
            rows = [r for r in readers(base, "orders-value", 2) or [] if r["principal"] == "billing"]
            return rows if sum(r["count"] for r in rows) == total else None

        rows = wait_for(billing_total, "billing's reads of v2", timeout=60)
        check(rows is not None, "100,000 reads from 100,000 agents: the principal's total is exact",
              repr(sum(r["count"] for r in (readers(base, "orders-value", 2) or [])
                       if r["principal"] == "billing")))
        rows = rows or []
        check(len(rows) == MAX_AGENTS + 1 and
              sum(1 for r in rows if r["userAgent"] == "other") == 1,
              "the endpoint's answer stays bounded: %d agents + 'other' (got %d rows)"
              % (MAX_AGENTS, len(rows)))
        check(len(readers(base, "orders-value", 2)) == MAX_AGENTS + 2,
              "the other principal keeps its own row")

        # accord deprecate prints who read the version in the last 30 days.
        today = time.strftime("%Y-%m-%d", time.gmtime())
        r = subprocess.run([accord, "deprecate", "orders-value", "--version", "2", "--sunset",
                            "2099-01-01", "--reason", "moving on", "--registry", base,
                            "--principal", "root", "--key", SECRETS["root"]],
                           capture_output=True, text=True, timeout=60)
        lines = r.stdout.splitlines()
        check(r.returncode == 0 and lines[:2] == [
            "deprecated orders-value version 2: sunset 2099-01-01",
            "readers in the last 30 days:"] and
              "  dashboard (java-serde/7.5): 1 reads, last %s" % today in lines and
              "  billing (other): %d reads, last %s" % (
                  sum(x["count"] for x in rows if x["userAgent"] == "other"), today) in lines and
              len(lines) == 2 + len(rows) + 1,
              "accord deprecate lists the readers of the last 30 days", r.stdout + r.stderr)

        # A retired version still fetched: the catalog page warns.
        today = time.strftime("%Y-%m-%d", time.gmtime())
        s, r = call(base, "PUT", "/accord/v1/subjects/orders-value/versions/1/deprecation",
                    {"sunset": today, "reason": "use v2"}, who="root")
        check(s == 200 and r.get("state") == "RETIRED", "v1 retired today", str((s, r)))
        call(base, "GET", "/schemas/ids/%d" % sid, who="dashboard", agent="java-serde/7.5")

        def warning():
            s, page = call(base, "GET", "/accord/v1/subjects/orders-value")
            w = page.get("warnings") if s == 200 else None
            return w if w else None

        w = wait_for(warning, "retired warning")
        check(bool(w) and w[0]["kind"] == "RETIRED_STILL_READ" and w[0]["version"] == 1 and
              w[0]["sunset"] == today and "still fetched" in w[0]["message"],
              "the catalog page warns that retired v1 is still fetched", json.dumps(w))
        s, page = call(base, "GET", "/accord/v1/subjects/orders-value")

    # readers: off records nothing (restarted with it on, nothing shows).
    data_off = os.path.join(tmp, "off-data")
    with AccordServer(accord, data=data_off, args=("--readers", "off")) as server:
        s, r = call(server.base, "POST", "/subjects/quiet-value/versions",
                    {"schema": json.dumps({"type": "string"})})
        for _ in range(5):
            call(server.base, "GET", "/schemas/ids/%d" % r["id"], agent="curl/8")
        check(metric(server.base, "accord_readers_entries") is None,
              "readers off: no counter series in /metrics")
        check(server.stop() == 0, "readers off: clean stop")
    with AccordServer(accord, data=data_off, args=("--readers-flush-ms", "50")) as server:
        time.sleep(0.3)
        check(readers(server.base, "quiet-value", 1) == [], "readers off: nothing was recorded",
              repr(readers(server.base, "quiet-value", 1)))
    r = subprocess.run([accord, "serve", "--listen", "127.0.0.1:0", "--data", data_off,
                        "--readers", "maybe"], capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "invalid setting readers 'maybe'" in r.stderr and
          "on, off" in r.stderr, "readers: maybe is a usage error naming the allowed values",
          r.stderr)


class Receiver:
    """A webhook receiver on loopback: records each request; `fail` answers
    500 to that many next requests; while `gate` is clear a request blocks."""

    def __init__(self):
        self.requests = []
        self.fail = 0
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.entered.set()
                outer.gate.wait(60)
                with outer.lock:
                    outer.requests.append((dict(self.headers), body))
                    failing = outer.fail > 0
                    if failing:
                        outer.fail -= 1
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hooks/accord" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self):
        with self.lock:
            return [(h, json.loads(b)) for h, b in self.requests]


def signature_ok(headers, raw, secret):
    ts = headers.get("X-Accord-Timestamp", "")
    want = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, headers.get("X-Accord-Signature", "")) and \
        abs(int(ts or 0) - time.time()) < 300


def webhook_checks(accord, tmp):
    keys = [{"principal": p, "role": r, "sha256": hashlib.sha256(SECRETS[p].encode()).hexdigest()}
            for p, r in (("root", "admin"), ("dashboard", "writer"))]
    keys[1]["team"] = "team-a"
    config = write_auth_config(os.path.join(tmp, "hooks.yaml"), keys)
    rx = Receiver()
    secret = "test-secret-0123456789"
    args = ("--config", config, "--webhook-retry-ms", "100", "--webhook-timeout-ms", "60000",
            "--min-notice-days", "0")
    with AccordServer(accord, data=os.path.join(tmp, "hooks-data"), args=args) as server:
        base = server.base
        hook = {"url": rx.url, "events": ["version.created", "version.deprecated"],
                "secret": secret}
        s, r = call(base, "POST", "/accord/v1/webhooks", hook, who="dashboard")
        check(s == 403 and r["error_code"] == 40301, "a writer may not register webhooks",
              str((s, r)))
        s, r = call(base, "POST", "/accord/v1/webhooks", dict(hook, events=["nope"]), who="root")
        check(s == 422 and r["error_code"] == 42210 and "nope" in r["message"],
              "an unknown event is 42210 naming it", str((s, r)))
        s, r = call(base, "POST", "/accord/v1/webhooks", dict(hook, url="ftp://x"), who="root")
        check(s == 422 and r["error_code"] == 42210, "a non-HTTP URL is 42210", str((s, r)))
        s, created = call(base, "POST", "/accord/v1/webhooks", hook, who="root")
        check(s == 201 and created["secret"] == secret and created["url"] == rx.url and
              created["events"] == ["version.created", "version.deprecated"] and
              len(created["id"]) == 16, "an admin registers a webhook (201, secret served once)",
              str((s, created)))
        s, listed = call(base, "GET", "/accord/v1/webhooks", who="root")
        check(s == 200 and len(listed) == 1 and "secret" not in listed[0] and
              listed[0]["id"] == created["id"], "the list shows the webhook without its secret",
              str((s, listed)))
        s, _ = call(base, "GET", "/accord/v1/webhooks", who="dashboard")
        check(s == 403, "a writer may not list webhooks")
        call(base, "PUT", "/config", {"compatibility": "NONE"}, who="root")

        # Delivery and signature.
        s, r = call(base, "POST", "/subjects/payments-value/versions",
                    {"schema": json.dumps({"type": "string"})}, who="root")
        got = wait_for(lambda: rx.bodies(), "first delivery")
        check(len(got) == 1, "one delivery for one new version", repr(got))
        if got:
            headers, body = got[0]
            raw = rx.requests[0][1]
            check(headers.get("X-Accord-Event") == "version.created" and
                  body["event"] == "version.created" and
                  body["data"] == {"subject": "payments-value", "version": 1, "id": r["id"],
                                   "schemaType": "AVRO", "actor": "root"} and
                  body["id"] == headers.get("X-Accord-Delivery"),
                  "the body names the event, the version and the delivery", json.dumps(body))
            check(signature_ok(headers, raw, secret),
                  "X-Accord-Signature is HMAC-SHA256(secret, timestamp.body)", repr(headers))
            check(not signature_ok(headers, raw + b" ", secret) and
                  not signature_ok(headers, raw, secret + "x"),
                  "the signature fails for another body or secret")

        # Retry after the receiver fails twice.
        with rx.lock:
            rx.fail = 2
            rx.requests.clear()
        call(base, "POST", "/subjects/payments-value/versions",
             {"schema": json.dumps({"type": "long"})}, who="root")
        got = wait_for(lambda: len(rx.bodies()) >= 3 and rx.bodies(), "three attempts")
        ids = {h.get("X-Accord-Delivery") for h, _ in got or []}
        check(got and len(got) == 3 and len(ids) == 1,
              "failed twice (500), the same delivery comes a third time",
              repr([(h.get("X-Accord-Delivery"), b["event"]) for h, b in got or []]))
        time.sleep(0.5)
        check(len(rx.bodies()) == 3, "and not a fourth once it succeeded")
        s, attempts = call(base, "GET", "/accord/v1/webhooks/deliveries", who="root")
        mine = [a for a in attempts or [] if a["delivery"] in ids]
        check(s == 200 and [(a["attempt"], a["ok"], a.get("status")) for a in mine] ==
              [(3, True, 204), (2, False, 500), (1, False, 500)] and mine[0]["final"],
              "the deliveries endpoint shows both failures and the success, newest first",
              json.dumps(mine))
        check(metric(base, "accord_webhook_attempts_failed_total") == 2 and
              metric(base, "accord_webhook_deliveries_total") == 2,
              "/metrics counts the failed attempts and the deliveries")
        s, _ = call(base, "GET", "/accord/v1/webhooks/deliveries", who="dashboard")
        check(s == 403, "a writer may not see the deliveries")

        # A hanging receiver slows no request.
        with rx.lock:
            rx.requests.clear()
        rx.entered.clear()
        rx.gate.clear()
        s, r = call(base, "POST", "/subjects/hang-value/versions",
                    {"schema": json.dumps({"type": "string"})}, who="root")
        check(s == 200, "a registration returns while its delivery is pending")
        check(rx.entered.wait(20), "the receiver got the delivery and hangs")
        s1, _ = call(base, "POST", "/subjects/hang-value/versions",
                     {"schema": json.dumps({"type": "long"})}, who="root", timeout=10)
        s2, _ = call(base, "GET", "/subjects", who="dashboard", timeout=10)
        s3, _ = call(base, "PUT", "/accord/v1/subjects/hang-value/versions/1/deprecation",
                     {"sunset": "2099-01-01"}, who="root", timeout=10)
        check(s1 == 200 and s2 == 200 and s3 == 200 and not rx.gate.is_set() and not rx.requests,
              "while the receiver is blocked, a registration, a read and a deprecation complete",
              str((s1, s2, s3)))
        rx.gate.set()
        got = wait_for(lambda: len(rx.bodies()) >= 3 and rx.bodies(), "deliveries after release")
        check(got and sorted((b["event"], b["data"].get("version")) for _, b in got) ==
              [("version.created", 1), ("version.created", 2), ("version.deprecated", 1)],
              "released, the receiver gets every event", repr(got and [b for _, b in got]))

        # The CLI: accord webhook add | ls | rm.
        def cli(*args, who="root"):
            return subprocess.run([accord, "webhook", *args, "--registry", base, "--principal",
                                   who, "--key", SECRETS[who]],
                                  capture_output=True, text=True, timeout=60)

        r = cli("add", rx.url + "/cli", "--event", "version.retired", "--event",
                "contract.published")
        added = r.stdout.split()[2].rstrip(":") if r.returncode == 0 else ""
        check(r.returncode == 0 and r.stdout.splitlines()[0] ==
              "added webhook %s: %s/cli (version.retired, contract.published)" % (added, rx.url) and
              r.stdout.splitlines()[1].startswith("secret: whsec_"),
              "accord webhook add registers and prints the secret once", r.stdout + r.stderr)
        r = cli("ls")
        check(r.returncode == 0 and sorted(r.stdout.splitlines()) == sorted([
            "%s  %s  version.created, version.deprecated" % (created["id"], rx.url),
            "%s  %s/cli  version.retired, contract.published" % (added, rx.url)]),
              "accord webhook ls lists both", r.stdout + r.stderr)
        r = cli("rm", added)
        check(r.returncode == 0 and r.stdout == "removed webhook %s\n" % added,
              "accord webhook rm removes it", r.stdout + r.stderr)
        r = cli("ls", who="dashboard")
        check(r.returncode == 1, "accord webhook ls as a writer is refused (exit 1)",
              r.stdout + r.stderr)
        r = cli("rm", added)
        check(r.returncode == 1, "accord webhook rm of an unknown id: exit 1", r.stdout + r.stderr)

        s, r = call(base, "DELETE", "/accord/v1/webhooks/" + created["id"], who="root")
        check(s == 200 and r["id"] == created["id"] and "secret" not in r,
              "an admin removes the webhook", str((s, r)))
        s, r = call(base, "DELETE", "/accord/v1/webhooks/" + created["id"], who="root")
        check(s == 404 and r["error_code"] == 40420, "removing it again: 40420", str((s, r)))
        with rx.lock:
            rx.requests.clear()
        call(base, "POST", "/subjects/after-value/versions",
             {"schema": json.dumps({"type": "string"})}, who="root")
        time.sleep(0.5)
        check(rx.bodies() == [], "no delivery once it is removed")
        s, audit = call(base, "GET", "/accord/v1/audit?limit=1000", who="root")
        actions = [a["action"] for a in audit or []]
        check("PUT_WEBHOOK" in actions and "DELETE_WEBHOOK" in actions,
              "the audit log records PUT_WEBHOOK and DELETE_WEBHOOK")
    rx.server.shutdown()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    accord = ap.parse_args().accord
    tmp = tempfile.mkdtemp(prefix="accord-usage-")
    try:
        readers_checks(accord, tmp)
        webhook_checks(accord, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
