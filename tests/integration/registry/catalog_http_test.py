#!/usr/bin/env python3
"""End-to-end test of the catalog API (docs/catalog-api.md) against a real
`accord serve` on an ephemeral loopback port.

Walks every /accord/v1 route and its errors (42210, 40410, 40401, 40402,
42202), the Deprecation / Sunset / Link headers on Confluent's version reads,
the audit log (subject filter; an idempotent PUT of a service writes no second
row), the deprecation calendar's order, Confluent's metadata / ruleSet on
schemas, GET /schemas and GET /subjects/{s}/metadata; then restarts the
server on the same data directory and checks the catalog survived.

Usage: catalog_http_test.py --accord PATH/TO/accord
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer  # noqa: E402
from checks import check, summary  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"
# Past sunset dates are set on purpose (RETIRED states); the notice rule has
# its own test (policy_http_test.py).
NO_NOTICE = ("--min-notice-days", "0")


class Client:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", CT)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers

    def json(self, method, path, body=None):
        status, text, headers = self.call(method, path, body)
        try:
            return status, json.loads(text) if text else None, headers
        except ValueError:
            return status, text, headers

    def error_code(self, method, path, body=None):
        status, reply, _ = self.json(method, path, body)
        return status, reply.get("error_code") if isinstance(reply, dict) else None


def schema(*props, required=(), pii=()):
    properties = {p: {"type": "string"} for p in props}
    for p in pii:
        properties[p]["x-pii"] = True
    return json.dumps({"type": "object", "properties": properties, "required": list(required)})


def register(c, subject, text, extra=None):
    body = {"schema": text, "schemaType": "JSON"}
    body.update(extra or {})
    status, reply, _ = c.json("POST", "/subjects/%s/versions" % subject, body)
    check(status == 200, "register %s -> %s %s" % (subject, status, reply))
    return reply


def audit(c, query=""):
    return c.json("GET", "/accord/v1/audit?limit=1000" + query)[1]


def walk(c):
    check(c.call("PUT", "/config", {"compatibility": "NONE"})[0] == 200, "global level NONE")
    # Confluent metadata.properties feed the catalog; metadata/ruleSet are kept.
    register(c, "orders", schema("id", "email", required=["id"], pii=["email"]),
             {"metadata": {"properties": {"owner": "checkout", "tags": "orders,core",
                                          "sla.delivery": "5s", "app": "a"}},
              "ruleSet": {"domainRules": []}})
    register(c, "orders", schema("id", "email", "total", required=["id", "total"], pii=["email"]),
             {"metadata": {"properties": {"app": "b"}}})
    register(c, "orders", schema("id", "total", "note", required=["id", "total"]))
    register(c, "payments", schema("amount"))

    status, v1, _ = c.json("GET", "/subjects/orders/versions/1")
    check(v1.get("metadata", {}).get("properties", {}).get("app") == "a" and
          v1.get("ruleSet") == {}, "version keeps metadata and ruleSet (normal form)")
    status, by_id, _ = c.json("GET", "/schemas/ids/%d" % v1["id"])
    check(by_id.get("metadata") == v1["metadata"], "schema by id carries the metadata")
    status, found, _ = c.json("GET", "/subjects/orders/metadata?key=app&value=b")
    # Version 3 was registered without metadata and inherited version 2's
    # (Confluent's data-contract rule): it is the latest with app=b.
    check(status == 200 and found.get("version") == 3, "GET /subjects/{s}/metadata finds v3")
    check(c.error_code("GET", "/subjects/orders/metadata?key=app&value=z") == (404, 40403),
          "no matching metadata is 40403")
    status, listed, _ = c.json("GET", "/schemas?subjectPrefix=ord&latestOnly=true")
    check(status == 200 and [(s["subject"], s["version"]) for s in listed] == [("orders", 3)],
          "GET /schemas with subjectPrefix and latestOnly")
    status, paged, _ = c.json("GET", "/schemas?offset=1&limit=2")
    check([s["version"] for s in paged] == [2, 3], "GET /schemas offset/limit")

    # Metadata.
    status, meta, _ = c.json("GET", "/accord/v1/subjects/orders/metadata")
    check(status == 200 and meta["owner"] == "checkout" and meta["tags"] == ["core", "orders"]
          and meta["sla"] == {"delivery": "5s"}, "metadata from register properties: %s" % meta)
    new_meta = {"owner": "checkout", "description": "An order was placed",
                "tags": ["orders", "core"], "links": [{"name": "runbook", "url": "https://w/x"}],
                "sla": {"delivery": "5s", "processing": "1s"}}
    status, meta, _ = c.json("PUT", "/accord/v1/subjects/orders/metadata", new_meta)
    check(status == 200 and meta["description"] == "An order was placed", "PUT metadata")
    status, meta, _ = c.json("PUT", "/accord/v1/subjects/orders/metadata", {"owner": "checkout"})
    check(status == 200 and meta["links"] == new_meta["links"] and
          meta["sla"] == new_meta["sla"], "a PUT naming some members keeps the others")
    for bad in ({"tags": ["Not A Tag"]}, {"owner": "x", "team": "y"},
                {"links": [{"name": "x", "url": "ftp://x"}]}, {"sla": {"delivery": 5}}):
        check(c.error_code("PUT", "/accord/v1/subjects/orders/metadata", bad) == (422, 42210),
              "bad metadata %s is 42210" % bad)
    check(c.error_code("GET", "/accord/v1/subjects/nope/metadata") == (404, 40401),
          "metadata of an unknown subject is 40401")
    check(c.call("POST", "/accord/v1/subjects/orders/metadata", {})[0] == 405, "405 on POST")

    # Versions, deprecation, lifecycle and headers.
    status, v, _ = c.json("GET", "/accord/v1/subjects/orders/versions/latest")
    check(status == 200 and v["version"] == 3 and v["state"] == "ACTIVE" and
          v["schemaType"] == "JSON" and "schema" in v, "catalog version reply")
    status, v, _ = c.json("PUT", "/accord/v1/subjects/orders/versions/1/deprecation",
                          {"sunset": "2999-01-31", "reason": "use v3", "replacement": 3})
    check(status == 200 and v["state"] == "DEPRECATED" and v["sunset"] == "2999-01-31" and
          v["replacement"] == 3 and v["deprecatedAt"] > 0, "deprecate v1: %s" % v)
    status, v, _ = c.json("PUT", "/accord/v1/subjects/orders/versions/2/deprecation",
                          {"sunset": "2000-01-01", "reason": "gone"})
    check(status == 200 and v["state"] == "RETIRED", "a past sunset retires v2")
    status, v, _ = c.json("PUT", "/accord/v1/subjects/payments/versions/1/deprecation",
                          {"sunset": "2500-06-01"})
    check(status == 200, "deprecate payments v1")
    for path in ("/subjects/orders/versions/1", "/subjects/orders/versions/1/schema"):
        status, _, headers = c.call("GET", path)
        check(status == 200 and headers.get("Deprecation", "").startswith("@") and
              headers.get("Sunset") == "Thu, 31 Jan 2999 00:00:00 GMT" and
              headers.get("Link") == '</subjects/orders/versions/3>; rel="successor-version"',
              "deprecation headers on %s: %s" % (path, dict(headers)))
    status, _, headers = c.call("GET", "/subjects/orders/versions/2")
    check(headers.get("Sunset") == "Sat, 01 Jan 2000 00:00:00 GMT" and "Link" not in headers,
          "retired version carries Sunset, no Link")
    status, _, headers = c.call("GET", "/subjects/orders/versions/3")
    check("Deprecation" not in headers and "Sunset" not in headers, "active version: no headers")
    dep = "/accord/v1/subjects/orders/versions/%s/deprecation"
    check(c.error_code("PUT", dep % 1, {"sunset": "2999-02-30"}) == (422, 42210), "bad date 42210")
    check(c.error_code("PUT", dep % 1, {"sunset": "2999-01-01", "replacement": 1}) ==
          (422, 42210), "self replacement 42210")
    check(c.error_code("PUT", dep % 9, {"sunset": "2999-01-01"}) == (404, 40402), "40402")
    check(c.error_code("PUT", dep % "x", {"sunset": "2999-01-01"}) == (422, 42202), "42202")
    check(c.error_code("PUT", "/accord/v1/subjects/nope/versions/1/deprecation",
                       {"sunset": "2999-01-01"}) == (404, 40401), "40401")
    check(c.error_code("GET", "/accord/v1/subjects/orders/versions/9") == (404, 40402),
          "unknown catalog version is 40402")

    # Services and consumers; idempotent PUT.
    shipping = {"owner": "logistics", "produces": ["shipments"],
                "consumes": [{"subject": "orders", "schemaType": "JSON",
                              "schema": schema("id"), "versions": [1, 3]}]}
    status, s, _ = c.json("PUT", "/accord/v1/services/shipping", shipping)
    check(status == 200 and s["name"] == "shipping" and s["updatedAt"] > 0, "PUT service")
    rows_before = len(audit(c))
    status, s2, _ = c.json("PUT", "/accord/v1/services/shipping", shipping)
    check(status == 200 and s2 == s, "same PUT returns the stored declaration unchanged")
    check(len(audit(c)) == rows_before, "an idempotent PUT of a service writes no audit row")
    billing = {"owner": "finance", "consumes": [{"subject": "orders", "versions": ">=2"},
                                                {"subject": "payments", "versions": "all"}]}
    check(c.json("PUT", "/accord/v1/services/billing", billing)[0] == 200, "PUT billing")
    check(c.json("PUT", "/accord/v1/services/ledger", {"produces": ["orders"]})[0] == 200,
          "PUT ledger")
    status, services, _ = c.json("GET", "/accord/v1/services")
    check([x["name"] for x in services] == ["billing", "ledger", "shipping"], "list services")
    status, got, _ = c.json("GET", "/accord/v1/services/billing")
    check(got["consumes"][0]["versions"] == ">=2" and got["consumes"][1]["versions"] == [],
          "accepted versions echoed: %s" % got["consumes"])
    check(c.error_code("GET", "/accord/v1/services/ghost") == (404, 40410), "unknown service 40410")
    check(c.error_code("DELETE", "/accord/v1/services/ghost") == (404, 40410), "delete 40410")
    check(c.error_code("PUT", "/accord/v1/services/bad%20name", {}) == (422, 42210),
          "bad service name 42210")
    check(c.error_code("PUT", "/accord/v1/services/x",
                       {"consumes": [{"subject": "orders", "schemaType": "JSON",
                                      "schema": "{nope"}]}) == (422, 42201),
          "invalid reader schema 42201")
    check(c.error_code("PUT", "/accord/v1/services/x", {"consumes": "orders"}) == (422, 42210),
          "consumes of the wrong shape 42210")
    status, consumers, _ = c.json("GET", "/accord/v1/subjects/orders/consumers")
    check(sorted(x["service"] for x in consumers) == ["billing", "shipping"] and
          all("schema" in x and "versions" in x for x in consumers), "consumers of orders")
    check(c.error_code("GET", "/accord/v1/subjects/nope/consumers") == (404, 40401),
          "consumers of an unknown subject 40401")

    # Subject page.
    status, page, _ = c.json("GET", "/accord/v1/subjects/orders")
    check(status == 200 and page["owner"] == "checkout" and page["latestVersion"] == 3 and
          [x["state"] for x in page["versions"]] == ["DEPRECATED", "RETIRED", "ACTIVE"] and
          page["piiFields"] == [] and page["producers"] == ["ledger"] and
          len(page["consumers"]) == 2, "subject page: %s" % page)
    status, fields, _ = c.json("GET", "/accord/v1/subjects/orders/versions/1/fields")
    check(status == 200 and [f["path"] for f in fields] == ["id", "email"] and
          fields[0]["required"] and fields[1]["pii"], "fields of v1: %s" % fields)

    # Calendar: soonest first, with the consumers whose versions include each.
    status, cal, _ = c.json("GET", "/accord/v1/deprecations")
    got = [(e["subject"], e["version"], e["sunset"], sorted(e["consumers"])) for e in cal]
    check(got == [("orders", 2, "2000-01-01", ["billing"]),
                  ("payments", 1, "2500-06-01", ["billing"]),
                  ("orders", 1, "2999-01-31", ["shipping"])], "calendar order: %s" % got)

    # Search.
    def search(path):
        return [r["subject"] for r in c.json("GET", path)[1]]
    check(search("/accord/v1/subjects") == ["orders", "payments"], "search all")
    check(search("/accord/v1/subjects?q=amount") == ["payments"], "search by field name")
    check(search("/accord/v1/subjects?q=placed") == ["orders"], "search by description")
    check(search("/accord/v1/catalog?owner=checkout") == ["orders"], "search by owner")
    check(search("/accord/v1/subjects?tag=core") == ["orders"], "search by tag")
    check(search("/accord/v1/subjects?state=RETIRED") == ["orders"], "search by state")
    check(c.error_code("GET", "/accord/v1/subjects?state=zombie") == (422, 42210),
          "unknown state 42210")

    # Diff and changelog.
    status, d, _ = c.json("GET", "/accord/v1/subjects/orders/diff?from=1&to=2")
    check(status == 200 and d["from"] == 1 and d["to"] == 2 and d["compatibility"] in
          ("FULL", "BACKWARD", "FORWARD", "NONE") and d["changes"] and
          d["changes"][0]["severity"] == "BREAKING", "diff 1..2: %s" % d)
    status, d, _ = c.json("GET", "/accord/v1/subjects/orders/diff")
    check(status == 200 and (d["from"], d["to"]) == (2, 3), "diff defaults to latest vs previous")
    check(c.error_code("GET", "/accord/v1/subjects/orders/diff?from=7") == (404, 40402),
          "diff of an unknown version 40402")
    status, log, _ = c.json("GET", "/accord/v1/subjects/orders/changelog")
    check(status == 200 and [e["to"] for e in log] == [3, 2, 1] and "from" not in log[2],
          "changelog newest first")

    # Undeprecate; delete a service.
    status, v, _ = c.json("DELETE", "/accord/v1/subjects/orders/versions/2/deprecation")
    check(status == 200 and v["state"] == "ACTIVE" and "sunset" not in v, "undeprecate v2")
    check(c.json("DELETE", "/accord/v1/services/ledger")[0] == 200, "delete service")

    # Audit: every catalog action, subject filter.
    actions = [r["action"] for r in audit(c)]
    for action in ("REGISTER", "PUT_CONFIG", "PUT_METADATA", "DEPRECATE", "UNDEPRECATE",
                   "PUT_SERVICE", "DELETE_SERVICE"):
        check(action in actions, "audit has %s" % action)
    rows = audit(c, "&subject=payments")
    check([r["action"] for r in rows] == ["REGISTER", "DEPRECATE"] and
          all(r["subject"] == "payments" for r in rows), "audit subject filter")
    meta_rows = [r for r in audit(c, "&subject=orders") if r["action"] == "PUT_METADATA"]
    check(meta_rows and meta_rows[-1]["detail"]["after"]["description"] == "An order was placed"
          and "before" in meta_rows[-1]["detail"], "audit before/after detail")


def after_restart(c):
    status, page, _ = c.json("GET", "/accord/v1/subjects/orders")
    check(status == 200 and page["description"] == "An order was placed" and
          [x["state"] for x in page["versions"]] == ["DEPRECATED", "ACTIVE", "ACTIVE"],
          "catalog survives a restart")
    check([x["name"] for x in c.json("GET", "/accord/v1/services")[1]] == ["billing", "shipping"],
          "services survive a restart")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    args = ap.parse_args()
    with AccordServer(args.accord, args=NO_NOTICE) as server:
        walk(Client(server.base))
        data = server.data
        rc = server.stop()
        check(rc == 0, "server stops cleanly (rc=%s)" % rc)
        with AccordServer(args.accord, data=data, args=NO_NOTICE) as again:
            after_restart(Client(again.base))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
