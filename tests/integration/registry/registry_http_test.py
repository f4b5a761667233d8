#!/usr/bin/env python3
"""End-to-end test of `accord serve` over real HTTP (loopback only).

Starts the server on an ephemeral port (--listen 127.0.0.1:0; the bound port
is read from its first stdout line), exercises the main Confluent endpoints
and error codes with urllib, checks the structured log and the request id
header, stops it with SIGTERM (exit 0), restarts it on the same data directory
and checks that acknowledged data survived.

Usage: registry_http_test.py --accord PATH/TO/accord
"""
import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, summary  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"


class Server:
    def __init__(self, accord, data, env=None):
        self.proc = subprocess.Popen(
            [accord, "serve", "--listen", "127.0.0.1:0", "--data", data],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, **(env or {})))
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            raise SystemExit("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.base = "http://127.0.0.1:%s" % m.group(1)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        return rc, self.proc.stderr.read()


def call(base, method, path, body=None, content_type=CT, headers=None):
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None and content_type:
        req.add_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def js(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def expect_error(base, method, path, status, code, body=None, **kw):
    s, b, _ = call(base, method, path, body, **kw)
    j = js(b) or {}
    check(s == status and j.get("error_code") == code and isinstance(j.get("message"), str),
          "%s %s -> %d/%d (got %d %s)" % (method, path, status, code, s, b[:120]))


JSON_V1 = json.dumps({"type": "object", "properties": {"id": {"type": "string"}}})
JSON_V2 = json.dumps({"type": "object", "properties": {"id": {"type": "string"},
                                                       "n": {"type": "integer"}},
                      "required": ["n"]})
AVRO_V1 = json.dumps({"type": "record", "name": "Order",
                      "fields": [{"name": "id", "type": "long"}]})
AVRO_V2 = json.dumps({"type": "record", "name": "Order",
                      "fields": [{"name": "id", "type": "long"},
                                 {"name": "note", "type": "string", "default": ""}]})


def exercise(base):
    s, b, h = call(base, "GET", "/healthz")
    check(s == 200, "GET /healthz")
    check(h.get("X-Request-Id", "") != "", "responses carry X-Request-Id")
    s, b, h = call(base, "GET", "/healthz", headers={"X-Request-Id": "abc-123"})
    check(h.get("X-Request-Id") == "abc-123", "a client's X-Request-Id is echoed")
    check(call(base, "GET", "/readyz")[0] == 200, "GET /readyz")
    s, b, h = call(base, "GET", "/metrics")
    check(s == 200 and "accord_http_requests_total{route=\"GET /healthz\",status=\"200\"} 2" in b,
          "GET /metrics counts requests by route and status")

    # Register JSON Schema and Avro.
    s, b, h = call(base, "POST", "/subjects/orders-value/versions",
                   {"schema": JSON_V1, "schemaType": "JSON"})
    check(s == 200 and js(b) == {"id": 1}, "register JSON -> {id:1} (%s)" % b)
    check(h.get("Content-Type", "").startswith(CT), "content type is v1+json")
    s, b, _ = call(base, "POST", "/subjects/orders-value/versions",
                   {"schema": JSON_V1, "schemaType": "JSON"}, content_type="application/json")
    check(s == 200 and js(b) == {"id": 1}, "register again (application/json) is idempotent")
    # urllib always adds a form content type; http.client sends none.
    host, port = base[len("http://"):].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/subjects/copy-value/versions",
                 body=json.dumps({"schema": JSON_V1, "schemaType": "JSON"}).encode())
    r = conn.getresponse()
    s, b = r.status, r.read().decode()
    conn.close()
    check(s == 200 and js(b) == {"id": 1}, "same schema, other subject, no content type -> same id")
    s, b, _ = call(base, "POST", "/subjects/avro-value/versions", {"schema": AVRO_V1})
    check(s == 200 and js(b) == {"id": 2}, "register Avro (no schemaType) -> id 2")
    s, b, _ = call(base, "POST", "/subjects/avro-value/versions", {"schema": AVRO_V2})
    check(s == 200 and js(b) == {"id": 3}, "Avro field with default is BACKWARD compatible")

    # Reads.
    s, b, _ = call(base, "GET", "/schemas/ids/1")
    check(s == 200 and js(b) == {"schemaType": "JSON", "schema": JSON_V1}, "GET /schemas/ids/1")
    s, b, _ = call(base, "GET", "/schemas/ids/2")
    check(s == 200 and js(b) == {"schema": AVRO_V1}, "Avro schema by id omits schemaType")
    s, b, _ = call(base, "GET", "/schemas/ids/1/schema")
    check(s == 200 and b == JSON_V1, "GET /schemas/ids/1/schema is the raw text")
    s, b, _ = call(base, "GET", "/schemas/ids/1/subjects")
    check(js(b) == ["copy-value", "orders-value"], "GET /schemas/ids/1/subjects")
    s, b, _ = call(base, "GET", "/schemas/ids/1/versions")
    check(js(b) == [{"subject": "copy-value", "version": 1},
                    {"subject": "orders-value", "version": 1}], "GET /schemas/ids/1/versions")
    s, b, _ = call(base, "GET", "/schemas/types")
    check(s == 200 and js(b) == ["JSON", "AVRO", "PROTOBUF"], "GET /schemas/types")
    s, b, _ = call(base, "GET", "/subjects")
    check(js(b) == ["avro-value", "copy-value", "orders-value"], "GET /subjects")
    s, b, _ = call(base, "GET", "/subjects?subjectPrefix=avro")
    check(js(b) == ["avro-value"], "GET /subjects?subjectPrefix=")
    s, b, _ = call(base, "GET", "/subjects/avro-value/versions")
    check(js(b) == [1, 2], "GET /subjects/{s}/versions")
    s, b, _ = call(base, "GET", "/subjects/avro-value/versions/latest")
    check(js(b) == {"subject": "avro-value", "version": 2, "id": 3, "schema": AVRO_V2},
          "GET /subjects/{s}/versions/latest")
    s, b, _ = call(base, "GET", "/subjects/avro-value/versions/1/schema")
    check(b == AVRO_V1, "GET /subjects/{s}/versions/1/schema")
    s, b, _ = call(base, "POST", "/subjects/orders-value", {"schema": JSON_V1, "schemaType": "JSON"})
    check(s == 200 and (js(b) or {}).get("version") == 1 and (js(b) or {}).get("id") == 1,
          "POST /subjects/{s} (lookup)")

    # Compatibility and config.
    s, b, _ = call(base, "GET", "/config")
    check(js(b) == {"compatibilityLevel": "BACKWARD", "compatibilityPolicy": "STRICT"},
          "GET /config says compatibilityLevel")
    s, b, _ = call(base, "POST", "/compatibility/subjects/orders-value/versions/latest?verbose=true",
                   {"schema": JSON_V2, "schemaType": "JSON"})
    j = js(b) or {}
    check(s == 200 and j.get("is_compatible") is False and j.get("messages"),
          "compatibility check: new required property is incompatible, with messages")
    expect_error(base, "POST", "/subjects/orders-value/versions", 409, 40901,
                 {"schema": JSON_V2, "schemaType": "JSON"})
    s, b, _ = call(base, "PUT", "/config/orders-value", {"compatibility": "NONE"})
    check(s == 200 and js(b) == {"compatibility": "NONE"}, "PUT /config/{s}")
    s, b, _ = call(base, "GET", "/config/orders-value")
    check((js(b) or {}).get("compatibilityLevel") == "NONE", "GET /config/{s}")
    s, b, _ = call(base, "POST", "/subjects/orders-value/versions",
                   {"schema": JSON_V2, "schemaType": "JSON"})
    check(s == 200 and js(b) == {"id": 4}, "register under NONE")
    expect_error(base, "GET", "/config/avro-value", 404, 40408)
    s, b, _ = call(base, "GET", "/config/avro-value?defaultToGlobal=true")
    check((js(b) or {}).get("compatibilityLevel") == "BACKWARD", "defaultToGlobal=true")
    expect_error(base, "PUT", "/config", 422, 42203, {"compatibility": "SIDEWAYS"})

    # Modes.
    s, b, _ = call(base, "GET", "/mode")
    check(js(b) == {"mode": "READWRITE"}, "GET /mode")
    s, b, _ = call(base, "PUT", "/mode/copy-value", {"mode": "READONLY"})
    check(js(b) == {"mode": "READONLY"}, "PUT /mode/{s}")
    expect_error(base, "POST", "/subjects/copy-value/versions", 422, 42205,
                 {"schema": "{}", "schemaType": "JSON"})
    expect_error(base, "PUT", "/mode", 422, 42205, {"mode": "IMPORT"})
    expect_error(base, "PUT", "/mode", 422, 42204, {"mode": "NAPPING"})
    s, b, _ = call(base, "DELETE", "/mode/copy-value")
    check(js(b) == {"mode": "READONLY"}, "DELETE /mode/{s}")

    # Deletes: soft, then permanent; Confluent's codes.
    expect_error(base, "DELETE", "/subjects/copy-value?permanent=true", 404, 40405)
    s, b, _ = call(base, "DELETE", "/subjects/copy-value")
    check(js(b) == [1], "DELETE /subjects/{s} (soft) -> [1]")
    expect_error(base, "GET", "/subjects/copy-value/versions", 404, 40401)
    expect_error(base, "DELETE", "/subjects/copy-value", 404, 40404)
    s, b, _ = call(base, "GET", "/subjects?deleted=true")
    check("copy-value" in (js(b) or []), "GET /subjects?deleted=true lists soft-deleted")
    s, b, _ = call(base, "DELETE", "/subjects/copy-value?permanent=true")
    check(js(b) == [1], "DELETE /subjects/{s}?permanent=true")
    expect_error(base, "DELETE", "/subjects/avro-value/versions/1?permanent=true", 404, 40407)
    s, b, _ = call(base, "DELETE", "/subjects/avro-value/versions/1")
    check(b == "1", "DELETE /subjects/{s}/versions/1")
    expect_error(base, "DELETE", "/subjects/avro-value/versions/1", 404, 40406)

    # References.
    s, b, _ = call(base, "POST", "/subjects/common/versions",
                   {"schema": json.dumps({"type": "string"}), "schemaType": "JSON"})
    check(s == 200, "register a referenced schema")
    s, b, _ = call(base, "POST", "/subjects/user/versions",
                   {"schema": json.dumps({"$ref": "common.json"}), "schemaType": "JSON",
                    "references": [{"name": "common.json", "subject": "common", "version": 1}]})
    user_id = (js(b) or {}).get("id")
    check(s == 200 and user_id, "register with references (%s)" % b)
    s, b, _ = call(base, "GET", "/subjects/common/versions/1/referencedby")
    check(js(b) == [user_id], "GET .../referencedby")
    expect_error(base, "DELETE", "/subjects/common/versions/1", 422, 42206)

    # Bad input.
    expect_error(base, "GET", "/subjects/orders-value/versions/0", 422, 42202)
    expect_error(base, "GET", "/subjects/orders-value/versions/abc", 422, 42202)
    expect_error(base, "GET", "/subjects/orders-value/versions/99", 404, 40402)
    expect_error(base, "GET", "/schemas/ids/999", 404, 40403)
    expect_error(base, "POST", "/subjects/x/versions", 400, 400, b'{"schema": ')
    expect_error(base, "POST", "/subjects/x/versions", 400, 400, b"[" * 100000)
    expect_error(base, "POST", "/subjects/x/versions", 422, 42201,
                 {"schema": "{\"type\": 5}", "schemaType": "JSON"})
    expect_error(base, "POST", "/subjects/x/versions", 422, 42201,
                 {"schema": "message M {", "schemaType": "PROTOBUF"})
    expect_error(base, "POST", "/subjects/x/versions", 422, 42201,
                 {"schema": "{}", "schemaType": "XML"})
    expect_error(base, "POST", "/subjects/a%0Ab/versions", 422, 42208,
                 {"schema": "{}", "schemaType": "JSON"})
    expect_error(base, "POST", "/subjects/" + "x" * 256 + "/versions", 422, 42208,
                 {"schema": "{}", "schemaType": "JSON"})
    expect_error(base, "POST", "/subjects/x/versions", 415, 415, b"{}", content_type="text/plain")
    expect_error(base, "GET", "/no/such/route", 404, 404)
    big = {"schema": json.dumps({"description": "x" * (2 * 1024 * 1024)}), "schemaType": "JSON"}
    expect_error(base, "POST", "/subjects/x/versions", 422, 42209, big)
    expect_error(base, "POST", "/subjects/x/versions", 413, 413, b"{" + b" " * (9 * 1024 * 1024) + b"}")

    # 50 clients registering the same schema at once: one version, one id.
    schema = {"schema": json.dumps({"type": "object", "title": "storm"}), "schemaType": "JSON"}
    results = []
    lock = threading.Lock()

    def worker():
        r = call(base, "POST", "/subjects/storm/versions", schema)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = {(js(b) or {}).get("id") for s, b, _ in results}
    check(all(s == 200 for s, _, _ in results) and len(ids) == 1,
          "50 concurrent registrations of one schema -> one id (%s)" % ids)
    s, b, _ = call(base, "GET", "/subjects/storm/versions")
    check(js(b) == [1], "... and one version")
    return ids.pop()


def bad_counts_refuse_to_start(accord, directory):
    """Count settings take decimal digits only: "-5" is not a huge number."""
    for flag, value in (("--threads", "-1"), ("--keep-alive-requests", "-5"),
                        ("--keep-alive-requests", "0"), ("--max-body-bytes", " 10"),
                        ("--parsed-schema-cache", "+3"), ("--min-notice-days", "2x"),
                        ("--subject-case-variants", "maybe"),
                        ("--max-connections", "0"), ("--io-threads", "0"),
                        ("--request-timeout-ms", "-1"), ("--idle-timeout-ms", "1s"),
                        ("--tls-handshake-timeout-ms", "0")):
        r = subprocess.run([accord, "serve", flag, value, "--listen", "127.0.0.1:0",
                            "--data", os.path.join(directory, "bad-data")],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 2 and "invalid setting" in r.stderr,
              "serve %s %r: exit 2, invalid setting (%d %r)" % (flag, value, r.returncode,
                                                                r.stderr.strip()[:120]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="accord-it-") as tmp:
        bad_counts_refuse_to_start(args.accord, tmp)
        data = os.path.join(tmp, "data")
        server = Server(args.accord, data)
        storm_id = exercise(server.base)
        rc, log = server.stop()
        check(rc == 0, "SIGTERM -> clean exit 0 (rc=%s)" % rc)
        lines = [l for l in log.splitlines() if l.strip()]
        parsed = [js(l) for l in lines]
        check(lines and all(isinstance(p, dict) for p in parsed), "every log line is a JSON object")
        reqs = [p for p in parsed if isinstance(p, dict) and p.get("msg") == "request"]
        check(reqs and all(p.get("request_id") and "status" in p and "route" in p for p in reqs),
              "request log lines carry request_id, route and status")
        check(not any("Traceback" in l or "what()" in l for l in lines), "no internals in the log")

        server = Server(args.accord, data)
        s, b, _ = call(server.base, "GET", "/schemas/ids/%s" % storm_id)
        check(s == 200, "data survives a restart (schema by id)")
        s, b, _ = call(server.base, "GET", "/subjects/orders-value/versions")
        check(js(b) == [1, 2], "data survives a restart (versions)")
        s, b, _ = call(server.base, "GET", "/config/orders-value")
        check((js(b) or {}).get("compatibilityLevel") == "NONE", "config survives a restart")
        # The case-variant rule knows the subjects stored before the restart.
        expect_error(server.base, "POST", "/subjects/Orders-Value/versions", 422, 42208,
                     {"schema": "{}", "schemaType": "JSON"})
        rc, _ = server.stop()
        check(rc == 0, "second clean exit")

        # subject_case_variants=allow (env) lets a case variant in.
        server = Server(args.accord, data, env={"ACCORD_SUBJECT_CASE_VARIANTS": "allow"})
        s, b, _ = call(server.base, "POST", "/subjects/Orders-Value/versions",
                       {"schema": "{}", "schemaType": "JSON"})
        check(s == 200, "subject_case_variants=allow: a case variant registers (%s %s)" % (s, b))
        expect_error(server.base, "POST", "/subjects/orders-value%20/versions", 422, 42208,
                     {"schema": "{}", "schemaType": "JSON"})
        rc, _ = server.stop()
        check(rc == 0, "third clean exit")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
