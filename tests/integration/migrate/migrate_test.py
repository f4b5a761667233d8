#!/usr/bin/env python3
"""`accord export` and `accord import` between two real registries (issue 18).

Real `accord serve` processes on ephemeral loopback ports; the source is filled
with references, soft-deleted versions (one version, one whole subject), an id
gap (a permanently deleted subject), per-subject and global configs (with
data-contract settings), a
per-subject mode, metadata and rule sets on versions, catalog data
(subject metadata, a deprecation, a service declaration), and two contexts
(":.team-a:orders") whose ids collide with the default context's and with
each other's, one with a reference, one with a soft-deleted version. Then:

  * export the source (first interrupted by ACCORD_TEST_STOP_AFTER, then
    resumed: the bundle equals an uninterrupted export's);
  * import into the target, interrupted after a few writes, then resumed;
  * a third import changes nothing ("nothing to do");
  * an export of the target equals the source's bundle, file for file;
  * a new registration on the target gets an id above every imported one;
  * an import into a registry holding a version differently is refused,
    naming the subject and version, and so is a version the registry
    refuses (an invalid schema), after which IMPORT mode is not left on;
  * through a proxy that hides Accord's API (as a Confluent registry would
    answer): a bundle without catalog, imported and exported again equal;
  * against a registry that requires a key: refused without one, done with
    --principal/--key (import) and ACCORD_PRINCIPAL/ACCORD_KEY (export).

The commands' text output is compared with goldens/*.txt ($SOURCE, $TARGET,
$OTHER, $SECURED and $PLAIN_ACCORD stand for the servers' URLs, $CONFLUENT
and $PLAIN for proxies hiding Accord's API, $BUNDLE for the temp
folder, $HERE for this test's folder);
ACCORD_UPDATE_GOLDENS=1 rewrites them.

Usage: migrate_test.py --accord PATH
"""
import argparse
import filecmp
import hashlib
import http.server
import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/integration
from accord_server import AccordServer, call_json, write_auth_config  # noqa: E402
from checks import check, summary  # noqa: E402

UPDATE = os.environ.get("ACCORD_UPDATE_GOLDENS") == "1"

CUSTOMER_V1 = ('{"type": "object",\n  "properties": {"id": {"type": "string"}},'
               '  "required": ["id"]}')
CUSTOMER_V2 = ('{"type": "object", "properties": {"id": {"type": "string"},'
               ' "email": {"type": "string", "x-pii": true}}, "required": ["id"]}')
ORDER_V1 = ('{"type": "object", "properties": {"sku": {"type": "string"},'
            ' "customer": {"$ref": "customer.json"}}}')
ADDRESS = ('{"type":"record","name":"Address","namespace":"com.acme",'
           '"fields":[{"name":"street","type":"string"}]}')
METADATA = {"properties": {"owner": "checkout", "description": "An order was placed"}}
RULE_SET = {"domainRules": [{"name": "checkSku", "kind": "CONDITION", "mode": "WRITE",
                             "type": "CEL", "expr": "message.sku != ''"}]}


KEY = "migrate-test-secret-key"


def auth_config(directory):
    """A server config whose only key is an admin's (IMPORT mode needs one);
    nothing is readable without it."""
    return write_auth_config(os.path.join(directory, "accord-auth.yaml"), [
        {"principal": "migrator", "role": "admin",
         "sha256": hashlib.sha256(KEY.encode()).hexdigest()}], anonymous_read=False)


def api(base, method, path, body=None, want=200):
    status, reply = call_json(base, method, path, body)
    if not check(status == want, "%s %s answers %d" % (method, path, want),
                 "got %s %r" % (status, reply), verbose=False):
        raise SystemExit(summary())
    return reply


def fill_source(base):
    """The registry to migrate; returns the ids it gave."""
    ids = {}
    # An id gap: a subject registered, then deleted for good.
    ids["scratch"] = api(base, "POST", "/subjects/scratch/versions",
                         {"schema": '{"type": "string"}', "schemaType": "JSON"})["id"]
    api(base, "DELETE", "/subjects/scratch")
    api(base, "DELETE", "/subjects/scratch?permanent=true")
    ids["customer1"] = api(base, "POST", "/subjects/customer/versions",
                           {"schema": CUSTOMER_V1, "schemaType": "JSON"})["id"]
    api(base, "PUT", "/config/customer", {"compatibility": "NONE"})
    ids["customer2"] = api(base, "POST", "/subjects/customer/versions",
                           {"schema": CUSTOMER_V2, "schemaType": "JSON"})["id"]
    ids["orders1"] = api(base, "POST", "/subjects/orders/versions", {
        "schema": ORDER_V1, "schemaType": "JSON",
        "references": [{"name": "customer.json", "subject": "customer", "version": 1}],
        "metadata": METADATA, "ruleSet": RULE_SET})["id"]
    ids["address"] = api(base, "POST", "/subjects/address/versions", {"schema": ADDRESS})["id"]
    # Soft-deleted: one version of a live subject, and a whole subject.
    api(base, "POST", "/subjects/legacy/versions",
        {"schema": '{"type": "integer"}', "schemaType": "JSON"})
    api(base, "PUT", "/config/legacy", {"compatibility": "NONE"})
    api(base, "POST", "/subjects/legacy/versions",
        {"schema": '{"type": "number"}', "schemaType": "JSON"})
    api(base, "DELETE", "/subjects/legacy/versions/1")
    api(base, "POST", "/subjects/gone/versions",
        {"schema": '{"type": "boolean"}', "schemaType": "JSON"})
    api(base, "DELETE", "/subjects/gone")
    # Configs and modes.
    api(base, "PUT", "/config", {"compatibility": "FORWARD"})
    api(base, "PUT", "/config/customer", {
        "compatibility": "FULL", "compatibilityPolicy": "LENIENT",
        # Confluent's data-contract settings travel with the config.
        "compatibilityGroup": "major_version", "validateFields": True,
        "defaultMetadata": {"properties": {"major_version": "1"}},
        "overrideRuleSet": {"domainRules": [{"name": "checkId", "type": "CEL", "mode": "WRITE",
                                             "expr": "message.id != ''"}]}})
    api(base, "PUT", "/mode/address", {"mode": "READONLY"})
    # The catalog.
    api(base, "PUT", "/accord/v1/subjects/orders/metadata", {
        "tags": ["core", "orders"], "links": [{"name": "runbook", "url": "https://wiki.example/o"}],
        "sla": {"delivery": "5s"}})
    api(base, "PUT", "/accord/v1/subjects/customer/versions/1/deprecation",
        {"sunset": "2999-01-31", "reason": "use v2", "replacement": 2})
    # Retired already (the source allows past sunsets): carried over as it is.
    api(base, "PUT", "/accord/v1/subjects/legacy/versions/2/deprecation",
        {"sunset": "2020-01-01", "reason": "retired"})
    # Contexts (":.team-a:orders"): each has ids of its own, which collide
    # with the default context's and with each other's.
    ids["ctx:a-customer"] = api(base, "POST", "/subjects/:.team-a:customer/versions",
                                {"schema": CUSTOMER_V2, "schemaType": "JSON"})["id"]
    ids["ctx:a-orders"] = api(base, "POST", "/subjects/:.team-a:orders/versions", {
        "schema": ORDER_V1, "schemaType": "JSON",
        "references": [{"name": "customer.json", "subject": ":.team-a:customer", "version": 1}],
        "metadata": METADATA})["id"]
    # Through the base context path, as a client given .../contexts/.team-b would.
    ids["ctx:b-events1"] = api(base, "POST", "/contexts/.team-b/subjects/events/versions",
                               {"schema": '{"type": "integer"}', "schemaType": "JSON"})["id"]
    api(base, "PUT", "/config/:.team-b:events", {"compatibility": "NONE"})
    ids["ctx:b-events2"] = api(base, "POST", "/subjects/:.team-b:events/versions",
                               {"schema": '{"type": "string"}', "schemaType": "JSON"})["id"]
    api(base, "DELETE", "/subjects/:.team-b:events/versions/1")
    # A context's own config and mode (the subjects in it without their own
    # use them before the global ones).
    api(base, "PUT", "/config/:.team-a:", {"compatibility": "FULL_TRANSITIVE"})
    api(base, "PUT", "/mode/:.team-b:", {"mode": "READONLY"})
    api(base, "PUT", "/accord/v1/services/shipping", {
        "owner": "logistics", "produces": ["shipments"],
        "consumes": [{"subject": "orders", "schemaType": "JSON", "schema": '{"type": "object"}',
                      "versions": [1]}]})
    return ids


class Runner:
    def __init__(self, accord, names):
        self.accord = accord
        self.names = names  # text -> placeholder, for the goldens

    def run(self, args, env=None):
        full_env = dict(os.environ, LC_ALL="C")
        for name in ("ACCORD_REGISTRY", "ACCORD_PRINCIPAL", "ACCORD_KEY",
                     "ACCORD_TEST_STOP_AFTER", "ACCORD_UPDATE_GOLDENS"):
            full_env.pop(name, None)
        full_env.update(env or {})
        p = subprocess.run([self.accord] + args, capture_output=True, text=True, env=full_env,
                           timeout=120)
        return p.returncode, p.stdout, p.stderr

    def normalise(self, text):
        for value, name in self.names:
            text = text.replace(value, name)
        return text

    def golden(self, name, args, want_rc, env=None):
        rc, out, err = self.run(args, env)
        actual = "exit %d\n--- stdout\n%s--- stderr\n%s" % (rc, self.normalise(out),
                                                           self.normalise(err))
        path = os.path.join(HERE, "goldens", name + ".txt")
        if UPDATE:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(actual)
        want = open(path).read() if os.path.exists(path) else "(no golden %s)" % path
        check(rc == want_rc, "%s exits %d" % (name, want_rc), "exit %d\n%s%s" % (rc, out, err))
        check(actual == want, "%s prints its golden" % name,
              "--- want\n%s--- got\n%s" % (want, actual))
        return rc


class ConfluentLikeProxy:
    """A loopback HTTP proxy to an Accord registry that answers 404 to
    Accord's own API (/accord/...), as Confluent's registry and the other
    Confluent-compatible ones do: export must then read only Confluent's
    endpoints and write no catalog."""

    def __init__(self, upstream):
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def relay(self):
                if self.path.startswith("/accord/"):
                    body = b'{"error_code":404,"message":"HTTP 404 Not Found"}'
                    self.send_response(404)
                else:
                    length = int(self.headers.get("Content-Length") or 0)
                    data = self.rfile.read(length) if length else None
                    req = urllib.request.Request(upstream + self.path, data=data,
                                                 method=self.command)
                    for h in ("Content-Type", "Authorization", "Accept"):
                        if self.headers.get(h):
                            req.add_header(h, self.headers[h])
                    try:
                        with urllib.request.urlopen(req, timeout=30) as r:
                            status, body = r.status, r.read()
                    except urllib.error.HTTPError as e:
                        status, body = e.code, e.read()
                    self.send_response(status)
                self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def run_on_terminal(args):
    """Runs accord with stderr on a pseudo-terminal (stdout a pipe): (exit
    status, stdout, what the terminal showed)."""
    primary, secondary = pty.openpty()
    env = dict(os.environ, LC_ALL="C")
    env.pop("ACCORD_TEST_STOP_AFTER", None)
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=secondary, env=env)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out = p.stdout.read().decode()
    rc = p.wait(timeout=120)
    os.close(primary)
    return rc, out, shown.decode(errors="replace")


def same_tree(a, b):
    """Every file of folders a and b, by relative path and content."""
    def files(root):
        out = {}
        for d, _, names in os.walk(root):
            for n in names:
                p = os.path.join(d, n)
                out[os.path.relpath(p, root)] = p
        return out
    fa, fb = files(a), files(b)
    if sorted(fa) != sorted(fb):
        return False, "files differ: %s vs %s" % (sorted(fa), sorted(fb))
    for rel in fa:
        if not filecmp.cmp(fa[rel], fb[rel], shallow=False):
            return False, "%s differs:\n%s\n---\n%s" % (rel, open(fa[rel]).read(),
                                                        open(fb[rel]).read())
    return True, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    accord = ap.parse_args().accord
    tmp = tempfile.mkdtemp(prefix="accord-migrate-")
    try:
        with AccordServer(accord, args=("--min-notice-days", "0")) as source, \
                AccordServer(accord) as target, \
                AccordServer(accord) as other, AccordServer(accord) as plain, \
                AccordServer(accord, args=("--config", auth_config(tmp))) as secured:
            ids = fill_source(source.base)
            check([ids[k] for k in ("ctx:a-customer", "ctx:a-orders", "ctx:b-events1",
                                    "ctx:b-events2")] == [1, 2, 1, 2]
                  and ids["scratch"] == 1 and ids["customer1"] == 2,
                  "each context numbers its ids from 1, colliding with the default's", repr(ids))
            b1, b2, b3 = (os.path.join(tmp, n) for n in ("b1", "b2", "b3"))
            r = Runner(accord, [(source.base, "$SOURCE"), (target.base, "$TARGET"),
                                (other.base, "$OTHER"), (secured.base, "$SECURED"),
                                (plain.base, "$PLAIN_ACCORD"),
                                (tmp, "$BUNDLE"), (HERE, "$HERE")])

            # Export: interrupted after 2 subjects, resumed, then equal to an
            # uninterrupted export.
            r.golden("export_interrupted", ["export", "--registry", source.base, "--out", b3],
                     1, {"ACCORD_TEST_STOP_AFTER": "2"})
            check(not os.path.exists(os.path.join(b3, "bundle.json")),
                  "an interrupted export writes no bundle.json")
            r.golden("import_unfinished_bundle", ["import", b3, "--registry", target.base], 2)
            r.golden("export_resumed", ["export", "--registry", source.base, "--out", b3], 0)
            r.golden("export", ["export", "--registry", source.base, "--out", b1], 0)
            same, detail = same_tree(b1, b3)
            check(same, "a resumed export equals an uninterrupted one", detail)

            # Import: interrupted after 3 writes, resumed, then nothing to do.
            r.golden("import_interrupted", ["import", b1, "--registry", target.base], 1,
                     {"ACCORD_TEST_STOP_AFTER": "3"})
            r.golden("import_resumed", ["import", b1, "--registry", target.base], 0)
            r.golden("import_again", ["import", b1, "--registry", target.base], 0)

            # Everything identical: the target's export is the source's bundle.
            r.golden("export_target", ["export", "--registry", target.base, "--out", b2], 0)
            same, detail = same_tree(b1, b2)
            check(same, "the target's export equals the source's bundle, file for file", detail)
            for path in ["/schemas/ids/%d" % ids["orders1"], "/subjects/orders/versions/1",
                         "/contexts", "/subjects", "/schemas/ids/1?subject=:.team-a:",
                         "/schemas/ids/2?subject=:.team-a:orders",
                         "/schemas/ids/2?subject=:.team-b:", "/contexts/.team-b/schemas/ids/2",
                         "/subjects/:.team-a:orders/versions/1",
                         "/subjects/:.team-b:events/versions?deleted=true",
                         "/config/:.team-b:events", "/config/:.team-a:", "/mode/:.team-b:",
                         "/mode/:.team-b:events?defaultToGlobal=true",
                         "/config/customer", "/mode/address", "/mode",
                         "/accord/v1/subjects/customer/versions/1",
                         "/accord/v1/subjects/legacy/versions/2"]:
                s1, r1 = call_json(source.base, "GET", path)
                s2, r2 = call_json(target.base, "GET", path)
                if isinstance(r1, dict):
                    for t in ("registeredAt", "deprecatedAt"):
                        r1.pop(t, None)
                        r2.pop(t, None)
                check((s1, r1) == (s2, r2), "GET %s answers the same on both" % path,
                      "%s %r\n%s %r" % (s1, r1, s2, r2))

            # New registrations get ids above every imported one.
            status, mode = call_json(target.base, "GET", "/mode")
            check(mode == {"mode": "READWRITE"}, "the import leaves the target READWRITE",
                  repr(mode))
            new = api(target.base, "POST", "/subjects/fresh/versions",
                      {"schema": '{"type": "null"}', "schemaType": "JSON"})
            top = max(v for k, v in ids.items() if not k.startswith("ctx:"))
            check(new["id"] > top, "a new registration after the import gets an id above %d" % top,
                  repr(new))

            # A progress bar on a terminal (stderr), none otherwise (the goldens).
            rc, out, shown = run_on_terminal([accord, "export", "--registry", source.base,
                                              "--out", os.path.join(tmp, "b7")])
            check(rc == 0 and "] 8/8 subjects" in shown and "[#####" in shown
                  and out.startswith("exported 8 subjects"),
                  "export draws a progress bar on a terminal, its report on stdout",
                  "exit %d\nstdout %r\nterminal %r" % (rc, out, shown))
            rc, out, shown = run_on_terminal([accord, "import", os.path.join(tmp, "b7"),
                                              "--registry", target.base])
            check(rc == 0 and shown == "" and "nothing to do" in out,
                  "import with nothing to do draws no progress bar",
                  "exit %d\nstdout %r\nterminal %r" % (rc, out, shown))

            # From a registry without Accord's API (as Confluent's): no catalog.
            proxy = ConfluentLikeProxy(source.base)
            plain_proxy = ConfluentLikeProxy(plain.base)
            r.names += [(proxy.base, "$CONFLUENT"), (plain_proxy.base, "$PLAIN")]
            try:
                b5, b6 = os.path.join(tmp, "b5"), os.path.join(tmp, "b6")
                r.golden("export_confluent_like", ["export", "--registry", proxy.base,
                                                   "--out", b5], 0)
                with open(os.path.join(b5, "bundle.json")) as f:
                    manifest = json.load(f)
                check(manifest["source"] == {"accord": False} and "services" not in manifest
                      and not os.path.exists(os.path.join(b5, "services.json")),
                      "a registry without Accord's API gives a bundle without catalog",
                      repr(manifest))
                r.golden("import_confluent_like", ["import", b5, "--registry", plain.base], 0)
                r.golden("export_plain_like", ["export", "--registry", plain_proxy.base,
                                               "--out", b6], 0)
                same, detail = same_tree(b5, b6)
                check(same, "the Confluent-like round trip gives equal bundles", detail)
            finally:
                proxy.close()
                plain_proxy.close()

            # Credentials: a registry that requires a key for everything.
            r.golden("import_without_key", ["import", b1, "--registry", secured.base], 1)
            r.golden("import_with_key", ["import", b1, "--registry", secured.base,
                                         "--principal", "migrator", "--key", KEY], 0)
            b4 = os.path.join(tmp, "b4")
            r.golden("export_with_key", ["export", "--registry", secured.base, "--out", b4],
                     0, {"ACCORD_PRINCIPAL": "migrator", "ACCORD_KEY": KEY})
            same, detail = same_tree(b1, b4)
            check(same, "an export with credentials equals the source's bundle", detail)

            # A format-1 bundle (before contexts) is still read and imported.
            with AccordServer(accord) as fresh:
                r.names.append((fresh.base, "$FRESH"))
                r.golden("import_format_1", ["import", os.path.join(HERE, "bundles", "v1-minimal"),
                                             "--registry", fresh.base], 0)
                status, subjects = call_json(fresh.base, "GET", "/subjects")
                check(subjects == ["orders"], "the format-1 bundle's subject is imported",
                      repr(subjects))

            # A registry holding a version differently: refused, naming it.
            api(other.base, "POST", "/subjects/customer/versions",
                {"schema": '{"type": "object"}', "schemaType": "JSON"})
            r.golden("import_refused", ["import", b1, "--registry", other.base], 1)
            # A version the registry refuses: named, and IMPORT mode is not left on.
            r.golden("import_invalid_schema",
                     ["import", os.path.join(HERE, "bundles", "invalid-schema"),
                      "--registry", other.base], 2)
            status, mode = call_json(other.base, "GET", "/mode")
            check(mode == {"mode": "READWRITE"}, "a refused import sets the mode back",
                  repr(mode))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
