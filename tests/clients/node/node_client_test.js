// @kafkajs/confluent-schema-registry against `accord serve` (ctest label clients).
//
// Run by ../run_node_client.py, which starts the server and passes its URL in
// ACCORD_URL. Registers Avro and JSON schemas through the library (which also
// reads and sets the subject's compatibility), encodes real payloads in the
// Confluent wire format (magic byte 0, 4-byte id, body) and decodes them with a
// fresh client that must fetch the writer schema by id from the registry.
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
    assert.equal(await client.getLatestSchemaId(avroSubject), v2Id);
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
