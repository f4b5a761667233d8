#!/usr/bin/env python3
"""The registry's governance policies end to end (docs/catalog-api.md,
"Deprecation policy" and "Lint on register") against a real `accord serve`
whose config file has a `lint:` section and `deprecation: {min_notice_days}`.

Checks: the lint switch of PUT/GET /config (subject and global); register
refused with 42201 naming the rule ids of error findings, warnings passing;
the minimum sunset notice (42210 naming the earliest date); hard delete of a
version a registered consumer accepts refused with 409/40902 naming it,
soft delete allowed, force=true overriding; the lint switch surviving a
restart; a bad `lint:` section refusing to start the server.

Usage: policy_http_test.py --accord PATH/TO/accord
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer, call_json as call  # noqa: E402
from checks import check, summary  # noqa: E402

SUBJECT = "billing.invoice-issued"


def schema(properties, description="An invoice was issued."):
    return json.dumps({"type": "object", "description": description, "properties": properties})


def register(base, text, owner=None):
    body = {"schema": text, "schemaType": "JSON"}
    if owner:
        body["metadata"] = {"properties": {"owner": owner}}
    return call(base, "POST", "/subjects/%s/versions" % SUBJECT, body)


def lint_on_register(base):
    # Versions here differ freely: the policies, not compatibility, are tested.
    check(call(base, "PUT", "/config", {"compatibility": "NONE"})[0] == 200, "level NONE")
    status, reply = call(base, "PUT", "/config/" + SUBJECT, {"lint": True})
    check(status == 200 and reply.get("lint") is True, "PUT config lint: %s" % reply)
    status, reply = call(base, "GET", "/config/" + SUBJECT)
    check(status == 200 and reply.get("lint") is True, "GET config has lint: %s" % reply)
    status, reply = call(base, "GET", "/config")
    check("lint" not in reply, "global lint is unset (off) by default: %s" % reply)
    check(call(base, "PUT", "/config", {"lint": "on"})[0] == 422, "lint must be a boolean")

    undocumented = schema({"id": {"type": "string"}})
    status, reply = register(base, undocumented)
    message = reply.get("message", "") if isinstance(reply, dict) else ""
    check(status == 422 and reply.get("error_code") == 42201 and
          "[property-description]" in message and "[owner-required]" in message,
          "lint errors refuse with 42201 and the rule ids: %s" % reply)
    # pii-unmarked is a warning in the server's lint config: it does not refuse.
    clean = schema({"id": {"type": "string", "description": "Invoice id."},
                    "email": {"type": "string", "description": "Billing contact."}})
    status, reply = register(base, clean, owner="team-billing")
    check(status == 200 and "id" in reply, "warnings do not refuse: %s" % reply)
    status, reply = call(base, "POST", "/subjects/Other_Subject/versions",
                         {"schema": undocumented, "schemaType": "JSON"})
    check(status == 200, "a subject without lint is not linted")
    status, reply = call(base, "GET", "/config/Other_Subject?defaultToGlobal=true")
    check(not reply.get("lint"), "lint is per subject: %s" % reply)


def deprecation_notice(base):
    today = datetime.datetime.now(datetime.timezone.utc).date()
    earliest = (today + datetime.timedelta(days=10)).isoformat()
    path = "/accord/v1/subjects/%s/versions/1/deprecation" % SUBJECT
    status, reply = call(base, "PUT", path,
                         {"sunset": (today + datetime.timedelta(days=5)).isoformat()})
    check(status == 422 and reply.get("error_code") == 42210 and earliest in reply["message"],
          "a sunset inside the notice is 42210 naming %s: %s" % (earliest, reply))
    status, reply = call(base, "PUT", path,
                         {"sunset": (today + datetime.timedelta(days=40)).isoformat()})
    check(status == 200 and reply["state"] == "DEPRECATED", "a sunset with notice: %s" % reply)


def hard_delete_policy(base):
    v2 = schema({"id": {"type": "string", "description": "Invoice id."},
                 "total": {"type": "number", "description": "Amount due."}})
    status, reply = register(base, v2)
    check(status == 200, "register v2: %s" % reply)
    status, _ = call(base, "PUT", "/accord/v1/services/ledger",
                     {"owner": "finance", "consumes": [{"subject": SUBJECT, "versions": [1]}]})
    check(status == 200, "PUT ledger consuming v1")
    version = "/subjects/%s/versions/" % SUBJECT
    check(call(base, "DELETE", version + "1")[0] == 200, "soft delete of a consumed version")
    status, reply = call(base, "DELETE", version + "1?permanent=true")
    check(status == 409 and reply.get("error_code") == 40902 and "ledger" in reply["message"],
          "hard delete of a consumed version is 409/40902 naming ledger: %s" % reply)
    check(call(base, "DELETE", version + "2")[0] == 200 and
          call(base, "DELETE", version + "2?permanent=true")[0] == 200,
          "hard delete of a version nobody consumes")
    status, reply = call(base, "DELETE", version + "1?permanent=true&force=true")
    check(status == 200 and reply == {"versions": [1], "overriddenConsumers": [
        {"service": "ledger", "owner": "finance", "versions": [1]}]},
        "force=true hard-deletes it and names the consumer overridden: %s" % reply)


def bad_lint_config_refuses_to_start(accord, directory):
    config = os.path.join(directory, "bad.yaml")
    with open(config, "w") as f:
        f.write("lint:\n  rules:\n    pii-unmarkd: warning\n")
    r = subprocess.run([accord, "serve", "--config", config, "--listen", "127.0.0.1:0",
                        "--data", os.path.join(directory, "bad-data")],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "pii-unmarkd" in r.stderr,
          "a bad lint section: exit 2 naming the rule: %d %r" % (r.returncode, r.stderr))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accord", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accord-policy-") as tmp:
        config = os.path.join(tmp, "accord.yaml")
        with open(config, "w") as f:
            f.write("deprecation:\n  min_notice_days: 10\n"
                    "lint:\n  rules:\n    pii-unmarked: warning\n")
        data = os.path.join(tmp, "data")
        with AccordServer(args.accord, data=data, args=("--config", config)) as server:
            lint_on_register(server.base)
            deprecation_notice(server.base)
            hard_delete_policy(server.base)
        with AccordServer(args.accord, data=data, args=("--config", config)) as again:
            status, reply = call(again.base, "GET", "/config/" + SUBJECT)
            check(reply.get("lint") is True, "the lint switch survives a restart: %s" % reply)
        bad_lint_config_refuses_to_start(args.accord, tmp)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
