// @kafkajs/confluent-schema-registry against `accord serve` (ctest label clients).
//
// Run by ../run_node_client.py, which starts the server and passes its URL in
// ACCORD_URL. Registers Avro and JSON schemas through the library (which also
// reads and sets the subject's compatibility), encodes real payloads in the
// Confluent wire format (magic byte 0, 4-byte id, body) and decodes them with a
// fresh client that must fetch the writer schema by id from the registry.
//
// Protobuf (issue 17), through the library's own API, unchanged: a .proto
// importing another registered .proto by reference, and one importing
// google/protobuf/timestamp.proto. What the library cannot do is pinned as
// it behaves (each check says so): it frames Protobuf payloads without
// Confluent's message-index array, its parser does not know the well-known
// types unless they come as references, and getRegistryIdBySchema sends no
// references.
// Exit 0 when every check passes, 1 otherwise.
'use strict';

const assert = require('node:assert/strict');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const host = process.env.ACCORD_URL;
// ACCORD_AUTH="principal:key": send HTTP Basic credentials (the server then
// requires them).
const auth = process.env.ACCORD_AUTH
  ? { username: process.env.ACCORD_AUTH.split(':')[0],
      password: process.env.ACCORD_AUTH.slice(process.env.ACCORD_AUTH.indexOf(':') + 1) }
  : undefined;
const failures = [];

async function check(what, fn) {
  try {
    await fn();
    console.log(`ok   ${what}`);
  } catch (e) {
    console.log(`FAIL ${what}: ${e && e.stack ? e.stack : e}`);
    failures.push(what);
  }
}

// A read that follows a write through another replica (the cluster run:
// nginx may send each request elsewhere) sees it within 1 s
// (docs/postgresql.md); a read that would answer "not found" sees it at
// once. Polls `read` until `want` holds or the second is over; returns the
// last value read, for the caller's assertion.
async function eventually(read, want) {
  const deadline = Date.now() + 1000;
  for (;;) {
    const value = await read();
    if (want(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rejects(promise, predicate) {
  try {
    await promise;
  } catch (e) {
    assert.ok(predicate(e), `unexpected error: ${e && e.message} (status ${e && e.status})`);
    return;
  }
  assert.fail('no error');
}

function framedId(buffer) {
  assert.equal(buffer[0], 0, 'magic byte');
  return buffer.readInt32BE(1);
}

const avroV1 = {
  type: 'record', name: 'OrderPlaced', namespace: 'com.example.orders',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'long' },
    { name: 'lines', type: { type: 'array', items: 'string' } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};
const avroV2 = {
  ...avroV1,
  fields: [...avroV1.fields, { name: 'channel', type: 'string', default: 'web' }],
};
const avroBad = {
  ...avroV2,
  fields: [...avroV2.fields, { name: 'region', type: 'string' }],
};
const jsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    sku: { type: 'string', pattern: '^[A-Z]{3}-[0-9]+$' },
    quantity: { type: 'integer', minimum: 1 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['sku', 'quantity'],
  additionalProperties: false,
};

const customerProto = `syntax = "proto3";
package acme.customers;

message Customer {
  string customer_id = 1;
  string email = 2;
}
`;
const shippedProto = `syntax = "proto3";
package acme.orders;

import "acme/customer.proto";

message OrderShipped {
  message Line {
    string sku = 1;
    uint32 count = 2;
    sint64 price_delta = 3;
  }
  string order_id = 1;
  acme.customers.Customer buyer = 2;
  repeated Line lines = 3;
  map<string, string> attributes = 4;
  int64 total_cents = 5;
  Carrier carrier = 6;
  oneof payment {
    string card_number = 7;
    string voucher = 8;
  }
}

enum Carrier { CARRIER_UNSPECIFIED = 0; CARRIER_POST = 1; }
`;
const deliveredProto = `syntax = "proto3";
package acme.orders;

import "google/protobuf/timestamp.proto";

message OrderDelivered {
  string order_id = 1;
  google.protobuf.Timestamp delivered_at = 2;
}
`;
// The well-known file as Confluent's serializers register it under its own
// subject (the wire shape of google.protobuf.Timestamp; the registry has the
// type built in and needs no reference for it).
const timestampProto = `syntax = "proto3";
package google.protobuf;

message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}
`;

async function registryGet(path) {
  const headers = auth
    ? { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    : {};
  const res = await fetch(host + path, { headers });
  assert.equal(res.status, 200, `GET ${path}: ${res.status}`);
  return res.json();
}

async function protobufChecks(registry, fresh, previousId) {
  const customerSubject = 'acme.customer';
  const shippedSubject = 'orders.order-shipped-value';
  const customerRef = { name: 'acme/customer.proto', subject: customerSubject, version: 1 };
  const shipped = {
    orderId: 'o-1', buyer: { customerId: 'c-7', email: 'a@example.com' },
    lines: [{ sku: 'ABC', count: 2, priceDelta: -150 }, { sku: 'XYZ', count: 1 }],
    attributes: { gift: 'yes' }, voucher: 'V10', totalCents: 5000000000,
    carrier: 1,  // protobufjs verifies enums as numbers
  };
  let customerId;
  let shippedId;
  let shippedBytes;

  await check('register a Protobuf file, then one importing it by reference', async () => {
    ({ id: customerId } = await registry.register(
      { type: SchemaType.PROTOBUF, schema: customerProto }, { subject: customerSubject }));
    assert.ok(customerId > previousId);
    ({ id: shippedId } = await registry.register(
      { type: SchemaType.PROTOBUF, schema: shippedProto, references: [customerRef] },
      { subject: shippedSubject }));
    assert.ok(shippedId > customerId);
  });

  await check('the registry stored the subjects, ids and the reference', async () => {
    const version = await registryGet(`/subjects/${shippedSubject}/versions/1`);
    assert.deepEqual(version, {
      subject: shippedSubject, version: 1, id: shippedId, schemaType: 'PROTOBUF',
      references: [customerRef], schema: shippedProto,
    });
    assert.deepEqual(await registryGet(`/schemas/ids/${shippedId}/versions`),
      [{ subject: shippedSubject, version: 1 }]);
    assert.deepEqual(await registryGet(`/schemas/ids/${customerId}/versions`),
      [{ subject: customerSubject, version: 1 }]);
    assert.deepEqual(await registryGet(`/subjects/${customerSubject}/versions/1/referencedby`),
      [shippedId]);
    // The library set BACKWARD on each subject it created.
    assert.equal((await registryGet(`/config/${shippedSubject}`)).compatibilityLevel, 'BACKWARD');
  });

  await check('Protobuf payload with a referenced message encodes with the registry id', async () => {
    shippedBytes = await registry.encode(shippedId, shipped);
    assert.equal(framedId(shippedBytes), shippedId);
    // The library frames [magic, id, message]: no message-index array
    // (Confluent's serializers write [0] for the first message, a 0 byte
    // here); the byte after the id is field 1's tag. The message's bytes are
    // the ones python3-protobuf writes for the same message.
    assert.equal(shippedBytes.subarray(5).toString('hex'),
      '0a036f2d3112140a03632d37120d61406578616d706c652e636f6d1a0a0a03414243100218ab02' +
      '1a070a0358595a1001220b0a046769667412037965732880e497d01230014203563130');
  });

  const shippedJson = {
    orderId: 'o-1', buyer: { customerId: 'c-7', email: 'a@example.com' },
    lines: [{ sku: 'ABC', count: 2, priceDelta: '-150' }, { sku: 'XYZ', count: 1 }],
    attributes: { gift: 'yes' }, voucher: 'V10', totalCents: '5000000000', carrier: 'CARRIER_POST',
  };
  await check('a fresh client decodes it, fetching the schema and its reference', async () => {
    const decoded = await fresh().decode(shippedBytes);
    assert.equal(decoded.constructor.name, 'OrderShipped');
    assert.deepEqual(decoded.toJSON(), shippedJson);
  });

  await check('a Confluent-framed payload (message index 0) decodes the same', async () => {
    const framed = Buffer.concat([shippedBytes.subarray(0, 5), Buffer.from([0]), shippedBytes.subarray(5)]);
    assert.deepEqual((await fresh().decode(framed)).toJSON(), shippedJson);
  });

  await check('encode refuses a payload the Protobuf schema rejects', async () => {
    await rejects(registry.encode(shippedId, { ...shipped, lines: 'many' }),
                  (e) => e.name === 'ConfluentSchemaRegistryValidationError');
  });

  await check('getSchema(id) of another client returns the message type', async () => {
    const schema = await fresh().getSchema(shippedId);
    assert.equal(schema.message.fullName, '.acme.orders.OrderShipped');
  });

  await check('getRegistryIdBySchema sends no references: the registry cannot resolve the import', async () => {
    await rejects(fresh().getRegistryIdBySchema(
      shippedSubject, { type: SchemaType.PROTOBUF, schema: shippedProto, references: [customerRef] }),
    (e) => e.status === 422 && /import "acme\/customer\.proto" not found/.test(e.message));
  });

  const deliveredSubject = 'orders.order-delivered-value';
  const delivered = { orderId: 'o-1', deliveredAt: { seconds: 1767225600, nanos: 500 } };
  let deliveredId;
  await check('a file importing google/protobuf/timestamp.proto registers without a reference', async () => {
    ({ id: deliveredId } = await registry.register(
      { type: SchemaType.PROTOBUF, schema: deliveredProto }, { subject: deliveredSubject }));
    const version = await registryGet(`/subjects/${deliveredSubject}/versions/1`);
    assert.equal(version.id, deliveredId);
    assert.equal(version.references, undefined);
  });

  await check('... but the library cannot encode with it: protobufjs does not know the type', async () => {
    await rejects(registry.encode(deliveredId, delivered),
      (e) => /no such Type or Enum 'google\.protobuf\.Timestamp'/.test(String(e.message)));
  });

  const timestampRef = {
    name: 'google/protobuf/timestamp.proto', subject: 'google/protobuf/timestamp.proto', version: 1,
  };
  let withRefId;
  await check('with the well-known file registered under its own subject and referenced, it does', async () => {
    await registry.register({ type: SchemaType.PROTOBUF, schema: timestampProto },
                            { subject: timestampRef.subject });
    ({ id: withRefId } = await registry.register(
      { type: SchemaType.PROTOBUF, schema: deliveredProto, references: [timestampRef] },
      { subject: deliveredSubject }));
    assert.ok(withRefId > deliveredId);
    const version = await registryGet(`/subjects/${deliveredSubject}/versions/2`);
    assert.deepEqual(version.references, [timestampRef]);
    const bytes = await registry.encode(withRefId, delivered);
    assert.equal(framedId(bytes), withRefId);
    assert.equal(bytes.subarray(5).toString('hex'), '0a036f2d3112090880f2d6ca0610f403');
    assert.deepEqual((await fresh().decode(bytes)).toJSON(),
      { orderId: 'o-1', deliveredAt: { seconds: '1767225600', nanos: 500 } });
  });
}

async function main() {
  assert.ok(host, 'ACCORD_URL is not set');
  const registry = new SchemaRegistry({ host, auth });
  const fresh = () => new SchemaRegistry({ host, auth });  // no cache: reads go to the registry
  const avroSubject = 'orders.order-placed-value';
  const order = { id: 'o-1', amount: 4200, lines: ['a', 'b'], status: 'PAID', note: 'gift' };
  let v1Id;
  let v2Id;

  await check('register Avro v1 (library reads /config, then sets BACKWARD)', async () => {
    ({ id: v1Id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(avroV1) }, { subject: avroSubject }));
    assert.ok(Number.isInteger(v1Id) && v1Id > 0);
  });

  await check('Avro payload encodes with the registry id and decodes by id', async () => {
    const buffer = await registry.encode(v1Id, order);
    assert.equal(framedId(buffer), v1Id);
    // avsc decodes records as instances of a generated class: compare fields.
    assert.deepEqual({ ...(await fresh().decode(buffer)) }, order);
  });

  await check('encode refuses a payload the Avro schema rejects', async () => {
    await rejects(registry.encode(v1Id, { ...order, amount: 'lots' }),
                  (e) => e.name === 'ConfluentSchemaRegistryValidationError');
  });

  await check('register compatible Avro v2 (second registration reads BACKWARD back)', async () => {
    ({ id: v2Id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(avroV2) }, { subject: avroSubject }));
    assert.ok(v2Id > v1Id);
  });

  await check('v1 payload decodes with v2 as reader schema (default filled in)', async () => {
    const buffer = await registry.encode(v1Id, order);
    const decoded = await fresh().decode(buffer, { [SchemaType.AVRO]: { readerSchema: avroV2 } });
    assert.deepEqual({ ...decoded }, { ...order, channel: 'web' });
  });

  await check('latest id, id by version, id by schema', async () => {
    const client = fresh();
    assert.equal(await eventually(() => client.getLatestSchemaId(avroSubject),
                                  (id) => id === v2Id), v2Id);
    assert.equal(await client.getRegistryId(avroSubject, 1), v1Id);
    assert.equal(await client.getRegistryIdBySchema(
      avroSubject, { type: SchemaType.AVRO, schema: JSON.stringify(avroV1) }), v1Id);
  });

  await check('an incompatible Avro version is refused with 409', async () => {
    await rejects(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(avroBad) },
                        { subject: avroSubject }),
      (e) => e.status === 409);
  });

  await check('getSchema(id) of another client returns the writer schema', async () => {
    const schema = await fresh().getSchema(v2Id);
    assert.equal(schema.name, 'com.example.orders.OrderPlaced');
  });

  const jsonSubject = 'inventory.stock-reserved-value';
  let jsonId;
  await check('register JSON Schema', async () => {
    ({ id: jsonId } = await registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(jsonSchema) }, { subject: jsonSubject }));
    assert.ok(jsonId > v2Id);
  });

  await check('JSON payload encodes with the registry id and decodes by id', async () => {
    const event = { sku: 'ABC-42', quantity: 2, tags: ['rush'] };
    const buffer = await registry.encode(jsonId, event);
    assert.equal(framedId(buffer), jsonId);
    assert.deepEqual(JSON.parse(buffer.subarray(5).toString()), event);
    assert.deepEqual(await fresh().decode(buffer), event);
  });

  await check('encode refuses a payload the JSON Schema rejects', async () => {
    await rejects(registry.encode(jsonId, { sku: 'abc', quantity: 0 }),
                  (e) => e.name === 'ConfluentSchemaRegistryValidationError');
  });

  await protobufChecks(registry, fresh, jsonId);

  await check('an unknown id is a 404 from the registry', async () => {
    const buffer = Buffer.from([0, 0, 0, 0x7f, 0x7f, 0x02]);
    await rejects(fresh().decode(buffer), (e) => e.status === 404);
  });

  if (failures.length) {
    console.log(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('all checks passed');
}

main().catch((e) => {
  console.log(`FAIL unexpected: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
