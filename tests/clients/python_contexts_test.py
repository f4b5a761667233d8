#!/usr/bin/env python3
"""Debian's Confluent Python client (1.7.0) with contexts (issue 18; ctest
label clients).

A producer registers and frames messages on qualified subjects
(":.team-a:payments-value", ":.team-a:orders-value") while the default
context already holds other schemas under the same ids, so a context id read
from the wrong context would give another schema. 1.7.0 has no context name
strategy: a subject is qualified by its subject name strategy (new API) or
by the topic name (the legacy Avro MessageSerializer makes TOPIC-value), and
a consumer reads a context's ids through Confluent's base context path, a
registry URL ending in /contexts/.team-a. Checked:

  * registration in a context gives the context's own ids (1, 2, ...);
  * the Avro MessageSerializer decodes a context's message through
    .../contexts/.team-a, and through the plain URL gets the default
    context's schema of that id (why the context URL is needed);
  * the new SchemaRegistryClient: get_schema(id) through the context URL,
    get_latest_version and lookup (auto.register.schemas false) of the
    qualified subject frame the context's id; get_subjects lists every
    context's subjects, qualified;
  * set_compatibility/get_compatibility through .../contexts/.team-a are the
    context's own level, which its subjects use before the global one.

Exit 0 when every check passes, 1 otherwise, 77 (skip) when the client
packages are missing. Usage: python_contexts_test.py --accord PATH/TO/accord
"""
import argparse
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from accord_server import AccordServer, call_json  # noqa: E402
from checks import check, failures_logged, stops_cleanly, summary  # noqa: E402

PAYMENT = json.dumps({"type": "record", "name": "Payment", "namespace": "com.example",
                      "fields": [{"name": "id", "type": "string"},
                                 {"name": "amount", "type": "long"}]})
DECOY = json.dumps({"type": "record", "name": "Decoy", "namespace": "com.example",
                    "fields": [{"name": "n", "type": "int"}]})
ORDER = json.dumps({"title": "Order", "type": "object",  # 1.7.0's JSONSerializer needs a title
                    "properties": {"id": {"type": "string"}}, "required": ["id"]})


def frame_id(data):
    return struct.unpack(">I", data[1:5])[0]


def run(base):
    import avro.schema
    from confluent_kafka.avro import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.json_schema import JSONSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    # The default context holds ids 1 and 2 already.
    for subject, schema in (("decoy-value", DECOY), ("other-value", '{"type": "string"}')):
        status, reply = call_json(base, "POST", "/subjects/%s/versions" % subject,
                                  {"schema": schema})
        check(status == 200, "default context: %s registered" % subject, repr(reply))

    # Legacy Avro producer: topic ":.team-a:payments" -> subject ":.team-a:payments-value".
    writer = MessageSerializer(CachedSchemaRegistryClient({"url": base}))
    record = {"id": "p-1", "amount": 990}
    data = writer.encode_record_with_schema(":.team-a:payments", avro.schema.parse(PAYMENT),
                                            record)
    check(frame_id(data) == 1, "the first schema of .team-a is framed with id 1 (got %d)"
          % frame_id(data))
    in_context = MessageSerializer(CachedSchemaRegistryClient({"url": base + "/contexts/.team-a"}))
    check(in_context.decode_message(data) == record,
          "the message decodes through the registry URL .../contexts/.team-a")
    plain = CachedSchemaRegistryClient({"url": base})
    check(str(plain.get_by_id(1)) == str(avro.schema.parse(DECOY)),
          "through the plain URL, id 1 is the default context's schema (another one)")

    # New API: JSON on ":.team-a:orders-value" by a subject name strategy.
    client = SchemaRegistryClient({"url": base})
    ctx = SerializationContext("orders", MessageField.VALUE)
    ser = JSONSerializer(ORDER, client, conf={
        "subject.name.strategy": lambda c, name: ":.team-a:" + c.topic + "-value"})
    msg = ser({"id": "o-1"}, ctx)
    check(frame_id(msg) == 2, "JSONSerializer registers in .team-a and frames id 2 (got %d)"
          % frame_id(msg))
    team_a = SchemaRegistryClient({"url": base + "/contexts/.team-a"})
    fetched = team_a.get_schema(frame_id(msg))
    check(json.loads(fetched.schema_str) == json.loads(ORDER),
          "get_schema(2) through .../contexts/.team-a is the order schema")
    latest = client.get_latest_version(":.team-a:orders-value")
    check((latest.schema_id, latest.version) == (2, 1),
          "get_latest_version(:.team-a:orders-value) -> id 2 version 1 (got %s, %s)"
          % (latest.schema_id, latest.version))
    lookup = JSONSerializer(ORDER, client, conf={
        "auto.register.schemas": False,
        "subject.name.strategy": lambda c, name: ":.team-a:" + c.topic + "-value"})
    check(frame_id(lookup({"id": "o-2"}, ctx)) == 2,
          "a non-registering serializer looks the schema up in .team-a: id 2")
    subjects = sorted(client.get_subjects())
    check(subjects == [":.team-a:orders-value", ":.team-a:payments-value", "decoy-value",
                       "other-value"], "get_subjects lists every context's subjects", repr(subjects))

    # A context's own compatibility, through the client's own calls: a client
    # given .../contexts/.team-a as its URL sets "the" level, which there is
    # the context's; the registry's global level stays, and a subject of
    # .team-a without a level of its own is checked under the context's.
    from confluent_kafka.schema_registry import Schema
    from confluent_kafka.schema_registry.error import SchemaRegistryError
    check(team_a.set_compatibility(level="NONE") == {"compatibility": "NONE"},
          "set_compatibility through the context")
    check(team_a.get_compatibility() == "NONE", "the context's level reads back through its URL")
    check(client.get_compatibility() == "BACKWARD", "the global level stays BACKWARD")
    broken = json.loads(PAYMENT)
    broken["fields"][1]["type"] = "string"  # long -> string: incompatible both ways
    changed = client.register_schema(":.team-a:payments-value", Schema(json.dumps(broken), "AVRO"))
    check(changed == 3, "an incompatible change registers in .team-a under its NONE (id %s)"
          % changed)
    decoy = json.loads(DECOY)
    decoy["fields"][0]["type"] = "string"
    try:
        client.register_schema("decoy-value", Schema(json.dumps(decoy), "AVRO"))
        check(False, "the same kind of change in the default context is refused")
    except SchemaRegistryError as e:
        check(e.http_status_code == 409, "the default context refuses it under BACKWARD (409)",
              repr(e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    args = ap.parse_args()
    try:
        import avro.schema  # noqa: F401
        import confluent_kafka.schema_registry  # noqa: F401
        import requests  # noqa: F401
    except ImportError as e:
        print("SKIP: %s (apt-get install python3-confluent-kafka python3-requests python3-avro;"
              " scripts/install-deps does)" % e)
        return 77
    with AccordServer(args.accord) as server:
        with failures_logged(server):
            run(server.base)
        stops_cleanly(server)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
