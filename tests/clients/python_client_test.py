#!/usr/bin/env python3
"""Debian's Confluent Python client against `accord serve` (ctest label clients).

Uses python3-confluent-kafka (Debian 12: 1.7.0) with python3-requests:
  * confluent_kafka.schema_registry.SchemaRegistryClient: register JSON and
    Avro schemas, get by id, latest version, a version, lookup, set and get
    compatibility (global and per subject), test compatibility, a refused
    incompatible registration, error codes, delete a version, delete a
    subject (soft, then permanent);
  * JSONSerializer / JSONDeserializer through a SerializationContext (no
    broker): the serializer registers the schema and frames the payload with
    the registry's id;
  * Avro payloads: 1.7.0's schema_registry.avro.AvroSerializer needs fastavro,
    which Debian 12 does not ship, so Avro goes through the client's other
    serializer, confluent_kafka.avro.MessageSerializer (CachedSchemaRegistryClient,
    python3-avro): encode with registration, decode by id from a fresh client.

Exit 0 when every check passes, 1 otherwise, 77 (skip) when the client
packages are missing. Usage: python_client_test.py --accord PATH/TO/accord
"""
import argparse
import io
import json
import os
import shutil
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from accord_server import AccordCluster, AccordServer, write_auth_config  # noqa: E402
from checks import check, failures_logged, stops_cleanly, summary  # noqa: E402


# Against several replicas (--cluster), a write acknowledged by one is
# visible on the others within 1 s (docs/postgresql.md), and nginx may send
# the next request to another: there, a read that follows a write retries
# until it sees the write or that second has passed.
VISIBLE_WITHIN_S = 0.0


def eventually(read, want):
    """read() until want(value) holds or VISIBLE_WITHIN_S passed; the last value."""
    deadline = time.monotonic() + VISIBLE_WITHIN_S
    while True:
        value = read()
        if want(value) or time.monotonic() >= deadline:
            return value
        time.sleep(0.02)


def expect_error(fn, status, code, what):
    """Checks that fn() raises SchemaRegistryError with `status` and `code`
    (retried as eventually() does, when it follows a write)."""
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    def outcome():
        try:
            fn()
        except SchemaRegistryError as e:
            return e
        return None

    e = eventually(outcome, lambda e: e is not None and (e.http_status_code, e.error_code)
                   == (status, code))
    if e is None:
        check(False, "%s -> %d/%d (no error)" % (what, status, code))
        return
    check(e.http_status_code == status and e.error_code == code,
          "%s -> %d/%d (got %s/%s %s)" % (what, status, code, e.http_status_code,
                                         e.error_code, e.error_message))


JSON_ORDER = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Order",  # 1.7.0's JSONSerializer requires a title
    "type": "object",
    "properties": {"id": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}},
    "required": ["id"],
})
AVRO_V1 = json.dumps({"type": "record", "name": "Payment", "namespace": "com.example",
                      "fields": [{"name": "id", "type": "string"},
                                 {"name": "amount", "type": "long"}]})
# BACKWARD compatible with V1: the new field has a default.
AVRO_V2 = json.dumps({"type": "record", "name": "Payment", "namespace": "com.example",
                      "fields": [{"name": "id", "type": "string"},
                                 {"name": "amount", "type": "long"},
                                 {"name": "currency", "type": "string", "default": "EUR"}]})
# Not BACKWARD compatible with V2: a new field without a default.
AVRO_BAD = json.dumps({"type": "record", "name": "Payment", "namespace": "com.example",
                       "fields": [{"name": "id", "type": "string"},
                                  {"name": "amount", "type": "long"},
                                  {"name": "currency", "type": "string", "default": "EUR"},
                                  {"name": "payer", "type": "string"}]})


def registry_client_calls(base):
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    client = SchemaRegistryClient(client_conf(base))

    # JSON Schema.
    json_schema = Schema(JSON_ORDER, "JSON")
    json_id = client.register_schema("orders-value", json_schema)
    check(isinstance(json_id, int) and json_id > 0, "register JSON -> id %r" % json_id)
    got = SchemaRegistryClient(client_conf(base)).get_schema(json_id)  # fresh client: no cache
    check(got.schema_type == "JSON" and json.loads(got.schema_str) == json.loads(JSON_ORDER),
          "get_schema(JSON id) returns the JSON schema")
    latest = client.get_latest_version("orders-value")
    check((latest.schema_id, latest.subject, latest.version) == (json_id, "orders-value", 1),
          "get_latest_version(orders-value) -> (%s, %s, %s)"
          % (latest.schema_id, latest.subject, latest.version))
    found = client.lookup_schema("orders-value", json_schema)
    check((found.schema_id, found.version, found.subject) == (json_id, 1, "orders-value")
          and found.schema.schema_type == "JSON", "lookup_schema(JSON) -> id, version 1")

    # Avro (no schemaType on the wire).
    avro_id = client.register_schema("payments-value", Schema(AVRO_V1, "AVRO"))
    check(avro_id not in (json_id,), "register Avro -> new id %r" % avro_id)
    got = SchemaRegistryClient(client_conf(base)).get_schema(avro_id)
    check(got.schema_type == "AVRO" and json.loads(got.schema_str) == json.loads(AVRO_V1),
          "get_schema(Avro id) returns the Avro schema, type AVRO")
    again = client.register_schema("copy-value", Schema(AVRO_V1, "AVRO"))
    check(again == avro_id, "the same schema under another subject keeps its id")

    # Compatibility levels.
    check(client.get_compatibility() == "BACKWARD", "global compatibility defaults to BACKWARD")
    r = client.set_compatibility(level="full")
    check(r == {"compatibility": "FULL"}, "set_compatibility(global FULL) -> %r" % r)
    check(eventually(client.get_compatibility, lambda c: c == "FULL") == "FULL",
          "get_compatibility() -> FULL")
    r = client.set_compatibility("payments-value", "BACKWARD")
    check(r == {"compatibility": "BACKWARD"}, "set_compatibility(payments-value) -> %r" % r)
    check(eventually(lambda: client.get_compatibility("payments-value"),
                     lambda c: c == "BACKWARD") == "BACKWARD",
          "get_compatibility(payments-value) -> BACKWARD")
    client.set_compatibility(level="BACKWARD")

    # Test compatibility, then register.
    check(client.test_compatibility("payments-value", Schema(AVRO_V2, "AVRO")) is True,
          "test_compatibility(field with default) -> True")
    v2_id = client.register_schema("payments-value", Schema(AVRO_V2, "AVRO"))
    check(v2_id not in (json_id, avro_id), "register compatible Avro v2 -> new id")
    check(client.test_compatibility("payments-value", Schema(AVRO_BAD, "AVRO")) is False,
          "test_compatibility(field without default) -> False")
    check(client.test_compatibility("payments-value", Schema(AVRO_BAD, "AVRO"), version=1)
          is False, "test_compatibility against version 1 -> False")
    # Issue 5 specifies error_code 40901 with HTTP 409 (Confluent's own server
    # sends error_code 409); the client surfaces both.
    expect_error(lambda: client.register_schema("payments-value", Schema(AVRO_BAD, "AVRO")),
                 409, 40901, "register incompatible Avro")
    check(eventually(lambda: client.get_versions("payments-value"), lambda v: v == [1, 2])
          == [1, 2], "get_versions -> [1, 2]")
    v1 = client.get_version("payments-value", 1)
    check(v1.schema_id == avro_id and v1.version == 1, "get_version(payments-value, 1)")
    want = ["copy-value", "orders-value", "payments-value"]
    subjects = eventually(client.get_subjects, lambda s: s == want)
    check(subjects == want, "get_subjects -> %r" % subjects)

    # Errors a client sees as Confluent codes.
    fresh = SchemaRegistryClient(client_conf(base))
    expect_error(lambda: fresh.get_schema(987654), 404, 40403, "get_schema(unknown id)")
    expect_error(lambda: fresh.get_latest_version("nope"), 404, 40401,
                 "get_latest_version(unknown subject)")
    expect_error(lambda: fresh.get_version("payments-value", 9), 404, 40402,
                 "get_version(unknown version)")
    expect_error(lambda: fresh.lookup_schema("payments-value", Schema(AVRO_BAD, "AVRO")),
                 404, 40403, "lookup_schema(unregistered schema)")
    expect_error(lambda: fresh.register_schema("bad-value", Schema("{not json", "AVRO")),
                 422, 42201, "register invalid Avro")
    expect_error(lambda: fresh.register_schema("bad-value", Schema("syntax = 1;", "PROTOBUF")),
                 422, 42201, "register PROTOBUF (not supported yet)")

    # Deletes: one version, a subject soft, then permanent.
    check(client.delete_version("payments-value", 2) == 2, "delete_version(payments-value, 2)")
    check(eventually(lambda: client.get_versions("payments-value"), lambda v: v == [1]) == [1],
          "after delete_version: [1]")
    check(client.delete_subject("orders-value") == [1], "delete_subject(orders-value) soft -> [1]")
    check("orders-value" not in eventually(client.get_subjects,
                                           lambda s: "orders-value" not in s),
          "soft-deleted subject is not listed")
    expect_error(lambda: fresh.get_latest_version("orders-value"), 404, 40401,
                 "latest version of a soft-deleted subject")
    expect_error(lambda: fresh.delete_subject("orders-value"), 404, 40404,
                 "soft delete twice")
    check(client.delete_subject("payments-value", permanent=True) == [1],
          "delete_subject(payments-value, permanent=True) -> [1]")
    expect_error(lambda: fresh.delete_subject("payments-value", permanent=True), 404, 40401,
                 "permanent delete of a deleted subject")
    check(eventually(client.get_subjects, lambda s: s == ["copy-value"]) == ["copy-value"],
          "only copy-value is left")
    got = SchemaRegistryClient(client_conf(base)).get_schema(avro_id)
    check(json.loads(got.schema_str) == json.loads(AVRO_V1),
          "the id stays readable while another subject uses it")


def json_serializer(base):
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    from confluent_kafka.serialization import (MessageField, SerializationContext,
                                               SerializationError)
    client = SchemaRegistryClient(client_conf(base))
    ser = JSONSerializer(JSON_ORDER, client)  # auto.register.schemas: true
    ctx = SerializationContext("shipments", MessageField.VALUE)
    event = {"id": "s-1", "quantity": 3}
    data = ser(event, ctx)
    registered = client.get_latest_version("shipments-value")
    check(data[0] == 0 and struct.unpack(">I", data[1:5])[0] == registered.schema_id,
          "JSONSerializer frames the payload with the id it registered")
    check(json.loads(data[5:]) == event, "JSONSerializer payload is the event")
    back = JSONDeserializer(JSON_ORDER)(data, ctx)
    check(back == event, "JSONDeserializer reads it back")
    try:
        ser({"id": "s-2", "quantity": 0}, ctx)
        check(False, "JSONSerializer refuses an invalid event")
    except SerializationError:
        check(True, "JSONSerializer refuses an invalid event")


def avro_serializer(base):
    import avro.schema
    from confluent_kafka.avro import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    writer = MessageSerializer(CachedSchemaRegistryClient(client_conf(base, legacy=True)))
    record = {"id": "p-9", "amount": 1250, "currency": "USD"}
    data = writer.encode_record_with_schema("refunds", avro.schema.parse(AVRO_V2), record)
    from confluent_kafka.schema_registry import SchemaRegistryClient
    latest = SchemaRegistryClient(client_conf(base)).get_latest_version("refunds-value")
    check(data[0] == 0 and struct.unpack(">I", data[1:5])[0] == latest.schema_id,
          "Avro MessageSerializer frames the payload with the registered id")
    # A fresh client: the writer schema is fetched by id.
    reader = MessageSerializer(CachedSchemaRegistryClient(client_conf(base, legacy=True)))
    check(reader.decode_message(data) == record, "Avro payload decodes by id from the registry")
    # The Avro body on the wire is the binary encoding: check one field by hand.
    body = io.BytesIO(data[5:])
    n = body.read(1)[0] >> 1
    check(body.read(n) == b"p-9", "Avro body is binary Avro (first field 'p-9')")


# --auth: the server requires keys (anonymous_read false) and every client
# sends HTTP Basic credentials, as Confluent clients do with
# basic.auth.user.info.
AUTH_USER = None
AUTH_KEY = "clients-test-secret-key"


def client_conf(base, legacy=False):
    conf = {"url": base}
    if AUTH_USER:
        conf["basic.auth.user.info"] = "%s:%s" % (AUTH_USER, AUTH_KEY)
        if legacy:
            conf["basic.auth.credentials.source"] = "USER_INFO"
    return conf


def auth_config(directory):
    """A server config with one admin key for the clients."""
    import hashlib
    return write_auth_config(os.path.join(directory, "accord-auth.yaml"), [
        {"principal": AUTH_USER, "role": "admin",
         "sha256": hashlib.sha256(AUTH_KEY.encode()).hexdigest()}], anonymous_read=False)


def refused_without_credentials(base):
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    from confluent_kafka.schema_registry.error import SchemaRegistryError
    try:
        SchemaRegistryClient({"url": base}).register_schema(
            "anonymous-value", Schema('{"type":"string"}', "JSON"))
        check(False, "a client without credentials is refused")
    except SchemaRegistryError as e:
        check(e.http_status_code == 401, "a client without credentials gets 401 (got %s)"
              % e.http_status_code)


def main():
    global AUTH_USER
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--auth", action="store_true", help="run with HTTP Basic credentials")
    ap.add_argument("--cluster", action="store_true",
                    help="against three replicas on PostgreSQL behind nginx (scripts/cluster)")
    args = ap.parse_args()
    try:
        import avro.schema  # noqa: F401
        import confluent_kafka.schema_registry  # noqa: F401
        import requests  # noqa: F401
    except ImportError as e:
        print("SKIP: %s (apt-get install python3-confluent-kafka python3-requests python3-avro;"
              " scripts/install-deps does)" % e)
        return 77
    print("confluent-kafka", __import__("confluent_kafka").version()[0])
    server_args = ()
    tmp = None
    try:
        if args.auth:
            import tempfile
            AUTH_USER = "ci-clients"
            tmp = tempfile.mkdtemp(prefix="accord-clients-auth-")
            server_args = ("--config", auth_config(tmp))
        registry = AccordCluster if args.cluster else AccordServer
        if args.cluster:
            global VISIBLE_WITHIN_S
            VISIBLE_WITHIN_S = 1.0
        with registry(args.accord, args=server_args) as server:
            with failures_logged(server):
                if args.auth:
                    refused_without_credentials(server.base)
                registry_client_calls(server.base)
                json_serializer(server.base)
                avro_serializer(server.base)
            stops_cleanly(server)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
