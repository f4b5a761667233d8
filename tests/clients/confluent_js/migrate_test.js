// Confluent's own JavaScript serializers (@confluentinc/schemaregistry)
// across `accord export` / `accord import` (issue 18; ctest label clients).
//
// Run by ../run_confluent_js.py, which starts two registries and passes
// ACCORD_SOURCE, ACCORD_TARGET and ACCORD_BIN. Debian 12's Python client
// (1.7.0) predates `use.latest.version`; this library is Confluent's current
// client with the same serializer options (useLatestVersion,
// useLatestWithMetadata, autoRegisterSchemas), so the issue's "serializer
// with use.latest.version against an imported registry, reading messages
// whose ids came from the source" is checked with it:
//
//  1. On the SOURCE (given an id gap first, so that a fresh registry would
//     hand out other ids): messages are produced with auto-registration,
//     Avro v1 (metadata app_version=1), Avro v2 (app_version=2) and JSON.
//  2. `accord export` from the source, `accord import` into the TARGET.
//  3. Against the TARGET alone, fresh clients: every message decodes (the
//     writer schema is fetched by the source's id); a serializer with
//     useLatestVersion frames the source's v2 id; one with
//     useLatestWithMetadata {app_version: "1"} frames the source's v1 id and
//     writes v1's fields only; a new registration gets an id above every
//     imported one.
//
// The library's default subject-name strategy (ASSOCIATED) first asks
// GET /associations/...; Accord answers 404, and the library falls back to
// the topic strategy, as it does against a registry without associations.
// Exit 0 when every check passes, 1 otherwise.
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  SchemaRegistryClient, SerdeType, AvroSerializer, AvroDeserializer, JsonSerializer,
  JsonDeserializer,
} = require('@confluentinc/schemaregistry');

const SOURCE = process.env.ACCORD_SOURCE;
const TARGET = process.env.ACCORD_TARGET;
const ACCORD = process.env.ACCORD_BIN;
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

function client(url) {
  // A fresh client per use: nothing is answered from another client's cache.
  return new SchemaRegistryClient({ baseURLs: [url], cacheCapacity: 100 });
}

function framedId(buffer) {
  assert.equal(buffer[0], 0, 'magic byte');
  return buffer.readInt32BE(1);
}

const TOPIC = 'orders';
const JSON_TOPIC = 'payments';

const avroV1 = {
  type: 'record', name: 'OrderPlaced', namespace: 'com.example.orders',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'long' },
  ],
};
const avroV2 = {
  ...avroV1,
  fields: [...avroV1.fields, { name: 'channel', type: 'string', default: 'web' }],
};
const jsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Payment',
  type: 'object',
  properties: { id: { type: 'string' }, cents: { type: 'integer' } },
  required: ['id'],
};

async function http(base, method, urlPath, body) {
  const reply = await fetch(base + urlPath, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await reply.text();
  if (!reply.ok) throw new Error(`${method} ${urlPath}: ${reply.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function produceOnSource() {
  // The id gap: a subject registered and deleted for good.
  await http(SOURCE, 'POST', '/subjects/gap-value/versions',
    { schema: JSON.stringify({ type: 'string', 'x-gap': 1 }), schemaType: 'JSON' });
  await http(SOURCE, 'DELETE', '/subjects/gap-value');
  await http(SOURCE, 'DELETE', '/subjects/gap-value?permanent=true');

  const src = client(SOURCE);
  const v1 = await src.registerFullResponse(`${TOPIC}-value`, {
    schemaType: 'AVRO', schema: JSON.stringify(avroV1),
    metadata: { properties: { app_version: '1' } },
  });
  const first = await new AvroSerializer(src, SerdeType.VALUE, { useLatestVersion: true })
    .serialize(TOPIC, { id: 'o-1', amount: 120 });
  const v2 = await src.registerFullResponse(`${TOPIC}-value`, {
    schemaType: 'AVRO', schema: JSON.stringify(avroV2),
    metadata: { properties: { app_version: '2' } },
  });
  const second = await new AvroSerializer(client(SOURCE), SerdeType.VALUE,
    { useLatestVersion: true }).serialize(TOPIC, { id: 'o-2', amount: 340, channel: 'app' });
  const payment = await new JsonSerializer(client(SOURCE), SerdeType.VALUE,
    { autoRegisterSchemas: true }).serialize(JSON_TOPIC, { id: 'p-1', cents: 999 },
    { schemaType: 'JSON', schema: JSON.stringify(jsonSchema) });
  return { v1: v1.id, v2: v2.id, first, second, payment };
}

function migrate() {
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-confluent-js-'));
  try {
    for (const args of [['export', '--registry', SOURCE, '--out', bundle],
      ['import', bundle, '--registry', TARGET]]) {
      execFileSync(ACCORD, args, { stdio: 'inherit', timeout: 120000 });
    }
  } finally {
    fs.rmSync(bundle, { recursive: true, force: true });
  }
}

async function main() {
  let produced;
  await check('produce on the source: auto-registration and useLatestVersion', async () => {
    produced = await produceOnSource();
    assert.equal(framedId(produced.first), produced.v1);
    assert.equal(framedId(produced.second), produced.v2);
    // The gap holds: a fresh registry would have given the first schema id 1.
    assert.ok(produced.v1 > 1, `v1 id ${produced.v1}`);
  });
  if (!produced) return 1;
  await check('accord export | accord import', async () => migrate());

  await check('the target reads every message by the source ids', async () => {
    const avro = new AvroDeserializer(client(TARGET), SerdeType.VALUE, {});
    assert.deepEqual({ ...(await avro.deserialize(TOPIC, produced.first)) }, { id: 'o-1', amount: 120 });
    assert.deepEqual({ ...(await avro.deserialize(TOPIC, produced.second)) },
      { id: 'o-2', amount: 340, channel: 'app' });
    const json = new JsonDeserializer(client(TARGET), SerdeType.VALUE, {});
    assert.deepEqual(await json.deserialize(JSON_TOPIC, produced.payment), { id: 'p-1', cents: 999 });
  });

  await check('useLatestVersion on the target frames the source v2 id', async () => {
    const ser = new AvroSerializer(client(TARGET), SerdeType.VALUE,
      { useLatestVersion: true, autoRegisterSchemas: false });
    const bytes = await ser.serialize(TOPIC, { id: 'o-3', amount: 5, channel: 'web' });
    assert.equal(framedId(bytes), produced.v2);
    const back = await new AvroDeserializer(client(TARGET), SerdeType.VALUE, {})
      .deserialize(TOPIC, bytes);
    assert.deepEqual({ ...back }, { id: 'o-3', amount: 5, channel: 'web' });
  });

  await check('useLatestWithMetadata {app_version: 1} frames the source v1 id', async () => {
    const ser = new AvroSerializer(client(TARGET), SerdeType.VALUE,
      { useLatestWithMetadata: { app_version: '1' }, autoRegisterSchemas: false });
    const bytes = await ser.serialize(TOPIC, { id: 'o-4', amount: 7 });
    assert.equal(framedId(bytes), produced.v1);
    // Written with v1: read back through v1 (the deserializer's writer schema).
    const back = await new AvroDeserializer(client(TARGET), SerdeType.VALUE, {})
      .deserialize(TOPIC, bytes);
    assert.deepEqual({ ...back }, { id: 'o-4', amount: 7 });
  });

  await check('a metadata value no version carries is 40403', async () => {
    const ser = new AvroSerializer(client(TARGET), SerdeType.VALUE,
      { useLatestWithMetadata: { app_version: '9' }, autoRegisterSchemas: false });
    await assert.rejects(ser.serialize(TOPIC, { id: 'o-5', amount: 1 }),
      (e) => /40403|not found/i.test(String(e && e.message)));
  });

  await check('a new registration on the target gets an id above the imported ones', async () => {
    const tgt = client(TARGET);
    const id = await tgt.register('fresh-value',
      { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', title: 'Fresh' }) });
    assert.ok(id > Math.max(produced.v1, produced.v2, framedId(produced.payment)), `id ${id}`);
  });

  console.log(failures.length ? `${failures.length} FAILED: ${failures.join('; ')}` : 'all passed');
  return failures.length ? 1 : 0;
}

main().then((rc) => process.exit(rc), (e) => {
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
