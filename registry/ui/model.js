// Reading the API's replies into the plain objects the views draw, and
// everything derived from a schema's text for display (field table, PII
// pointers). Each catalog reply shape is read here and nowhere else, so a
// change of the wire contract (docs/catalog-api.md) is a change of this file.
import { get, getOptional, seg } from './api.js';

const str = (v) => (typeof v === 'string' ? v : v == null ? '' : String(v));
const list = (v) => (Array.isArray(v) ? v : []);
// A list reply: the array itself or the array under one of `keys`.
const listOf = (reply, ...keys) =>
  Array.isArray(reply) ? reply : list(keys.map((k) => reply?.[k]).find(Array.isArray));

// --- versions ----------------------------------------------------------------

// {version, id, schemaType, schema?, state, registeredAt, sunset, reason,
//  replacement, deprecatedAt}; the deprecation is read flat or nested.
export function toVersion(o) {
  if (typeof o === 'number') return { version: o, state: '' };
  const d = o?.deprecation && typeof o.deprecation === 'object' ? o.deprecation : o ?? {};
  return {
    version: Number(o?.version ?? 0),
    id: o?.id ?? null,
    schemaType: str(o?.schemaType) || 'AVRO',
    schema: typeof o?.schema === 'string' ? o.schema : null,
    state: str(o?.state).toUpperCase() || 'ACTIVE',
    registeredAt: o?.registeredAt ?? null,
    sunset: str(d.sunset),
    reason: str(d.reason),
    replacement: d.replacement ?? null,
    deprecatedAt: d.deprecatedAt ?? null,
    examples: Array.isArray(o?.examples) ? o.examples : null,
  };
}

export async function fetchVersion(subject, version) {
  return toVersion(await get(`accord/v1/subjects/${seg(subject)}/versions/${version}`));
}

// --- subjects ----------------------------------------------------------------

function toMetadata(o) {
  const m = o?.metadata && typeof o.metadata === 'object' && !Array.isArray(o.metadata)
    ? { ...o, ...o.metadata } : o ?? {};
  const sla = m.sla && typeof m.sla === 'object'
    ? (Array.isArray(m.sla) ? m.sla.map((s) => [str(s.name), str(s.target ?? s.value)])
      : Object.entries(m.sla).map(([k, v]) => [k, str(v)]))
    : [];
  return {
    owner: str(m.owner),
    description: str(m.description),
    tags: list(m.tags).map(str),
    links: list(m.links).map((l) => ({ name: str(l.name), url: str(l.url) })),
    sla,
    // The message the events are (Protobuf), when the subject names one.
    message: str(m.message),
  };
}

// A catalog entry with every live version (ascending) and its state.
export async function fetchSubject(subject) {
  const [entry, numbers] = await Promise.all([
    getOptional(`accord/v1/subjects/${seg(subject)}`, {}, {}),
    get(`subjects/${seg(subject)}/versions`),
  ]);
  let versions = list(entry?.versions).map(toVersion).filter((v) => v.version > 0);
  if (!versions.length || versions.some((v) => !v.state)) {
    versions = await Promise.all(list(numbers).map((n) => fetchVersion(subject, n)));
  }
  versions.sort((a, b) => a.version - b.version);
  return {
    subject,
    ...toMetadata(entry),
    schemaType: versions.at(-1)?.schemaType ?? '',
    versions,
    // Service names or {name, owner} objects.
    producers: Array.isArray(entry?.producers)
      ? entry.producers.map((p) => (typeof p === 'string' ? { name: p, owner: '' } : toService(p))) : null,
    consumers: Array.isArray(entry?.consumers) ? entry.consumers.map(toConsumer) : null,
    examples: Array.isArray(entry?.examples) ? entry.examples : null,
    // Retired versions still fetched (readers.js).
    warnings: Array.isArray(entry?.warnings) ? entry.warnings : [],
  };
}

// --- search ------------------------------------------------------------------

function toCatalogRow(o) {
  const latest = o.latest && typeof o.latest === 'object' ? toVersion(o.latest) : toVersion(o);
  return {
    ...toMetadata(o),
    subject: str(o.subject ?? o.name),
    schemaType: str(o.schemaType ?? latest.schemaType),
    latestVersion: Number(o.latestVersion ?? o.latest?.version ?? o.version ?? 0) || null,
    state: str(o.state ?? latest.state).toUpperCase(),
    states: list(o.states).map((x) => str(x).toUpperCase()),
    sunset: str(o.sunset ?? latest.sunset),
    matches: list(o.matches ?? o.matched).map((m) => (typeof m === 'string' ? m : str(m.field ?? m.path ?? m.value))),
  };
}

// params: {q, owner, tag, state, type}.
export async function searchCatalog(params) {
  const reply = await get('accord/v1/catalog', params);
  const rows = listOf(reply, 'subjects', 'results', 'items').map(toCatalogRow);
  // The type filter also holds when the server does not apply it.
  return params.type ? rows.filter((r) => !r.schemaType || r.schemaType === params.type) : rows;
}

// --- services (producers and consumers) ------------------------------------------

// "all versions" | "v1, v3" | ">=2" for a consumer's accepted versions.
export function acceptedVersions(v) {
  if (v == null || v === 'all' || (Array.isArray(v) && !v.length)) return 'all live versions';
  if (Array.isArray(v)) return v.map((n) => `v${n}`).join(', ');
  return str(v);
}

function toService(o) {
  return {
    name: str(o.name ?? o.service),
    owner: str(o.owner),
    produces: list(o.produces).map((p) => str(typeof p === 'string' ? p : p.subject)),
    consumes: list(o.consumes).map((c) => ({ subject: str(c.subject), versions: c.versions })),
  };
}

export async function fetchServices() {
  const reply = await getOptional('accord/v1/services', {}, []);
  return listOf(reply, 'services').map(toService);
}

function toConsumer(c) {
  return typeof c === 'string' ? { service: c, owner: '', versions: null }
    : { service: str(c.service ?? c.name), owner: str(c.owner), versions: c.versions };
}

export async function fetchConsumers(subject) {
  const reply = await getOptional(`accord/v1/subjects/${seg(subject)}/consumers`, {}, []);
  return listOf(reply, 'consumers').map(toConsumer);
}

// --- diff and deprecations ------------------------------------------------------

// UNDECIDED: the engine could not prove the break (no witness); it fails a
// check like BREAKING but is shown apart.
const SEVERITIES = ['BREAKING', 'UNDECIDED', 'WARNING', 'SAFE'];
const DIRECTIONS = ['BACKWARD', 'FORWARD'];

function toFinding(f) {
  let severity = str(f.severity).toUpperCase();
  if (!SEVERITIES.includes(severity)) severity = f.breaking === true ? 'BREAKING' : 'SAFE';
  // oldPath / newPath point into the old and the new version (the catalog
  // API's diff); a report in a check's words names writer and reader.
  return {
    severity,
    kind: str(f.kind ?? f.type),
    direction: DIRECTIONS.includes(f.direction) ? f.direction : '',
    oldPath: str(f.oldPath ?? f.writerPath ?? f.path),
    newPath: str(f.newPath ?? f.readerPath ?? f.path),
    // The referenced schema a path points into ('' = the version itself).
    oldDocument: str(f.oldDocument ?? f.writerDocument ?? ''),
    newDocument: str(f.newDocument ?? f.readerDocument ?? ''),
    message: str(f.message ?? f.description),
    advice: str(f.advice),
    witness: f.witness ?? null,
  };
}

// The directions a diff's `compatibility` ("FULL" / "BACKWARD" / "FORWARD"
// / "NONE") allows, as a verdict per mode.
function verdictsFromCompatibility(c) {
  const dirs = c === 'FULL' ? ['BACKWARD', 'FORWARD'] : [c];
  return ['BACKWARD', 'FORWARD', 'FULL'].map((mode) => ({
    mode, compatible: mode === 'FULL' ? c === 'FULL' : dirs.includes(mode),
  }));
}

// [{mode, compatible}] from {"BACKWARD": true | "COMPATIBLE" | {compatible}}
// or [{mode, compatible | verdict}].
function toVerdicts(v) {
  const ok = (x) => x === true || x === 'COMPATIBLE' || x?.compatible === true ||
    x?.verdict === 'COMPATIBLE';
  if (Array.isArray(v)) return v.map((m) => ({ mode: str(m.mode), compatible: ok(m) }));
  if (v && typeof v === 'object') {
    return Object.entries(v).map(([mode, x]) => ({ mode, compatible: ok(x) }));
  }
  return [];
}

function toDiff(r) {
  const findings = list(r?.findings ?? r?.changes ?? r?.differences).map(toFinding);
  const order = (f) => SEVERITIES.indexOf(f.severity);
  findings.sort((a, b) => order(a) - order(b));
  return {
    from: Number(r?.from ?? 0), to: Number(r?.to ?? 0), findings,
    verdicts: typeof r?.compatibility === 'string'
      ? verdictsFromCompatibility(r.compatibility.toUpperCase()) : toVerdicts(r?.modes ?? r?.verdicts),
    mode: str(r?.mode),
    compatible: r?.compatible ??
      !findings.some((f) => f.severity === 'BREAKING' || f.severity === 'UNDECIDED'),
  };
}

// The classified changes from version `from` to `to` and the verdict per mode.
export async function fetchDiff(subject, from, to) {
  return toDiff(await get(`accord/v1/subjects/${seg(subject)}/diff`, { from, to }));
}

// The diff of each version against the one before it, newest first (the
// first version's has from = 0).
export async function fetchChangelog(subject) {
  const reply = await get(`accord/v1/subjects/${seg(subject)}/changelog`);
  return listOf(reply, 'changelog', 'changes').map(toDiff).sort((a, b) => b.to - a.to);
}

// Every version with a sunset date, soonest first.
export async function fetchDeprecations() {
  const reply = await get('accord/v1/deprecations');
  return listOf(reply, 'deprecations', 'versions').map((o) => ({
    subject: str(o.subject),
    ...toVersion(o),
    consumers: list(o.consumers).map(toConsumer),
  })).sort((a, b) => a.sunset.localeCompare(b.sunset) || a.subject.localeCompare(b.subject) ||
    a.version - b.version);
}

// --- schema text -> display ------------------------------------------------------

export function parseSchema(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;  // e.g. an Avro primitive written bare, or a server-side bug
  }
}

// The field table of a version: [{name, type, required, description, pii,
// number, label, oneof}] (the registry reads it from the schema; number is
// null, label and oneof '' for a language without field numbers).
export async function fetchFields(subject, version) {
  const reply = await get(`accord/v1/subjects/${seg(subject)}/versions/${version}/fields`);
  return listOf(reply, 'fields').map((f) => ({
    name: str(f.path ?? f.name), type: str(f.type), required: f.required === true,
    description: str(f.description ?? f.doc), pii: f.pii === true,
    number: Number.isInteger(f.number) ? f.number : null, label: str(f.label), oneof: str(f.oneof),
  }));
}

// --- the catalog as a graph (GET /accord/v1/map) ----------------------------------

// {events: [{subject, owner, schemaType, versions: [{version, state}]}],
//  services: [{name, owner, produces: [subject], consumes: [{subject, versions}]}]}
export async function fetchMap() {
  const reply = await get('accord/v1/map');
  return {
    events: list(reply?.events).map((e) => ({
      subject: str(e.subject), owner: str(e.owner), schemaType: str(e.schemaType),
      versions: list(e.versions).map((v) => ({ version: Number(v.version), state: str(v.state).toUpperCase() })),
    })),
    services: list(reply?.services).map(toService),
  };
}

// The versions a consumer's declared `spec` accepts among the subject's live
// `versions` ([{version, state}]): a list names its versions (one no longer
// live has state "GONE"); ">=N" the live ones from N on; "all" / [] every
// live version not retired (docs/catalog-api.md, Services).
export function acceptedOf(spec, versions) {
  if (Array.isArray(spec) && spec.length) {
    return spec.map((n) => ({ version: Number(n), state: versions.find((v) => v.version === Number(n))?.state ?? 'GONE' }));
  }
  const min = typeof spec === 'string' && spec.startsWith('>=') ? Number(spec.slice(2).trim()) : null;
  if (min != null) return versions.filter((v) => v.version >= min);
  return versions.filter((v) => v.state !== 'RETIRED');
}

// --- search by field (GET /accord/v1/fields) ---------------------------------------

// Events whose schema (any live version) has a field named `name` (its own
// name or dotted path) and/or tagged PII when `pii`:
// [{subject, owner, schemaType, latestVersion, fields: [{path, type, pii, versions}]}].
export async function searchFields({ name, pii, owner }) {
  const reply = await get('accord/v1/fields', { name, tag: pii ? 'PII' : '', owner });
  return list(reply).map((r) => ({
    subject: str(r.subject), owner: str(r.owner), schemaType: str(r.schemaType),
    latestVersion: Number(r.latestVersion) || null,
    fields: list(r.fields).map((f) => ({
      path: str(f.path), type: str(f.type), pii: f.pii === true, versions: list(f.versions).map(Number),
    })),
  }));
}
