// Browser tests of the catalog page served by `accord serve` at /ui/
// (run by run_ui_tests.py, which starts the server and sets ACCORD_URL).
//
// 1. Seeds a catalog through the registry's HTTP API: three subjects with
//    owners and tags (JSON Schema and Avro), a required field removed between
//    two versions, a deprecated version with a sunset date and a replacement,
//    a retired one, and services that produce and consume; and a Protobuf
//    event (issue 17) whose message imports another registered .proto by
//    reference, with nested and repeated messages, a map, a oneof, field
//    meta (docs, PII tags) and a well-known type, in two versions.
//    Then a generated catalog (issue 20): 300 events and 60 services of 12
//    teams (GENERATED below), for the map.
// 2. Drives Debian's headless Chromium (playwright-core, executablePath from
//    ACCORD_CHROMIUM; no browser download) through each view and checks what
//    a reader sees. Each test saves a screenshot to $ACCORD_UI_SHOTS/<name>.png,
//    also when it fails. Exit 1 when any test fails.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BASE = process.env.ACCORD_URL;
const SHOTS = process.env.ACCORD_UI_SHOTS || path.join(__dirname, 'screenshots');
const FILTER = process.env.ACCORD_UI_FILTER || '';

// --- seeding ------------------------------------------------------------------

async function call(method, target, body) {
  const res = await fetch(BASE + target, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${target}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const register = (subject, schemaType, schema) =>
  call('POST', `/subjects/${subject}/versions`, { schemaType, schema: JSON.stringify(schema) });

const ORDER_V1 = {
  type: 'object', required: ['orderId', 'email'],
  properties: {
    orderId: { type: 'string', description: 'Order id' },
    email: { type: 'string', format: 'email', 'x-pii': true, description: 'Buyer email' },
    total: { type: 'number' },
  },
};
const ORDER_V2 = { ...ORDER_V1, properties: { ...ORDER_V1.properties, currency: { type: 'string' } } };
const ORDER_V3 = {  // email (required) removed: breaks FORWARD
  type: 'object', required: ['orderId'],
  properties: { orderId: ORDER_V1.properties.orderId, total: { type: 'number' }, currency: { type: 'string' } },
};
const CUSTOMER = {
  type: 'object', required: ['customerId'],
  properties: { customerId: { type: 'string' }, loyaltyTier: { type: 'string', enum: ['gold', 'silver'] } },
};
const PAYMENT = {
  type: 'record', name: 'PaymentCaptured', namespace: 'payments',
  fields: [{ name: 'paymentId', type: 'string' }, { name: 'cardNumber', type: 'string', pii: true }],
};

// Protobuf (issue 17): the customer file is a reference of the order file.
const CUSTOMER_PROTO = `syntax = "proto3";
package acme.customers;

import "confluent/meta.proto";

message Customer {
  string customer_id = 1;
  string email = 2 [(confluent.field_meta) = { doc: "Contact address", tags: ["PII"] }];
}
`;
const SHIPPED_V1 = `syntax = "proto3";
package acme.orders;

import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";
import "acme/customer.proto";

// An order left the warehouse.
message OrderShipped {
  string order_id = 1 [(confluent.field_meta) = { doc: "Order id" }];
  acme.customers.Customer buyer = 2;
  repeated Parcel parcels = 3;
  map<string, string> attributes = 4;
  oneof payment {
    string card_number = 5 [(confluent.field_meta) = { tags: ["PII"] }];
    string voucher = 6;
  }
  optional string note = 7;
  google.protobuf.Timestamp shipped_at = 8;
  Status status = 9;
  int32 weight_grams = 10;

  message Parcel {
    string tracking_code = 1;
    repeated string skus = 2;
  }
}

enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_SHIPPED = 1;
}
`;
// voucher leaves the oneof, note is renamed, weight_grams changes its type,
// carrier and STATUS_RETURNED are added.
const SHIPPED_V2 = SHIPPED_V1
  .replace('    string voucher = 6;\n', '')
  .replace('optional string note = 7;', 'optional string comment = 7;')
  .replace('int32 weight_grams = 10;', 'string weight_grams = 10;\n  string carrier = 11;')
  .replace('  STATUS_SHIPPED = 1;\n', '  STATUS_SHIPPED = 1;\n  STATUS_RETURNED = 2;\n');
const CUSTOMER_REF = [{ name: 'acme/customer.proto', subject: 'acme.customer', version: 1 }];

const registerProto = (subject, schema, references) =>
  call('POST', `/subjects/${subject}/versions`, { schemaType: 'PROTOBUF', schema, references });

async function seed() {
  await call('PUT', '/config/orders.order-placed', { compatibility: 'NONE' });
  await register('orders.order-placed', 'JSON', ORDER_V1);
  const orderV2 = await register('orders.order-placed', 'JSON', ORDER_V2);
  const orderV3 = await register('orders.order-placed', 'JSON', ORDER_V3);
  await register('customers.customer-updated', 'JSON', CUSTOMER);
  const payment = await register('payments.payment-captured', 'AVRO', PAYMENT);
  await call('PUT', '/config/orders.order-shipped', { compatibility: 'NONE' });
  await registerProto('acme.customer', CUSTOMER_PROTO, []);
  await registerProto('orders.order-shipped', SHIPPED_V1, CUSTOMER_REF);
  await registerProto('orders.order-shipped', SHIPPED_V2, CUSTOMER_REF);
  const meta = (s, m) => call('PUT', `/accord/v1/subjects/${s}/metadata`, m);
  await meta('orders.order-placed', {
    owner: 'orders-team', description: 'A customer placed an order <img src=x id=injected>',
    tags: ['orders', 'core'], sla: { delivery: '5s' },
  });
  await meta('customers.customer-updated', { owner: 'customers-team', description: 'Profile changed', tags: ['customers'] });
  await meta('payments.payment-captured', { owner: 'payments-team', description: 'Money captured', tags: ['payments'] });
  const deprecate = (s, v, d) => call('PUT', `/accord/v1/subjects/${s}/versions/${v}/deprecation`, d);
  await deprecate('orders.order-placed', 1, { sunset: '2020-01-31', reason: 'Replaced long ago', replacement: 3 });
  await deprecate('orders.order-placed', 2, { sunset: '2031-06-30', reason: 'Email moves to customers', replacement: 3 });
  await deprecate('payments.payment-captured', 1, { sunset: '2030-02-15', reason: 'Card data leaves this event' });
  await call('PUT', '/accord/v1/services/billing', {
    name: 'billing', owner: 'payments-team', produces: ['payments.payment-captured'],
    consumes: [{ subject: 'orders.order-placed', schemaType: 'JSON', schema: JSON.stringify(ORDER_V2), versions: [2, 3] }],
  });
  await call('PUT', '/accord/v1/services/checkout', {
    name: 'checkout', owner: 'orders-team', produces: ['orders.order-placed'], consumes: [],
  });
  // Accepts every version from 1 on: the retired one too.
  await call('PUT', '/accord/v1/services/warehouse', {
    name: 'warehouse', owner: 'ops-team', produces: [],
    consumes: [{ subject: 'orders.order-placed', schemaType: 'JSON', schema: JSON.stringify(ORDER_V3), versions: '>=1' }],
  });
  // Contract versions and a production environment (issue 21): billing@7
  // reads orders v2 and v3 with a reader that needs `email`; checkout@1
  // writes v2 and runs there; checkout@3 would write v3, which drops it.
  const contract = (service, version, body) =>
    call('PUT', `/accord/v1/services/${service}/versions/${version}`, body);
  await contract('billing', '7', {
    owner: 'payments-team', produces: [{ subject: 'payments.payment-captured', id: payment.id }],
    consumes: [{ subject: 'orders.order-placed', schemaType: 'JSON', schema: JSON.stringify(ORDER_V2), versions: [2, 3] }],
  });
  await contract('checkout', '1', { owner: 'orders-team', produces: [{ subject: 'orders.order-placed', id: orderV2.id }] });
  await contract('checkout', '3', { owner: 'orders-team', produces: [{ subject: 'orders.order-placed', id: orderV3.id }] });
  await call('PUT', '/accord/v1/environments/production', { owner: 'platform-team', production: true });
  await call('PUT', '/accord/v1/environments/production/deployments/billing', { version: '7' });
  await call('PUT', '/accord/v1/environments/production/deployments/checkout', { version: '1' });
  await seedGenerated();
}

// The generated catalog: event i is produced by service i % 60 and consumed
// by services (7i + 1) % 60 and (13i + 5) % 60 (one service when the two
// coincide); service s belongs to team s % 12 and so does what it produces.
// Every 50th event has a personal-data field customerEmail.
const GENERATED = (() => {
  const pad = (n, w) => String(n).padStart(w, '0');
  const services = Array.from({ length: 60 }, (_, s) => ({
    name: `svc-${pad(s, 2)}`, owner: `team-${pad(s % 12, 2)}`, produces: [], consumes: [],
  }));
  const events = Array.from({ length: 300 }, (_, i) => {
    const subject = `gen.event${pad(i, 3)}`;
    const producer = services[i % 60];
    const consumers = [...new Set([(7 * i + 1) % 60, (13 * i + 5) % 60])].map((s) => services[s]);
    producer.produces.push(subject);
    for (const c of consumers) c.consumes.push({ subject, versions: 'all' });
    return { subject, owner: producer.owner, producer, consumers, pii: i % 50 === 0 };
  });
  return { services, events };
})();

// Runs `fn` over `items`, `width` at a time.
async function inParallel(items, width, fn) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

async function seedGenerated() {
  await inParallel(GENERATED.events, 8, (e) => call('POST', `/subjects/${e.subject}/versions`, {
    schemaType: 'JSON',
    schema: JSON.stringify({
      type: 'object', required: ['id'],
      properties: {
        id: { type: 'string' }, [`amount${e.subject.slice(-3)}`]: { type: 'integer' },
        ...(e.pii ? { customerEmail: { type: 'string', 'x-pii': true } } : {}),
      },
    }),
    metadata: { properties: { owner: e.owner } },
  }));
  await inParallel(GENERATED.services, 8, (s) => call('PUT', `/accord/v1/services/${s.name}`, {
    name: s.name, owner: s.owner, produces: s.produces,
    consumes: s.consumes.map((c) => ({ ...c, schemaType: 'JSON', schema: '{}' })),
  }));
}

// --- harness --------------------------------------------------------------------

const tests = [];
const test = (name, fn, viewport = { width: 1200, height: 900 }) => tests.push({ name, fn, viewport });

// Opens a page URL and waits until the view has rendered.
async function open(page, target) {
  await page.goto(BASE + target);
  await settled(page);
}
async function settled(page) {
  await page.waitForSelector('main[aria-busy="false"]');
}
const texts = (page, selector) => page.locator(selector).allTextContents();

// --- the tests ------------------------------------------------------------------

test('search_by_protobuf_field_name', async (page) => {
  await open(page, '/ui/?q=weight_grams');
  assert.deepEqual(await texts(page, 'main tbody strong.event a'), ['orders.order-shipped']);
  assert.deepEqual(await texts(page, 'main tbody td:last-child'), ['PROTOBUF']);
});

test('search_by_field_name', async (page) => {
  await open(page, '/ui/');
  await page.getByLabel('Search events').fill('loyaltyTier');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?q=loyaltyTier/);
  await settled(page);
  const events = await texts(page, 'main tbody strong.event a');
  assert.deepEqual(events, ['customers.customer-updated']);
  assert.match(await page.textContent('main tbody'), /customers-team/);
});

test('search_filters', async (page) => {
  const events = () => texts(page, 'main tbody strong.event a');
  await open(page, '/ui/?state=DEPRECATED');
  assert.deepEqual(await events(), ['orders.order-placed', 'payments.payment-captured']);
  // Rows show the soonest sunset of a deprecated version.
  assert.match(await page.textContent('main tbody tr:nth-child(1)'), /orders-team.*v3.*2031-06-30/);
  assert.match(await page.textContent('main tbody tr:nth-child(2)'), /payments-team.*v1.*2030-02-15/);
  await open(page, '/ui/?type=AVRO');
  assert.deepEqual(await events(), ['payments.payment-captured']);
  await open(page, '/ui/?type=PROTOBUF');
  assert.deepEqual(await events(), ['acme.customer', 'orders.order-shipped']);
  assert.equal(await page.locator('select[name="type"]').inputValue(), 'PROTOBUF');
  await open(page, '/ui/?owner=customers-team');
  assert.deepEqual(await events(), ['customers.customer-updated']);
  await open(page, '/ui/?tag=core');
  assert.deepEqual(await events(), ['orders.order-placed']);
  assert.equal(await page.locator('select[name="state"]').inputValue(), '');
});

test('event_page_deprecation', async (page) => {
  await open(page, '/ui/events/orders.order-placed?version=2');
  const banner = page.locator('.banner.deprecated');
  assert.match(await banner.first().textContent(), /Version 2 is deprecated\. Sunset: 2031-06-30\. Move to version 3/);
  assert.match(await page.textContent('main'), /Email moves to customers/);
  // Version states, newest first.
  assert.deepEqual(await texts(page, 'table:has(caption:text("Versions")) tbody td:nth-child(2)'),
    ['ACTIVE', 'DEPRECATED', 'RETIRED']);
  // Personal data is highlighted in the schema and flagged in the field table.
  assert.match(await page.locator('pre.schema mark.pii').first().textContent(), /"email"/);
  assert.match(await page.locator('tr.pii-row').textContent(), /email.*PII/);
  // Server text is shown as text, never parsed as markup.
  assert.equal(await page.locator('#injected').count(), 0);
  assert.match(await page.textContent('.lead'), /<img src=x id=injected>/);
  // Producers and consumers with the versions each accepts.
  const parties = await page.textContent('section[aria-labelledby="parties"]');
  assert.match(parties, /checkout.*orders-team.*produces/);
  assert.match(parties, /billing.*payments-team.*consumes.*v2, v3/);
  // Who read the shown version (the seed reads through the catalog API only,
  // which is not counted).
  assert.match(await page.textContent('section[aria-labelledby="readers"]'),
    /Readers of v2\s*No reads recorded\./);
});

test('diff_marks_removed_required_field_breaking', async (page) => {
  await open(page, '/ui/events/orders.order-placed/compare?from=2&to=3');
  const breaking = await texts(page, 'li.finding.sev-breaking');
  assert.ok(breaking.some((t) => /email/.test(t)), `no breaking change about email in ${JSON.stringify(breaking)}`);
  // Named as the author made it, with the direction it breaks (issue 16).
  assert.ok(breaking.some((t) => /REQUIRED_REMOVED/.test(t) && /breaks FORWARD/.test(t)),
    `no REQUIRED_REMOVED breaking FORWARD in ${JSON.stringify(breaking)}`);
  // Each side marks its own pointers: email is marked in v2 (old), absent from v3.
  assert.match((await texts(page, '.side:nth-child(1) mark')).join(' '), /email/);
  assert.doesNotMatch((await texts(page, '.side:nth-child(2) mark')).join(' '), /email/);
  const verdicts = await page.textContent('main');
  assert.match(verdicts, /INCOMPATIBLE/);
});

// The rows of the table captioned `caption`, each as its cells' texts.
const tableRows = (page, caption) => page.locator(`table:has(caption:text("${caption}")) tbody tr`)
  .evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
const tableHeaders = (page, caption) => texts(page, `table:has(caption:text("${caption}")) thead th`);

test('protobuf_field_table', async (page) => {
  await open(page, '/ui/events/orders.order-shipped?version=1');
  assert.match(await page.textContent('dl.meta'), /TypePROTOBUF/);
  assert.deepEqual(await tableHeaders(page, 'Fields'),
    ['Field', 'Number', 'Type', 'Label', 'Oneof', 'Description', 'Personal data']);
  // Nested (buyer from the referenced file, parcels' elements), repeated, map,
  // oneof members, proto3 optional, a well-known type left whole, an enum.
  assert.deepEqual(await tableRows(page, 'Fields'), [
    ['order_id', '1', 'string', 'singular', '', 'Order id', ''],
    ['buyer', '2', 'message acme.customers.Customer', 'singular', '', '', ''],
    ['buyer.customer_id', '1', 'string', 'singular', '', '', ''],
    ['buyer.email', '2', 'string', 'singular', '', 'Contact address', 'PII'],
    ['parcels', '3', 'message acme.orders.OrderShipped.Parcel', 'repeated', '', '', ''],
    ['parcels[].tracking_code', '1', 'string', 'singular', '', '', ''],
    ['parcels[].skus', '2', 'string', 'repeated', '', '', ''],
    ['attributes', '4', 'map<string, string>', 'map', '', '', ''],
    ['card_number', '5', 'string', 'singular', 'payment', '', 'PII'],
    ['voucher', '6', 'string', 'singular', 'payment', '', ''],
    ['note', '7', 'string', 'optional', '', '', ''],
    ['shipped_at', '8', 'message google.protobuf.Timestamp', 'singular', '', '', ''],
    ['status', '9', 'enum acme.orders.Status', 'singular', '', '', ''],
    ['weight_grams', '10', 'int32', 'singular', '', '', ''],
  ]);
  assert.deepEqual(await texts(page, 'tr.pii-row td:first-child'), ['buyer.email', 'card_number']);
  // The .proto text is shown as registered; the field it tags "PII" is
  // highlighted (the referenced file's email is in the table, not this text).
  assert.equal(await page.textContent('pre.schema'), SHIPPED_V1);
  assert.deepEqual(await texts(page, 'pre.schema mark'),
    ['    string card_number = 5 [(confluent.field_meta) = { tags: ["PII"] }];']);
  assert.deepEqual(await page.locator('pre.schema mark').evaluateAll((m) => m.map((x) => x.className)), ['pii']);
  // The referenced file's own page has its table too.
  await open(page, '/ui/events/acme.customer');
  assert.deepEqual(await tableRows(page, 'Fields'), [
    ['customer_id', '1', 'string', 'singular', '', '', ''],
    ['email', '2', 'string', 'singular', '', 'Contact address', 'PII'],
  ]);
  // The JSON Schema table keeps its columns.
  await open(page, '/ui/events/customers.customer-updated');
  assert.deepEqual(await tableHeaders(page, 'Fields'), ['Field', 'Type', 'Required', 'Description', 'Personal data']);
  // The message the subject's metadata names (a contract's `message:`) is
  // the one whose fields the page shows, named above the table.
  await call('PUT', '/accord/v1/subjects/orders.order-shipped/metadata', { message: 'OrderShipped.Parcel' });
  try {
    await open(page, '/ui/events/orders.order-shipped?version=1');
    assert.equal(await page.textContent('h3:has-text("Fields")'), 'Fields of acme.orders.OrderShipped.Parcel');
    assert.deepEqual(await tableRows(page, 'Fields'), [
      ['tracking_code', '1', 'string', 'singular', '', '', ''],
      ['skus', '2', 'string', 'repeated', '', '', ''],
    ]);
  } finally {
    await call('PUT', '/accord/v1/subjects/orders.order-shipped/metadata', { message: '' });
  }
});

test('protobuf_compare', async (page) => {
  await open(page, '/ui/events/orders.order-shipped/compare?from=1&to=2');
  // Each change with Confluent's kind name, its severity and the direction it breaks.
  const findings = await page.locator('li.finding').evaluateAll((items) => items.map((li) => [
    li.querySelector('.badge').textContent, li.querySelector('code').textContent,
    li.querySelector('.consequence').textContent,
    [...li.querySelectorAll('.path')].map((p) => p.textContent).join(' '),
  ]));
  assert.deepEqual(findings, [
    ['BREAKING', 'ONEOF_FIELD_REMOVED', 'breaks BACKWARD: the new version rejects old events',
      'old: /OrderShipped/voucher new: /OrderShipped/payment'],
    ['BREAKING', 'FIELD_SCALAR_KIND_CHANGED', 'breaks BACKWARD: the new version rejects old events',
      'old: /OrderShipped/weight_grams new: /OrderShipped/weight_grams'],
    ['BREAKING', 'FIELD_SCALAR_KIND_CHANGED', 'breaks FORWARD: readers of the old version reject new events',
      'old: /OrderShipped/weight_grams new: /OrderShipped/weight_grams'],
    ['WARNING', 'FIELD_NAME_CHANGED', '', 'old: /OrderShipped/note new: /OrderShipped/comment'],
    ['SAFE', 'FIELD_ADDED', 'breaks neither BACKWARD nor FORWARD', 'old: /OrderShipped new: /OrderShipped/carrier'],
    ['SAFE', 'ENUM_CONST_ADDED', 'breaks neither BACKWARD nor FORWARD', 'old: /Status new: /Status/STATUS_RETURNED'],
  ]);
  assert.equal(await page.textContent('p.count'), '3 breaking, 1 warnings, 2 safe');
  assert.deepEqual(await tableRows(page, 'Verdict per compatibility mode'),
    [['BACKWARD', 'INCOMPATIBLE'], ['FORWARD', 'INCOMPATIBLE'], ['FULL', 'INCOMPATIBLE']]);
  // Both .proto texts side by side, each marking the declarations its
  // findings point at (a message's own mark gives way to its fields').
  const marks = (side) => page.locator(`.side:nth-child(${side}) pre.schema mark`)
    .evaluateAll((m) => m.map((x) => [x.className, x.textContent]));
  assert.deepEqual(await marks(1), [
    ['pii', '    string card_number = 5 [(confluent.field_meta) = { tags: ["PII"] }];'],
    ['sev-breaking', '    string voucher = 6;'],
    ['sev-warning', '  optional string note = 7;'],
    ['sev-breaking', '  int32 weight_grams = 10;'],
    ['sev-safe', 'enum Status {'],
    ['sev-safe', '  STATUS_UNSPECIFIED = 0;'],
    ['sev-safe', '  STATUS_SHIPPED = 1;'],
    ['sev-safe', '}'],
  ]);
  assert.deepEqual(await marks(2), [
    ['sev-breaking', '  oneof payment {'],
    ['pii sev-breaking', '    string card_number = 5 [(confluent.field_meta) = { tags: ["PII"] }];'],
    ['sev-breaking', '  }'],
    ['sev-warning', '  optional string comment = 7;'],
    ['sev-breaking', '  string weight_grams = 10;'],
    ['sev-safe', '  string carrier = 11;'],
    ['sev-safe', '  STATUS_RETURNED = 2;'],
  ]);
  // The event page's changelog lists the same kinds.
  await open(page, '/ui/events/orders.order-shipped');
  assert.deepEqual(await texts(page, 'ol.changelog > li:first-child li.finding code'), [
    'ONEOF_FIELD_REMOVED', 'FIELD_SCALAR_KIND_CHANGED', 'FIELD_SCALAR_KIND_CHANGED',
    'FIELD_NAME_CHANGED', 'FIELD_ADDED', 'ENUM_CONST_ADDED',
  ]);
});

test('calendar_in_date_order', async (page) => {
  await open(page, '/ui/deprecations');
  const dates = await texts(page, 'time.sunset');
  assert.deepEqual(dates, ['2020-01-31', '2030-02-15', '2031-06-30']);
  assert.deepEqual(await texts(page, 'section.month h2'), ['January 2020', 'February 2030', 'June 2031']);
  assert.match(await page.locator('li.deprecation').nth(2).textContent(), /Still relied on by: billing/);
});

test('team_page', async (page) => {
  await open(page, '/ui/teams/payments-team');
  assert.match(await page.textContent('section[aria-labelledby="owned"]'), /payments\.payment-captured/);
  assert.match(await page.textContent('section[aria-labelledby="consumed"]'), /orders\.order-placed.*billing.*v2, v3/);
});

test('environment_matrix', async (page) => {
  await open(page, '/ui/environments');
  assert.deepEqual(await texts(page, 'main tbody td:first-child'), ['production']);
  await page.click('main tbody a:text("production")');
  await settled(page);
  assert.match(await page.textContent('main h1'), /Environment production\s*production/);
  assert.deepEqual(await texts(page, 'main tbody tr td:nth-child(2)'), ['7', '1']);
  assert.deepEqual(await texts(page, 'main tbody tr td:nth-child(3)'),
    ['payments.payment-captured v1', 'orders.order-placed v2']);
  assert.match(await page.textContent('main tbody tr:first-child td:nth-child(4)'),
    /orders\.order-placed accepts v2, v3/);
  // checkout@3 writes orders v3, which billing@7's reader cannot read.
  await page.fill('form.what-if input[name=service]', 'checkout');
  await page.fill('form.what-if input[name=version]', '3');
  await page.click('form.what-if button');
  await settled(page);
  assert.match(page.url(), /environments\/production\?service=checkout&version=3$/);
  assert.equal(await page.textContent('section[aria-labelledby="pairs-title"] p[role=status]'),
    '1 of 1 pairs would break.');
  const row = page.locator('tr.pair');
  assert.deepEqual(await row.locator('td').allTextContents().then((t) => t.slice(0, 3)),
    ['orders.order-placed v3', 'checkout@3', 'billing@7']);
  assert.match(await row.locator('td:nth-child(4)').textContent(), /^breaks.*email/);
  // checkout@1 (what runs there) holds.
  await open(page, '/ui/environments/production?service=checkout&version=1');
  assert.equal(await page.textContent('section[aria-labelledby="pairs-title"] p[role=status]'),
    'All 1 pairs hold.');
  assert.deepEqual(await texts(page, 'tr.pair td:nth-child(4)'), ['holds']);
});

test('back_forward_and_keyboard', async (page) => {
  await open(page, '/ui/');
  await page.getByRole('link', { name: 'orders.order-placed' }).first().click();
  await page.waitForURL(/\/ui\/events\/orders\.order-placed$/);
  await settled(page);
  assert.equal(await page.textContent('h1'), 'orders.order-placed');
  await page.getByRole('link', { name: 'orders-team' }).first().click();
  await page.waitForURL(/\/ui\/teams\/orders-team$/);
  await settled(page);
  await page.goBack();
  await page.waitForURL(/\/ui\/events\/orders\.order-placed$/);
  await settled(page);
  assert.equal(await page.textContent('h1'), 'orders.order-placed');
  await page.goBack();
  await page.waitForURL(/\/ui\/$/);
  await settled(page);
  assert.equal(await page.textContent('h1'), 'Event catalog');
  await page.goForward();
  await page.waitForURL(/\/ui\/events\/orders\.order-placed$/);
  await settled(page);
  assert.equal(await page.textContent('h1'), 'orders.order-placed');
  // Keyboard: the heading has focus after navigation; Tab reaches links,
  // Enter follows them.
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  await open(page, '/ui/deprecations');
  await page.locator('main a').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/ui\/events\//);
  await settled(page);
  // A reload of a deep link serves the same view.
  await page.reload();
  await settled(page);
  assert.match(await page.textContent('h1'), /order-placed/);
});

test('phone_width', async (page) => {
  await open(page, '/ui/events/orders.order-placed');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
  assert.ok(await page.locator('.banner.deprecated').first().isVisible());
}, { width: 375, height: 740 });

test('served_with_security_headers', async (page) => {
  const res = await page.goto(BASE + '/ui/events/anything/at/all');
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'] ?? '', /default-src 'self'/);
  assert.ok(res.headers().etag);
  const root = await fetch(BASE + '/', { headers: { Accept: 'text/html' }, redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/ui/');
  // Confluent clients still get {} at the root.
  assert.equal(await (await fetch(BASE + '/')).text(), '{}');
  await settled(page);
  assert.match(await page.textContent('main'), /No page at/);
});

// --- the catalog as a map (issue 20) ----------------------------------------------

// Every node box of the diagram `within` as {id, kind, x, y, w, h, lines},
// and the SVG's viewBox.
async function diagram(page, within = 'main') {
  return page.locator(`${within} svg.graph`).first().evaluate((svg) => ({
    viewBox: svg.getAttribute('viewBox').split(' ').map(Number),
    nodes: [...svg.querySelectorAll('g.node')].map((g) => {
      const r = g.querySelector('rect');
      const n = (k) => Number(r.getAttribute(k));
      return {
        id: g.dataset.id, kind: g.getAttribute('class'), x: n('x'), y: n('y'), w: n('width'), h: n('height'),
        lines: [...g.querySelectorAll('text')].map((t) => t.textContent),
        href: g.querySelector('a').getAttribute('href'),
      };
    }),
    edges: [...svg.querySelectorAll('path.edge')].map((p) => `${p.dataset.from}>${p.dataset.to}`),
  }));
}

// The layout stays readable: no two boxes overlap, each lies inside the
// viewBox, each has its name.
function assertReadable({ viewBox: [vx, vy, vw, vh], nodes }) {
  const sorted = [...nodes].sort((a, b) => a.x - b.x || a.y - b.y);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    assert.ok(a.x >= vx && a.y >= vy && a.x + a.w <= vx + vw && a.y + a.h <= vy + vh,
      `${a.id} (${a.x},${a.y} ${a.w}x${a.h}) lies outside the viewBox ${vw}x${vh}`);
    assert.ok(a.lines[0]?.length > 0, `${a.id} has no label`);
    for (let j = i + 1; j < sorted.length && sorted[j].x < a.x + a.w; j++) {
      const b = sorted[j];
      const apart = b.x >= a.x + a.w || a.x >= b.x + b.w || b.y >= a.y + a.h || a.y >= b.y + b.h;
      assert.ok(apart, `${a.id} overlaps ${b.id}`);
    }
  }
}

const ids = (d, prefix) => d.nodes.map((n) => n.id).filter((id) => id.startsWith(prefix)).sort();

test('map_whole_catalog_is_readable', async (page) => {
  await open(page, '/ui/map');
  assert.equal(await page.textContent('p.count'), '305 events, 63 services');
  const d = await diagram(page);
  assertReadable(d);
  // Every event once in the middle; each service on the side(s) it plays.
  assert.equal(ids(d, 'e:').length, 305);
  const producers = new Set(GENERATED.services.filter((s) => s.produces.length).map((s) => `p:${s.name}`));
  for (const name of ['billing', 'checkout']) producers.add(`p:${name}`);
  assert.deepEqual(ids(d, 'p:'), [...producers].sort());
  const consumers = new Set(GENERATED.services.filter((s) => s.consumes.length).map((s) => `c:${s.name}`));
  for (const name of ['billing', 'warehouse']) consumers.add(`c:${name}`);
  assert.deepEqual(ids(d, 'c:'), [...consumers].sort());
  // Columns: producers left of events left of consumers.
  const column = (prefix) => new Set(d.nodes.filter((n) => n.id.startsWith(prefix)).map((n) => n.x));
  const [px, ex, cx] = ['p:', 'e:', 'c:'].map((p) => [...column(p)]);
  assert.equal(px.length, 1);
  assert.ok(px[0] < ex[0] && ex.length === 1 && ex[0] < cx[0] && cx.length === 1);
  // One edge per declaration entry.
  const expected = GENERATED.events.flatMap((e) => [`p:${e.producer.name}>e:${e.subject}`,
    ...e.consumers.map((c) => `e:${e.subject}>c:${c.name}`)]);
  for (const edge of expected) assert.ok(d.edges.includes(edge), `missing edge ${edge}`);
  assert.equal(d.edges.length, expected.length + 4);  // billing x2, checkout, warehouse
  // Events are grouped by team: each team's events in one run, under its
  // heading.
  const owners = d.nodes.filter((n) => n.id.startsWith('e:')).sort((a, b) => a.y - b.y).map((n) => n.lines[1]);
  const runs = owners.filter((o, i) => i === 0 || owners[i - 1] !== o);
  assert.deepEqual([...runs].sort(), [...new Set(owners)].sort());
  assert.equal(runs.length, 16);  // 12 generated teams, 3 of the fixture, "no owner"
  assert.deepEqual(await texts(page, 'svg.graph text.group'), runs);
  // A box names the event and its owning team.
  const event = d.nodes.find((n) => n.id === 'e:customers.customer-updated');
  assert.deepEqual(event.lines, ['customers.customer-updated', 'customers-team']);
  // docs/catalog-map.png is this view's first screen.
  await page.screenshot({ path: path.join(SHOTS, 'catalog-map.png') });
});

test('map_search_narrows_to_matches_and_neighbours', async (page) => {
  await open(page, '/ui/map');
  const e = GENERATED.events[7];
  await page.getByLabel('Filter the map').fill(e.subject);
  await page.waitForURL(/\/ui\/map\?q=gen\.event007$/);
  await page.waitForFunction(() => document.querySelectorAll('svg.graph g.node').length < 10);
  const d = await diagram(page);
  assertReadable(d);
  assert.deepEqual(d.nodes.map((n) => n.id).sort(),
    [`e:${e.subject}`, `p:${e.producer.name}`, ...e.consumers.map((c) => `c:${c.name}`)].sort());
  assert.deepEqual(await page.locator('g.node.match').evaluateAll((g) => g.map((x) => x.dataset.id)),
    [`e:${e.subject}`]);
  assert.equal(await page.textContent('p.count'), '1 matching “gen.event007”, shown with their neighbours');
  // A team: its services and events, with their neighbours; the URL keeps the filter.
  await open(page, '/ui/map?q=team-03');
  const team = await diagram(page);
  assertReadable(team);
  const matched = await page.locator('g.node.match').evaluateAll((g) => g.map((x) => x.dataset.id));
  const mine = GENERATED.services.filter((s) => s.owner === 'team-03');
  assert.deepEqual(matched.sort(), [
    ...GENERATED.events.filter((x) => x.owner === 'team-03').map((x) => `e:${x.subject}`),
    ...mine.map((s) => `p:${s.name}`), ...mine.map((s) => `c:${s.name}`),
  ].sort());
  await page.getByLabel('Filter the map').fill('no-such-thing');
  await page.waitForSelector('text=Nothing matches “no-such-thing”.');
  assert.equal(await page.locator('svg.graph').count(), 0);
});

test('map_links_open_pages', async (page) => {
  await open(page, '/ui/map?q=gen.event042');
  await page.locator('g.node[data-id="e:gen.event042"] a').click();
  await page.waitForURL(/\/ui\/events\/gen\.event042$/);
  await settled(page);
  assert.equal(await page.textContent('h1'), 'gen.event042');
  const producer = GENERATED.events[42].producer;
  await open(page, '/ui/map?q=gen.event042');
  await page.locator(`g.node[data-id="p:${producer.name}"] a`).click();
  await page.waitForURL(new RegExp(`/ui/teams/${producer.owner}#service-${producer.name}$`));
  await settled(page);
  assert.equal(await page.textContent('h1'), `Team ${producer.owner}`);
  assert.match(await page.textContent(`li#service-${producer.name}`), /gen\.event042/);
});

test('event_page_diagram', async (page) => {
  await open(page, '/ui/events/orders.order-placed');
  const d = await diagram(page, 'section[aria-labelledby="parties"]');
  assertReadable(d);
  assert.deepEqual(d.nodes.map((n) => [n.id, n.lines]), [
    ['e:orders.order-placed', ['orders.order-placed', 'orders-team', 'latest v3']],
    ['p:checkout', ['checkout', 'orders-team']],
    ['c:billing', ['billing', 'payments-team', 'accepts v2 (deprecated), v3']],
    // A line too long for the box goes on.
    ['c:warehouse', ['warehouse', 'ops-team', 'accepts v1 (retired),', 'v2 (deprecated), v3']],
  ]);
  assert.deepEqual(d.edges.sort(), ['e:orders.order-placed>c:billing', 'e:orders.order-placed>c:warehouse',
    'p:checkout>e:orders.order-placed']);
  // Deprecated and retired versions are marked, not only named.
  const marks = await page.locator('g.node[data-id="c:warehouse"] tspan.version')
    .evaluateAll((t) => t.map((x) => [x.textContent, x.getAttribute('class')]));
  assert.deepEqual(marks, [['v1 (retired)', 'version retired'], ['v2 (deprecated)', 'version deprecated'],
    ['v3', 'version active']]);
  const left = d.nodes.find((n) => n.id === 'p:checkout').x;
  const middle = d.nodes.find((n) => n.id === 'e:orders.order-placed').x;
  assert.ok(left < middle && middle < d.nodes.find((n) => n.id === 'c:billing').x);
  // docs/catalog-event-diagram.png is this section.
  await page.locator('section[aria-labelledby="parties"]').screenshot({ path: path.join(SHOTS, 'catalog-event-diagram.png') });
  // docs/catalog-event-page.png is the page's first screen at 1000 x 1000.
  await page.setViewportSize({ width: 1000, height: 1000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, 'catalog-event-page.png') });
  // A consumer's box leads to its team's page.
  await page.locator('g.node[data-id="c:billing"] a').click();
  await page.waitForURL(/\/ui\/teams\/payments-team#service-billing$/);
  await settled(page);
  assert.equal(await page.textContent('h1'), 'Team payments-team');
});

test('team_page_diagram', async (page) => {
  await open(page, '/ui/teams/payments-team');
  const d = await diagram(page, 'section[aria-labelledby="diagram"]');
  assertReadable(d);
  assert.deepEqual(d.nodes.map((n) => n.id).sort(),
    ['c:billing', 'e:orders.order-placed', 'e:payments.payment-captured', 'p:billing']);
  assert.deepEqual(d.edges.sort(), ['e:orders.order-placed>c:billing', 'p:billing>e:payments.payment-captured']);
  // A generated team: its 5 services, what they produce and consume.
  await open(page, '/ui/teams/team-05');
  const t = await diagram(page, 'section[aria-labelledby="diagram"]');
  assertReadable(t);
  const mine = GENERATED.services.filter((s) => s.owner === 'team-05');
  const events = new Set(mine.flatMap((s) => [...s.produces, ...s.consumes.map((c) => c.subject)]));
  assert.deepEqual(ids(t, 'e:'), [...events].map((x) => `e:${x}`).sort());
  assert.deepEqual(ids(t, 'p:'), mine.map((s) => `p:${s.name}`).sort());
});

test('search_by_field_across_versions_and_languages', async (page) => {
  const rows = () => tableRows(page, 'Fields');
  await open(page, '/ui/?field=customerEmail');
  assert.deepEqual(await rows(), GENERATED.events.filter((e) => e.pii).map((e) =>
    [e.subject, 'customerEmail', 'string', 'PII', 'v1', e.owner, 'JSON']));
  // From the form: a name found in a JSON Schema (v1, v2 only), an Avro and
  // a Protobuf schema (the referenced file's field, by its path).
  await open(page, '/ui/');
  await page.getByLabel('Field name').fill('email');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?field=email$/);
  await settled(page);
  assert.deepEqual(await rows(), [
    ['acme.customer', 'email', 'string', 'PII', 'v1', 'no owner', 'PROTOBUF'],
    ['orders.order-placed', 'email', 'string', 'PII', 'v1, v2', 'orders-team', 'JSON'],
    ['orders.order-shipped', 'buyer.email', 'string', 'PII', 'v1, v2', 'no owner', 'PROTOBUF'],
  ]);
  await open(page, '/ui/?field=cardNumber&pii=1');
  assert.deepEqual(await rows(), [['payments.payment-captured', 'cardNumber', 'string', 'PII', 'v1', 'payments-team', 'AVRO']]);
  assert.equal(await page.textContent('p.count'), '1 event with a field named “cardNumber” with personal data');
  await open(page, '/ui/?field=nothing-has-this');
  assert.match(await page.textContent('main'), /No event has such a field/);
});

// --- main -------------------------------------------------------------------------

(async () => {
  await seed();
  const browser = await chromium.launch({
    executablePath: process.env.ACCORD_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],  // the tests run as root in CI containers
  });
  let failed = 0;
  const selected = tests.filter((x) => x.name.includes(FILTER));
  for (const t of selected) {
    const context = await browser.newContext({ viewport: t.viewport });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.setDefaultTimeout(10000);
    try {
      await t.fn(page);
      assert.deepEqual(errors, [], 'errors in the browser console');
      console.log(`PASS ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}\n  ${String(e.stack || e).split('\n').slice(0, 6).join('\n  ')}`);
    }
    await page.screenshot({ path: path.join(SHOTS, `${t.name}.png`), fullPage: true }).catch(() => {});
    await context.close();
  }
  await browser.close();
  console.log(failed ? `${failed} of ${selected.length} failed` : `all ${selected.length} passed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
