#!/usr/bin/env python3
"""Authentication and rights end to end (docs/catalog-api.md, "Authentication
and rights") against a real `accord serve` with API keys in its config file.

  * Every mutating endpoint (Confluent's and /accord/v1's) x {anonymous,
    wrong key, reader, writer of another team, owner's writer, admin} gets
    the expected status (401 / 403 with 40301 / 2xx). After each refused
    call a snapshot of GETs (subjects, versions with deleted ones, configs,
    modes, metadata, deprecations, services) and the audit log are unchanged;
    after each allowed call the new audit rows name the principal.
  * 401 replies carry `WWW-Authenticate: Basic realm="accord"`, except for
    `X-Requested-With: accord-ui`; an unauthenticated caller learns nothing
    about what exists.
  * Basic and Bearer credentials both work; the audit log is admin-only and
    filters by subject, actor and time.
  * Claims (issue #15, item 3): a service declaration may list as produced
    only subjects of the caller's teams; consumer declarations stay open to
    every team; the subject's owner may force a permanent delete past
    consumers, and the reply lists the consumers it overrode.
  * Names (issue #15, item 4): a new subject with a look-alike name
    (trailing space or dot, "..", a zero-width space, a case variant of an
    existing subject) is 422/42208 for every writer, and nothing is stored.
  * anonymous_read: false makes every read need a key (probes excepted).
  * No key is ever written to the server's log; with no keys the server says
    at start-up, in one warning line, that it is open; a bad auth section
    exits 2 naming the member.

Usage: auth_matrix_test.py --accord PATH/TO/accord
"""
import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# What the registry says to a request without credentials when reads need a key.
LS_401_MESSAGE = "Unauthorized: credentials are required"
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer, write_auth_config  # noqa: E402
from checks import check as checks_check, summary  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"


def check(cond, what):
    # 138 cells: only failures are printed.
    return checks_check(cond, what, verbose=False)


class Caller:
    """Who a request is sent as: no credentials, Basic or Bearer."""

    def __init__(self, label, name=None, key=None, scheme="basic"):
        self.label, self.name, self.key, self.scheme = label, name, key, scheme

    def authorization(self):
        if self.key is None:
            return None
        if self.scheme == "bearer":
            return "Bearer " + self.key
        return "Basic " + base64.b64encode(("%s:%s" % (self.name, self.key)).encode()).decode()


def call(base, caller, method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", CT)
    auth = caller.authorization() if caller else None
    if auth:
        req.add_header("Authorization", auth)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text.startswith(("{", "[")) else text), r.headers
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text), e.headers
        except ValueError:
            return e.code, text, e.headers


def new_key(accord, principal, role, team=None):
    """A key made by `accord key new`: (secret, sha256 from its config entry)."""
    args = [accord, "key", "new", "--principal", principal, "--role", role]
    if team:
        args += ["--team", team]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    secret = re.search(r"^key: (\S+)$", out, re.M).group(1)
    sha = re.search(r"sha256: ([0-9a-f]{64})", out).group(1)
    check(sha == hashlib.sha256(secret.encode()).hexdigest(), "key new prints the key's hash")
    return secret, sha


def schema(n):
    return json.dumps({"type": "object", "properties": {"f%d" % n: {"type": "string"}}})


class Registry:
    def __init__(self, base, admin):
        self.base, self.admin = base, admin

    def ok(self, caller, method, path, body=None):
        status, reply, _ = call(self.base, caller, method, path, body)
        check(200 <= status < 300, "setup %s %s as %s -> %s %s"
              % (method, path, caller.label, status, reply))
        return reply

    def audit(self):
        rows = []
        after = 0
        while True:
            status, page, _ = call(self.base, self.admin, "GET",
                                   "/accord/v1/audit?limit=1000&after=%d" % after)
            check(status == 200, "admin reads the audit log -> %s" % status)
            if status != 200 or not page:
                return rows
            rows += page
            after = page[-1]["seq"]

    def fixture(self, p, owner):
        """Subjects p.orders (v1 deprecated, v2 live, v3 soft-deleted; own
        config and mode), p.gone (soft-deleted) and p.held (soft-deleted,
        consumed by team-b's service p-billing), owned by team-a, and
        service p-checkout owned by team-a. Resets the global config to NONE
        (an earlier cell may have deleted it)."""
        self.ok(self.admin, "PUT", "/config", {"compatibility": "NONE"})
        for n in (1, 2, 3):
            self.ok(owner, "POST", "/subjects/%s.orders/versions" % p,
                    {"schema": schema(n), "schemaType": "JSON"})
        self.ok(owner, "DELETE", "/subjects/%s.orders/versions/3" % p)
        self.ok(owner, "POST", "/subjects/%s.gone/versions" % p,
                {"schema": schema(9), "schemaType": "JSON"})
        self.ok(owner, "DELETE", "/subjects/%s.gone" % p)
        self.ok(owner, "PUT", "/config/%s.orders" % p, {"compatibility": "NONE"})
        self.ok(owner, "PUT", "/mode/%s.orders" % p, {"mode": "READWRITE"})
        self.ok(owner, "PUT", "/accord/v1/subjects/%s.orders/versions/1/deprecation" % p,
                {"sunset": "2099-01-01", "reason": "old"})
        self.ok(owner, "PUT", "/accord/v1/services/%s-checkout" % p,
                {"owner": "team-a", "produces": ["%s.orders" % p]})
        self.ok(owner, "POST", "/subjects/%s.held/versions" % p,
                {"schema": schema(8), "schemaType": "JSON"})
        self.ok(owner, "DELETE", "/subjects/%s.held" % p)
        self.ok(self.admin, "PUT", "/accord/v1/services/%s-billing" % p,
                {"owner": "team-b", "consumes": [{"subject": "%s.held" % p}]})

    def snapshot(self, p):
        """Everything a change could touch, read by the admin."""
        paths = ["/subjects?deleted=true", "/config", "/mode", "/accord/v1/services",
                 "/accord/v1/deprecations", "/schemas?deleted=true"]
        for s in ("%s.orders" % p, "%s.gone" % p, "%s.fresh" % p, "%s.held" % p):
            paths += ["/subjects/%s/versions?deleted=true" % s, "/config/%s" % s,
                      "/mode/%s" % s, "/accord/v1/subjects/%s/metadata" % s,
                      "/accord/v1/subjects/%s" % s]
            for v in (1, 2, 3):
                paths.append("/subjects/%s/versions/%d?deleted=true" % (s, v))
        snap = {}
        for path in paths:
            status, reply, _ = call(self.base, self.admin, "GET", path)
            snap[path] = (status, reply)
        return snap


# Each mutating endpoint: (label, method, path template, body, rule).
# rule "subject": owner's writer and admin may; "new": any writer may (a new
# subject); "admin": admins only; "other team": team-b's writer and admin
# may; "bad name": every writer and admin get 422/42208. {p} is the
# fixture's prefix, {P} the same in upper case.
ENDPOINTS = [
    ("register", "POST", "/subjects/{p}.orders/versions",
     {"schema": schema(4), "schemaType": "JSON"}, "subject"),
    ("register new subject", "POST", "/subjects/{p}.fresh/versions",
     {"schema": schema(5), "schemaType": "JSON"}, "new"),
    ("register with owner change", "POST", "/subjects/{p}.orders/versions",
     {"schema": schema(6), "schemaType": "JSON",
      "metadata": {"properties": {"owner": "team-b"}}}, "admin"),
    ("soft delete subject", "DELETE", "/subjects/{p}.orders", None, "subject"),
    ("permanent delete subject", "DELETE", "/subjects/{p}.gone?permanent=true", None, "subject"),
    ("soft delete version", "DELETE", "/subjects/{p}.orders/versions/2", None, "subject"),
    ("permanent delete version", "DELETE", "/subjects/{p}.orders/versions/3?permanent=true",
     None, "subject"),
    ("forced permanent delete", "DELETE",
     "/subjects/{p}.orders/versions/3?permanent=true&force=true", None, "subject"),
    ("forced permanent delete past a consumer", "DELETE",
     "/subjects/{p}.held?permanent=true&force=true", None, "subject"),
    ("subject config", "PUT", "/config/{p}.orders", {"compatibility": "FULL"}, "subject"),
    ("delete subject config", "DELETE", "/config/{p}.orders", None, "subject"),
    ("subject mode", "PUT", "/mode/{p}.orders", {"mode": "READONLY"}, "subject"),
    ("delete subject mode", "DELETE", "/mode/{p}.orders", None, "subject"),
    ("subject IMPORT mode", "PUT", "/mode/{p}.orders?force=true", {"mode": "IMPORT"}, "admin"),
    ("global config", "PUT", "/config", {"compatibility": "NONE"}, "admin"),
    ("delete global config", "DELETE", "/config", None, "admin"),
    ("global mode", "PUT", "/mode", {"mode": "READWRITE"}, "admin"),
    ("metadata", "PUT", "/accord/v1/subjects/{p}.orders/metadata",
     {"description": "changed"}, "subject"),
    ("metadata owner change", "PUT", "/accord/v1/subjects/{p}.orders/metadata",
     {"owner": "team-b"}, "admin"),
    ("deprecate", "PUT", "/accord/v1/subjects/{p}.orders/versions/2/deprecation",
     {"sunset": "2099-06-01", "reason": "replaced"}, "subject"),
    ("undeprecate", "DELETE", "/accord/v1/subjects/{p}.orders/versions/1/deprecation", None,
     "subject"),
    ("publish service", "PUT", "/accord/v1/services/{p}-checkout",
     {"owner": "team-a", "produces": []}, "subject"),
    ("publish service for another team", "PUT", "/accord/v1/services/{p}-checkout",
     {"owner": "team-b", "produces": []}, "admin"),
    ("delete service", "DELETE", "/accord/v1/services/{p}-checkout", None, "subject"),
    ("publish service producing another team's subject", "PUT", "/accord/v1/services/{p}-squat",
     {"owner": "team-b", "produces": ["{p}.orders"], "consumes": [{"subject": "{p}.orders"}]},
     "admin"),
    ("publish service consuming another team's subject", "PUT",
     "/accord/v1/services/{p}-reader", {"owner": "team-b", "consumes": [{"subject": "{p}.orders"}]},
     "other team"),
    ("register trailing-space name", "POST", "/subjects/{p}.orders%20/versions",
     {"schema": schema(4), "schemaType": "JSON"}, "bad name"),
    ("register trailing-dot name", "POST", "/subjects/{p}.orders./versions",
     {"schema": schema(4), "schemaType": "JSON"}, "bad name"),
    ("register '..'", "POST", "/subjects/%2E%2E/versions",
     {"schema": schema(4), "schemaType": "JSON"}, "bad name"),
    ("register zero-width space name", "POST", "/subjects/{p}.ord%E2%80%8Bers/versions",
     {"schema": schema(4), "schemaType": "JSON"}, "bad name"),
    ("register case variant", "POST", "/subjects/{P}.ORDERS/versions",
     {"schema": schema(4), "schemaType": "JSON"}, "bad name"),
]

ROLES = ["anonymous", "wrong key", "reader", "other writer", "owner writer", "admin"]


def expected(role, rule):
    if role in ("anonymous", "wrong key"):
        return 401
    if role == "reader":
        return 403
    if rule == "bad name":
        return 422
    if role == "admin":
        return 200
    if role == "other writer":
        return 200 if rule in ("new", "other team") else 403
    return 403 if rule in ("admin", "other team") else 200  # owner writer


def fill(value, p):
    if isinstance(value, str):
        return value.replace("{p}", p).replace("{P}", p.upper())
    if isinstance(value, dict):
        return {k: fill(v, p) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, p) for v in value]
    return value


def run_matrix(reg, callers, owner):
    fixtures = 0
    cells = 0
    for i, (label, method, path, body, rule) in enumerate(ENDPOINTS):
        shared = "e%d" % i
        reg.fixture(shared, owner)
        for role in ROLES:
            want = expected(role, rule)
            p = shared
            if want == 200:
                fixtures += 1
                p = "e%dr%d" % (i, ROLES.index(role))
                reg.fixture(p, owner)
            target, payload = fill(path, p), fill(body, p)
            before, audit_before = reg.snapshot(p), reg.audit()
            status, reply, headers = call(reg.base, callers[role], method, target, payload)
            what = "%s (%s %s) as %s" % (label, method, target, role)
            cells += 1
            if want == 200:
                check(200 <= status < 300, "%s -> %s %s, want 2xx" % (what, status, reply))
                rows = reg.audit()[len(audit_before):]
                check(rows and all(r["actor"] == callers[role].name for r in rows),
                      "%s: audit rows name the principal: %s" % (what, rows))
                continue
            code = reply.get("error_code") if isinstance(reply, dict) else None
            check(status == want and code == {401: 401, 403: 40301, 422: 42208}[want],
                  "%s -> %s %s, want %d" % (what, status, reply, want))
            if want == 401:
                check(headers.get("WWW-Authenticate") == 'Basic realm="accord"',
                      "%s: 401 carries the Basic challenge" % what)
            after = reg.snapshot(p)
            changed = [k for k in before if before[k] != after[k]]
            check(not changed, "%s changed nothing; changed: %s" % (what, changed))
            check(reg.audit() == audit_before, "%s wrote no audit row" % what)
    return cells, fixtures


def hostage_taking(reg, callers):
    """Issue #15, item 3, as filed: another team declares that its service
    produces and consumes team-a's subject; the owner's permanent delete was
    then refused and only an admin could remove the declaration."""
    a, b, admin = callers["owner writer"], callers["other writer"], callers["admin"]
    reg.ok(a, "POST", "/subjects/h.orders/versions", {"schema": schema(1), "schemaType": "JSON"})
    status, reply, _ = call(reg.base, b, "PUT", "/accord/v1/services/h-squat",
                            {"owner": "team-b", "produces": ["h.orders"],
                             "consumes": [{"subject": "h.orders"}]})
    check(status == 403 and reply.get("error_code") == 40301 and
          reply.get("message") == "Forbidden: principal 'ci-b' (writer) of team team-b may not "
          "declare that service 'h-squat' produces subject 'h.orders' owned by team-a",
          "a declaration producing another team's subject -> %s %s" % (status, reply))
    status, _, _ = call(reg.base, admin, "GET", "/accord/v1/services/h-squat")
    check(status == 404, "the refused declaration was not stored -> %s" % status)
    # Consuming stays open; it blocks a plain permanent delete ...
    reg.ok(b, "PUT", "/accord/v1/services/h-billing",
           {"owner": "team-b", "consumes": [{"subject": "h.orders"}]})
    reg.ok(a, "DELETE", "/subjects/h.orders")
    status, reply, _ = call(reg.base, a, "DELETE", "/subjects/h.orders?permanent=true")
    check(status == 409 and reply.get("error_code") == 40902 and "h-billing" in reply["message"],
          "permanent delete under a consumer -> %s %s" % (status, reply))
    # ... but not a forced one by the owner, whose reply names whom it overrode.
    status, reply, _ = call(reg.base, b, "DELETE", "/subjects/h.orders?permanent=true&force=true")
    check(status == 403, "another team may not force it -> %s %s" % (status, reply))
    status, reply, _ = call(reg.base, a, "DELETE", "/subjects/h.orders?permanent=true&force=true")
    check(status == 200 and reply == {"versions": [1], "overriddenConsumers": [
        {"service": "h-billing", "owner": "team-b", "versions": [1]}]},
        "the owner's forced permanent delete -> %s %s" % (status, reply))
    status, rows, _ = call(reg.base, admin, "GET", "/accord/v1/audit?subject=h.orders&limit=1000")
    last = rows[-1] if status == 200 and rows else {}
    check(last.get("action") == "HARD_DELETE_SUBJECT" and last.get("actor") == "ci-a" and
          last.get("detail") == {"force": True, "overriddenConsumers": [
              {"service": "h-billing", "owner": "team-b", "versions": [1]}]},
          "the forced delete is audited with the consumers overridden: %s" % last)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    accord = ap.parse_args().accord
    tmp = tempfile.mkdtemp(prefix="accord-auth-")

    try:
        # Keys: two made by `accord key new`, the others hashed here.
        writer_a, writer_a_sha = new_key(accord, "ci-a", "writer", "team-a")
        admin_key, admin_sha = new_key(accord, "root", "admin")
        reader_key = "reader-secret-7f3a9c"
        writer_b_key = "team-b-secret-1d2e3f"
        sha = lambda s: hashlib.sha256(s.encode()).hexdigest()  # noqa: E731
        keys = [
            {"principal": "ci-a", "team": "team-a", "role": "writer", "sha256": writer_a_sha},
            {"principal": "ci-b", "team": "team-b", "role": "writer", "sha256": sha(writer_b_key)},
            {"principal": "dashboard", "team": "team-a", "role": "reader", "sha256": sha(reader_key)},
            {"principal": "root", "role": "admin", "sha256": admin_sha},
        ]
        secrets = [writer_a, admin_key, reader_key, writer_b_key]
        config = os.path.join(tmp, "accord.yaml")
        write_auth_config(config, keys)
        callers = {
            "anonymous": Caller("anonymous"),
            "wrong key": Caller("wrong key", "ci-a", "acc_not-the-key"),
            "reader": Caller("reader", "dashboard", reader_key, "bearer"),
            "other writer": Caller("other writer", "ci-b", writer_b_key, "bearer"),
            "owner writer": Caller("owner writer", "ci-a", writer_a, "basic"),
            "admin": Caller("admin", "root", admin_key, "basic"),
        }
        log = os.path.join(tmp, "serve.log")
        with AccordServer(accord, args=("--config", config, "--min-notice-days", "0"),
                          log_path=log) as server:
            reg = Registry(server.base, callers["admin"])
            reg.ok(callers["admin"], "PUT", "/config", {"compatibility": "NONE"})
            cells, fixtures = run_matrix(reg, callers, callers["owner writer"])
            print("matrix: %d cells over %d endpoints (%d fresh fixtures)"
                  % (cells, len(ENDPOINTS), fixtures))

            base = server.base
            hostage_taking(reg, callers)
            # Both credential forms of one key.
            bearer_a = Caller("bearer", "ci-a", writer_a, "bearer")
            for c in (bearer_a, callers["owner writer"]):
                status, _, _ = call(base, c, "PUT", "/config/e0.orders", {"compatibility": "NONE"})
                check(status == 200, "%s credentials of ci-a write -> %s" % (c.scheme, status))
            # Basic with the right key under another principal's name is refused.
            status, _, _ = call(base, Caller("x", "root", writer_a), "GET", "/subjects")
            check(status == 401, "Basic with another principal's name -> %s" % status)
            # The catalog page gets no browser challenge.
            status, _, headers = call(base, None, "DELETE", "/subjects/e0.orders",
                                      headers={"X-Requested-With": "accord-ui"})
            check(status == 401 and headers.get("WWW-Authenticate") is None,
                  "401 for the catalog page has no challenge -> %s %s" % (status, dict(headers)))
            # Nothing leaks: same reply for what exists and what does not.
            a = call(base, None, "DELETE", "/subjects/e0.orders/versions/1")[:2]
            b = call(base, None, "DELETE", "/subjects/no-such-subject/versions/1")[:2]
            check(a == b, "anonymous delete of existing vs missing subject look the same: %s %s"
                  % (a, b))
            # Reads stay open to anonymous callers (anonymous_read: true).
            status, _, _ = call(base, None, "GET", "/subjects")
            check(status == 200, "anonymous read with anonymous_read -> %s" % status)
            status, _, _ = call(base, None, "POST", "/compatibility/subjects/e0.orders/versions",
                                {"schema": schema(1), "schemaType": "JSON"})
            check(status == 200, "anonymous compatibility test is a read -> %s" % status)
            # The audit log: admin-only, filters by subject, actor and time.
            for role, want in (("anonymous", 401), ("reader", 403), ("owner writer", 403)):
                status, _, _ = call(base, callers[role], "GET", "/accord/v1/audit")
                check(status == want, "audit as %s -> %s, want %d" % (role, status, want))
            status, rows, _ = call(base, callers["admin"], "GET",
                                   "/accord/v1/audit?actor=ci-b&limit=1000")
            check(status == 200 and rows and all(r["actor"] == "ci-b" for r in rows),
                  "audit?actor=ci-b -> only ci-b's rows")
            status, rows, _ = call(base, callers["admin"], "GET",
                                   "/accord/v1/audit?subject=e0.orders&limit=1000")
            check(status == 200 and rows and all(r.get("subject") == "e0.orders" for r in rows),
                  "audit?subject= filters")
            everything = reg.audit()
            mid = everything[len(everything) // 2]["ts"]
            _, since, _ = call(base, callers["admin"], "GET", "/accord/v1/audit?limit=1000&since=%d"
                               % mid)
            _, until, _ = call(base, callers["admin"], "GET", "/accord/v1/audit?limit=1000&until=%d"
                               % (mid - 1))
            check(all(r["ts"] >= mid for r in since) and all(r["ts"] < mid for r in until) and
                  len(since) + len(until) == len(everything),
                  "audit since/until split the log (%d + %d of %d)"
                  % (len(since), len(until), len(everything)))
            status, reply, _ = call(base, callers["admin"], "GET", "/accord/v1/audit?since=soon")
            check(status == 400, "audit?since=soon -> %s %s" % (status, reply))
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        leaked = [s[:8] for s in secrets if s in text]
        check(not leaked, "no key appears in the server's log (found %s)" % leaked)
        check("Authorization" not in text and "Basic " not in text, "no credentials logged")

        # anonymous_read: false -> every read needs a key; probes answer.
        closed = os.path.join(tmp, "closed.yaml")
        write_auth_config(closed, keys, anonymous_read=False)
        with AccordServer(accord, args=("--config", closed)) as server:
            for method, path in (("GET", "/subjects"), ("GET", "/schemas/ids/1"), ("GET", "/config"),
                                 ("GET", "/accord/v1/subjects"), ("GET", "/metrics"),
                                 ("POST", "/subjects/x")):
                status, _, _ = call(server.base, None, method, path,
                                    {"schema": schema(1)} if method == "POST" else None)
                check(status == 401, "anonymous_read=false: %s %s -> %s" % (method, path, status))
            status, _, _ = call(server.base, None, "GET", "/healthz")
            check(status == 200, "anonymous_read=false: /healthz -> %s" % status)
            status, _, _ = call(server.base, callers["reader"], "GET", "/subjects")
            check(status == 200, "anonymous_read=false: reader's key reads -> %s" % status)
            # The CLI on a 401 (issue #19): exit 1 (refused, as `accord ls --help`
            # lists), and the status said once, not "401 (401)".
            env = dict(os.environ, LC_ALL="C")
            for name in ("ACCORD_REGISTRY", "ACCORD_PRINCIPAL", "ACCORD_KEY"):
                env.pop(name, None)
            r = subprocess.run([accord, "ls", "--registry", server.base], capture_output=True,
                               text=True, env=env, timeout=60)
            want = "accord ls: error: registry %s: 401 %s\n" % (server.base, LS_401_MESSAGE)
            check(r.returncode == 1 and r.stdout == "" and r.stderr == want,
                  "accord ls without a key -> exit 1, %r (got exit %d, %r)"
                  % (want, r.returncode, r.stderr))
            help_text = subprocess.run([accord, "ls", "--help"], capture_output=True, text=True,
                                       env=env, timeout=60).stdout
            check("1 refused by the registry (401/403 not authorised)" in help_text,
                  "accord ls --help lists exit 1 for a refusal")

        # No keys: open, and one warning line at start-up says so.
        open_log = os.path.join(tmp, "open.log")
        with AccordServer(accord, log_path=open_log) as server:
            status, _, _ = call(server.base, None, "PUT", "/config", {"compatibility": "NONE"})
            check(status == 200, "open server: anonymous write -> %s" % status)
            time.sleep(0.1)
        with open(open_log, encoding="utf-8") as f:
            warnings = [line for line in f if '"warning"' in line]
        check(len(warnings) == 1 and "open" in warnings[0],
              "open server logs one warning line: %s" % warnings)

        # A bad auth section: exit 2, naming the member.
        bad = os.path.join(tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write("auth:\n  keys:\n    - principal: x\n      role: owner\n      sha256: %s\n"
                    % sha("k"))
        r = subprocess.run([accord, "serve", "--config", bad, "--listen", "127.0.0.1:0", "--data",
                            os.path.join(tmp, "bad-data")], capture_output=True, text=True,
                           timeout=30)
        check(r.returncode == 2 and "auth.keys[0].role" in r.stderr,
              "bad auth config -> exit %s: %s" % (r.returncode, r.stderr.strip()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
