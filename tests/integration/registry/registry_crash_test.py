#!/usr/bin/env python3
"""Crash test: a storm of registrations, `kill -9` of the server in the middle,
restart on the same data directory. Every acknowledged (subject, id, schema)
must be there with identical content; nothing acknowledged is lost; no subject
holds one schema twice; version numbers have no gaps.

Usage: registry_crash_test.py --accord PATH/TO/accord [--seconds 2]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

CT = "application/vnd.schemaregistry.v1+json"


def start(accord, data):
    proc = subprocess.Popen([accord, "serve", "--listen", "127.0.0.1:0", "--data", data,
                             "--compatibility", "NONE"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = re.search(r"http://127\.0\.0\.1:(\d+)", proc.stdout.readline())
    if not m:
        proc.kill()
        raise SystemExit("server did not start")
    return proc, "http://127.0.0.1:%s" % m.group(1)


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", CT)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read().decode() or "null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode() or "null")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="accord-crash-") as tmp:
        data = os.path.join(tmp, "data")
        proc, base = start(args.accord, data)
        acked = []  # (subject, schema text, id)
        lock = threading.Lock()
        stop = threading.Event()

        def storm(worker):
            n = 0
            while not stop.is_set():
                subject = "storm-%d" % (n % 3)
                text = json.dumps({"type": "object", "title": "w%d-n%d" % (worker, n)})
                n += 1
                try:
                    status, body = call(base, "POST", "/subjects/%s/versions" % subject,
                                        {"schema": text, "schemaType": "JSON"})
                except Exception:
                    return  # the server is gone
                if status == 200:
                    with lock:
                        acked.append((subject, text, body["id"]))

        threads = [threading.Thread(target=storm, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        proc.kill()  # SIGKILL: no shutdown path runs
        proc.wait()
        stop.set()
        for t in threads:
            t.join()
        print("acknowledged before the kill: %d" % len(acked))
        if len(acked) < 10:
            failures.append("too few registrations before the kill (%d)" % len(acked))

        proc, base = start(args.accord, data)
        try:
            for subject, text, sid in acked:
                status, body = call(base, "GET", "/schemas/ids/%d" % sid)
                if status != 200 or body.get("schema") != text:
                    failures.append("id %d lost or changed: %s %s" % (sid, status, body))
                    continue
                status, body = call(base, "POST", "/subjects/%s" % subject,
                                    {"schema": text, "schemaType": "JSON"})
                if status != 200 or body.get("id") != sid:
                    failures.append("%s does not hold id %d: %s %s" % (subject, sid, status, body))
            for k in range(3):
                subject = "storm-%d" % k
                status, versions = call(base, "GET", "/subjects/%s/versions" % subject)
                if status != 200:
                    continue
                if versions != list(range(1, len(versions) + 1)):
                    failures.append("%s versions have gaps: %s" % (subject, versions))
                ids = []
                for v in versions:
                    _, body = call(base, "GET", "/subjects/%s/versions/%d" % (subject, v))
                    ids.append(body.get("id"))
                if len(ids) != len(set(ids)):
                    failures.append("%s holds one schema twice: %s" % (subject, ids))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    for f in failures[:20]:
        print("FAIL " + f)
    print("crash test: %s" % ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
