#!/usr/bin/env python3
"""Debian's Confluent Python client across `accord export` / `accord import`
(issue 18; ctest label clients).

Messages are produced with ids from the SOURCE registry; after the source is
exported and imported into a TARGET registry (two `accord serve` processes):

  * a deserializer whose client knows only the target reads every message
    (its writer schema is fetched by the source's id);
  * the serializer's subject resolution against the target gives the ids the
    messages carry. Debian 12's python3-confluent-kafka is 1.7.0, which has
    no `use.latest.version` (added in 1.8); its two ways are checked instead:
    get_latest_version() (the request `use.latest.version` makes:
    GET /subjects/{s}/versions/latest) and the serializer with
    `auto.register.schemas: false` (POST /subjects/{s}: lookup), whose frame
    must carry the source's id. Avro goes through MessageSerializer (1.7.0's
    AvroSerializer needs fastavro, which Debian 12 does not ship).

The source is given an id gap (a subject deleted for good) so that the
target, left to itself, would give other ids.

Exit 0 when every check passes, 1 otherwise, 77 (skip) when the client
packages are missing. Usage: python_migrate_test.py --accord PATH/TO/accord
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from accord_server import AccordServer, call_json  # noqa: E402
from checks import check, failures_logged, stops_cleanly, summary  # noqa: E402

ORDER = json.dumps({"title": "Order", "type": "object",  # 1.7.0's JSONSerializer needs a title
                    "properties": {"id": {"type": "string"}, "qty": {"type": "integer"}},
                    "required": ["id"]})
PAYMENT = json.dumps({"type": "record", "name": "Payment", "namespace": "com.example",
                      "fields": [{"name": "id", "type": "string"},
                                 {"name": "amount", "type": "long"}]})


def conf(base):
    return {"url": base}


def frame_id(data):
    return struct.unpack(">I", data[1:5])[0]


def produce(source):
    """Messages framed with the source's ids: (json messages, avro messages)."""
    import avro.schema
    from confluent_kafka.avro import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.json_schema import JSONSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    # An id gap in the source.
    for i in range(3):
        call_json(source, "POST", "/subjects/scratch/versions",
                  {"schema": json.dumps({"type": "string", "maxLength": i + 1}),
                   "schemaType": "JSON"})
    call_json(source, "DELETE", "/subjects/scratch")
    call_json(source, "DELETE", "/subjects/scratch?permanent=true")
    ser = JSONSerializer(ORDER, SchemaRegistryClient(conf(source)))
    ctx = SerializationContext("orders", MessageField.VALUE)
    json_msgs = [(ser(e, ctx), e) for e in ({"id": "o-1", "qty": 2}, {"id": "o-2"})]
    writer = MessageSerializer(CachedSchemaRegistryClient({"url": source}))
    record = {"id": "p-1", "amount": 990}
    avro_msgs = [(writer.encode_record_with_schema("payments", avro.schema.parse(PAYMENT),
                                                   record), record)]
    return json_msgs, avro_msgs


def consume_from_target(target, json_msgs, avro_msgs):
    from confluent_kafka.avro import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    client = SchemaRegistryClient(conf(target))
    ctx = SerializationContext("orders", MessageField.VALUE)
    source_id = frame_id(json_msgs[0][0])
    check(source_id > 3, "the source's messages carry id %d (after the gap)" % source_id)
    # The writer schema by the source's id, from the target.
    fetched = client.get_schema(source_id)
    check(json.loads(fetched.schema_str) == json.loads(ORDER),
          "the target serves the source's id %d with the producer's schema" % source_id)
    des = JSONDeserializer(fetched.schema_str)
    for data, event in json_msgs:
        check(des(data, ctx) == event, "JSON message %s reads back through the target" % event)
    reader = MessageSerializer(CachedSchemaRegistryClient({"url": target}))
    for data, record in avro_msgs:
        check(reader.decode_message(data) == record,
              "Avro message decodes by the source's id %d from the target" % frame_id(data))
    # What use.latest.version asks for: the latest version's id.
    latest = client.get_latest_version("orders-value")
    check(latest.schema_id == source_id and latest.version == 1,
          "get_latest_version(orders-value) on the target -> id %d version 1 (got %s, %s)"
          % (source_id, latest.schema_id, latest.version))
    # The serializer against the target, not registering: the source's id.
    ser = JSONSerializer(ORDER, client, conf={"auto.register.schemas": False})
    data = ser({"id": "o-3"}, ctx)
    check(frame_id(data) == source_id,
          "JSONSerializer (auto.register.schemas false) against the target frames id %d (got %d)"
          % (source_id, frame_id(data)))
    # A new schema on the target gets an id above every imported one.
    new_id = client.register_schema("fresh-value", Schema('{"type": "null"}', "JSON"))
    check(new_id > max(source_id, frame_id(avro_msgs[0][0])),
          "a new registration on the target gets id %d, above the imported ones" % new_id)


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
    tmp = tempfile.mkdtemp(prefix="accord-migrate-client-")
    try:
        with AccordServer(args.accord) as source, AccordServer(args.accord) as target:
            with failures_logged(target):
                json_msgs, avro_msgs = produce(source.base)
                bundle = os.path.join(tmp, "bundle")
                for cmd in (["export", "--registry", source.base, "--out", bundle],
                            ["import", bundle, "--registry", target.base]):
                    p = subprocess.run([args.accord] + cmd, capture_output=True, text=True,
                                       timeout=120)
                    check(p.returncode == 0, "accord %s exits 0" % cmd[0], p.stdout + p.stderr)
                consume_from_target(target.base, json_msgs, avro_msgs)
            stops_cleanly(source, "source registry")
            stops_cleanly(target, "target registry")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
