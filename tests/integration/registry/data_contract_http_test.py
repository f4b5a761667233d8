#!/usr/bin/env python3
"""End-to-end test of Confluent's data-contract semantics
(docs/migrating-from-confluent.md, "Data contracts") against a real
`accord serve` on an ephemeral loopback port: inheritance of metadata and
ruleSet, config defaults and overrides, confluent:version,
compatibilityGroup, validateFields with confluent:reserved, metadata and
rule set as part of a schema's identity, GET /subjects/{s}/metadata and
rule set validation (42210); then restarts the server on the same data
directory and checks the config's data-contract settings survived.

Usage: data_contract_http_test.py --accord PATH/TO/accord
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer  # noqa: E402
from checks import check, summary  # noqa: E402
from catalog_http_test import Client  # noqa: E402


def record(*fields, id_type="string"):
    """An Avro record with string fields (with defaults) and an `id` of `id_type`
    when "id" is among them: changing that type breaks compatibility."""
    return json.dumps({"type": "record", "name": "Order",
                       "fields": [{"name": f, "type": id_type if f == "id" else "string"}
                                  if f == "id" else {"name": f, "type": "string", "default": ""}
                                  for f in fields]})


def register(c, subject, text, **extra):
    body = {"schema": text}
    body.update(extra)
    return c.json("POST", "/subjects/%s/versions" % subject, body)


def walk(c):
    # Config defaults and overrides, served back by GET /config/{s}.
    status, _, _ = c.json("PUT", "/config/orders", {
        "compatibility": "BACKWARD", "compatibilityGroup": "major_version",
        "defaultMetadata": {"properties": {"major_version": "1", "owner": "checkout"}},
        "overrideRuleSet": {"domainRules": [{"name": "checkId", "kind": "CONDITION",
                                             "mode": "WRITE", "type": "CEL",
                                             "expr": "message.id != ''"}]}})
    check(status == 200, "PUT /config/orders with data-contract settings")
    status, config, _ = c.json("GET", "/config/orders")
    check(status == 200 and config.get("compatibilityGroup") == "major_version" and
          config.get("defaultMetadata") == {"properties": {"major_version": "1",
                                                           "owner": "checkout"}},
          "GET /config/orders serves the settings: %s" % config)

    # Version 1: the defaults and the override; the reply carries them.
    status, reply, _ = register(c, "orders", record("id"))
    check(status == 200 and reply["metadata"]["properties"]["major_version"] == "1" and
          [r["name"] for r in reply["ruleSet"]["domainRules"]] == ["checkId"],
          "register reply carries the settled contract: %s" % reply)
    # Version 2 inherits; confluent:version named by the request follows it.
    status, reply, _ = register(c, "orders", record("id", "note"), version=2)
    check(status == 200, "version 2 registered: %s" % reply)
    status, v2, _ = c.json("GET", "/subjects/orders/versions/2")
    check(v2["metadata"]["properties"] == {"confluent:version": "2", "major_version": "1",
                                           "owner": "checkout"},
          "version 2 inherits and numbers its metadata: %s" % v2["metadata"])
    # A breaking major version 2 is checked only against its own group.
    status, reply, _ = register(c, "orders", record("id", id_type="int"),
                                metadata={"properties": {"major_version": "2"}})
    check(status == 200, "a new compatibility group starts unchecked: %s" % reply)
    status, reply, _ = register(c, "orders", record("id", "note", id_type="boolean"),
                                metadata={"properties": {"major_version": "1"}})
    check(status == 409 and reply.get("error_code") == 40901,
          "group 1 is still checked against group 1: %s" % reply)

    # GET /subjects/{s}/metadata: the latest version with every pair.
    status, found, _ = c.json("GET", "/subjects/orders/metadata?key=major_version&value=1"
                                     "&key=owner&value=checkout")
    check(status == 200 and found["version"] == 2, "latest of group 1 is version 2: %s" % found)
    check(c.error_code("GET", "/subjects/orders/metadata?key=major_version&value=3") ==
          (404, 40403), "no version of group 3: 40403")

    # Identity: the same text with another metadata is a new id.
    status, a, _ = register(c, "ids", record("id"))
    status, b, _ = register(c, "ids", record("id"), metadata={"properties": {"k": "v"}})
    check(a["id"] != b["id"], "another metadata, another id (%s, %s)" % (a["id"], b["id"]))
    status, again, _ = register(c, "ids-copy", record("id"))
    check(again["id"] == a["id"], "a schema without a contract keeps its id")
    status, by_id, _ = c.json("GET", "/schemas/ids/%d" % b["id"])
    check(by_id.get("metadata") == {"properties": {"k": "v"}}, "by id: %s" % by_id)
    status, looked, _ = c.json("POST", "/subjects/ids",
                               {"schema": record("id"), "metadata": {"properties": {"k": "v"}}})
    check(status == 200 and looked["id"] == b["id"] and looked["version"] == 2,
          "lookup matches on the metadata: %s" % looked)

    # validateFields with confluent:reserved.
    c.json("PUT", "/config/reserved", {"compatibility": "NONE", "validateFields": True})
    status, _, _ = register(c, "reserved", record("a"),
                            metadata={"properties": {"confluent:reserved": "b"}})
    check(status == 200, "reserved field b declared")
    status, reply, _ = register(c, "reserved", record("a", "b"))
    check(status == 409 and "conflicts with the reserved field b" in reply.get("message", ""),
          "a field with a reserved name is refused: %s" % reply)
    status, reply, _ = register(c, "reserved", record("a", "c"),
                                metadata={"properties": {"confluent:reserved": ""}})
    check(status == 409 and "reserved field b removed" in reply.get("message", ""),
          "dropping a reserved name is refused: %s" % reply)

    # Rule set validation: Confluent's INVALID_RULESET.
    for why, rules in (("bad name", [{"name": "9r", "type": "CEL"}]),
                       ("no type", [{"name": "r"}]),
                       ("migration mode in a domain rule", [{"name": "r", "type": "CEL",
                                                              "mode": "UPGRADE"}]),
                       ("two actions for WRITE", [{"name": "r", "type": "CEL", "mode": "WRITE",
                                                   "onFailure": "NONE,ERROR"}])):
        status, reply, _ = register(c, "rules", record("a"), ruleSet={"domainRules": rules})
        check(status == 422 and reply.get("error_code") == 42210, "%s: %s" % (why, reply))


def after_restart(c):
    status, config, _ = c.json("GET", "/config/orders")
    check(status == 200 and config.get("compatibilityGroup") == "major_version" and
          config.get("overrideRuleSet", {}).get("domainRules", [{}])[0].get("name") == "checkId",
          "data-contract settings survive a restart: %s" % config)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    args = ap.parse_args()
    with AccordServer(args.accord) as server:
        walk(Client(server.base))
        data = server.data
        rc = server.stop()
        check(rc == 0, "server stops cleanly (rc=%s)" % rc)
        with AccordServer(args.accord, data=data) as again:
            after_restart(Client(again.base))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
