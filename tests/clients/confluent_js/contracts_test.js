// Data contracts end to end with Confluent's own JavaScript serializers
// (@confluentinc/schemaregistry; issue 18; ctest label clients).
//
// Run by ../run_confluent_js.py --test contracts (one registry, ACCORD_URL).
// The client executes the rules (CEL conditions, JSONata migrations); the
// registry's part is Confluent's server semantics, which these checks need
// to hold:
//  * compatibilityGroup: with it unset, a breaking major version is refused
//    (409); with `compatibilityGroup: major_version` in the subject's config
//    it is accepted, being checked only against its own group;
//  * metadata and ruleSet are stored and served with each version, and the
//    metadata endpoint finds the latest version of each major version
//    (useLatestWithMetadata);
//  * a version registered without metadata or ruleSet inherits both from the
//    version before it.
// With those, a v1 message is read by a v2 consumer through the UPGRADE
// migration, a v2 message by a v1 consumer through DOWNGRADE, and a v2
// producer's write that breaks the CEL condition is refused by the client.
// Exit 0 when every check passes, 1 otherwise.
'use strict';

const assert = require('node:assert/strict');
const {
  SchemaRegistryClient, SerdeType, AvroSerializer, AvroDeserializer, CelExecutor,
  JsonataExecutor,
} = require('@confluentinc/schemaregistry');

CelExecutor.register();
JsonataExecutor.register();

const URL = process.env.ACCORD_URL;
const TOPIC = 'payments';
const SUBJECT = `${TOPIC}-value`;
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

function client() {
  return new SchemaRegistryClient({ baseURLs: [URL], cacheCapacity: 100 });
}

function framedId(buffer) {
  assert.equal(buffer[0], 0, 'magic byte');
  return buffer.readInt32BE(1);
}

async function http(method, path, body) {
  const reply = await fetch(URL + path, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await reply.text();
  return { status: reply.status, body: text ? JSON.parse(text) : null };
}

const v1 = {
  type: 'record', name: 'Payment', namespace: 'com.example',
  fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'long' }],
};
// Major version 2 renames amount to total_cents: breaking under BACKWARD.
const v2 = {
  type: 'record', name: 'Payment', namespace: 'com.example',
  fields: [{ name: 'id', type: 'string' }, { name: 'total_cents', type: 'long' }],
};
// A compatible change within major version 2.
const v3 = {
  ...v2, fields: [...v2.fields, { name: 'note', type: 'string', default: '' }],
};
const ruleSet = {
  migrationRules: [
    {
      name: 'amount_to_total_cents', kind: 'TRANSFORM', type: 'JSONATA', mode: 'UPGRADE',
      expr: "$merge([$sift($, function($v, $k) {$k != 'amount'}), {'total_cents': $.amount}])",
    },
    {
      name: 'total_cents_to_amount', kind: 'TRANSFORM', type: 'JSONATA', mode: 'DOWNGRADE',
      expr: "$merge([$sift($, function($v, $k) {$k != 'total_cents'}), {'amount': $.total_cents}])",
    },
  ],
  domainRules: [
    {
      name: 'positive_total', kind: 'CONDITION', type: 'CEL', mode: 'WRITE',
      expr: 'message.total_cents > 0', onFailure: 'ERROR',
    },
  ],
};
const major = (n) => ({ properties: { major_version: String(n) } });

function producer(n) {
  return new AvroSerializer(client(), SerdeType.VALUE,
    { useLatestWithMetadata: { major_version: String(n) }, autoRegisterSchemas: false });
}
function consumer(n) {
  return new AvroDeserializer(client(), SerdeType.VALUE,
    { useLatestWithMetadata: { major_version: String(n) } });
}

async function main() {
  let ids = {};
  await check('v1 registered with its metadata', async () => {
    const r = await http('POST', `/subjects/${SUBJECT}/versions`,
      { schemaType: 'AVRO', schema: JSON.stringify(v1), metadata: major(1) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.v1 = r.body.id;
  });
  const v2Body = { schemaType: 'AVRO', schema: JSON.stringify(v2), metadata: major(2), ruleSet };
  await check('without compatibilityGroup the breaking major version is refused', async () => {
    const r = await http('POST', `/subjects/${SUBJECT}/versions`, v2Body);
    assert.equal(r.status, 409, JSON.stringify(r.body));
  });
  await check('with compatibilityGroup major_version it is accepted', async () => {
    const c = await http('PUT', `/config/${SUBJECT}`,
      { compatibility: 'BACKWARD', compatibilityGroup: 'major_version' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const got = await http('GET', `/config/${SUBJECT}`);
    assert.equal(got.body.compatibilityGroup, 'major_version', JSON.stringify(got.body));
    const r = await http('POST', `/subjects/${SUBJECT}/versions`, v2Body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.v2 = r.body.id;
    assert.notEqual(ids.v2, ids.v1);
  });
  await check('within the group the rule still holds (v2 -> incompatible v2 refused)', async () => {
    const broken = { ...v2, fields: [...v2.fields, { name: 'region', type: 'string' }] };
    const r = await http('POST', `/subjects/${SUBJECT}/versions`,
      { schemaType: 'AVRO', schema: JSON.stringify(broken), metadata: major(2), ruleSet });
    assert.equal(r.status, 409, JSON.stringify(r.body));
  });

  let oldMessage;
  await check('a v1 producer writes with the v1 id', async () => {
    oldMessage = await producer(1).serialize(TOPIC, { id: 'p-1', amount: 120 });
    assert.equal(framedId(oldMessage), ids.v1);
  });
  await check('a v2 consumer reads it through the UPGRADE migration', async () => {
    const got = await consumer(2).deserialize(TOPIC, oldMessage);
    assert.deepEqual({ ...got }, { id: 'p-1', total_cents: 120 });
  });
  await check('the CEL condition refuses a v2 write with a negative total', async () => {
    await assert.rejects(producer(2).serialize(TOPIC, { id: 'p-2', total_cents: -5 }),
      (e) => /positive_total|condition/i.test(String(e && e.message)));
  });
  let newMessage;
  await check('a v2 consumer\'s message reaches a v1 consumer through DOWNGRADE', async () => {
    newMessage = await producer(2).serialize(TOPIC, { id: 'p-3', total_cents: 300 });
    assert.equal(framedId(newMessage), ids.v2);
    const got = await consumer(1).deserialize(TOPIC, newMessage);
    assert.deepEqual({ ...got }, { id: 'p-3', amount: 300 });
  });

  await check('v3 sent without metadata or ruleSet inherits both from v2', async () => {
    const r = await http('POST', `/subjects/${SUBJECT}/versions`,
      { schemaType: 'AVRO', schema: JSON.stringify(v3) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.v3 = r.body.id;
    const got = await http('GET', `/subjects/${SUBJECT}/versions/3`);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.metadata.properties.major_version, '2', JSON.stringify(got.body));
    assert.deepEqual(got.body.ruleSet.migrationRules.map((x) => x.name),
      ['amount_to_total_cents', 'total_cents_to_amount']);
    assert.deepEqual(got.body.ruleSet.domainRules.map((x) => x.name), ['positive_total']);
  });
  await check('the latest of major version 2 is v3; a v1 message upgrades to it', async () => {
    const latest = await http('GET',
      `/subjects/${SUBJECT}/metadata?key=major_version&value=2`);
    assert.equal(latest.status, 200, JSON.stringify(latest.body));
    assert.equal(latest.body.version, 3);
    const got = await consumer(2).deserialize(TOPIC, oldMessage);
    assert.equal(got.id, 'p-1');
    assert.equal(got.total_cents, 120);
    assert.equal(got.amount, undefined);
  });

  console.log(failures.length ? `${failures.length} FAILED: ${failures.join('; ')}` : 'all passed');
  return failures.length ? 1 : 0;
}

main().then((rc) => process.exit(rc), (e) => {
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
