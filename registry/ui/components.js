// Pieces shared by the views: the page's URLs, links, state badges, dates,
// the pretty-printed schema with personal-data and diff marks, and the list
// of classified changes.
import { h } from './dom.js';
import { acceptedVersions } from './model.js';
import { protoDeclarations } from './proto.js';

// The page's own root ("/ui/"), from where this module was loaded.
export const BASE = new URL('./', import.meta.url).pathname;
const enc = encodeURIComponent;

function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v != null && v !== '') q.set(k, v);
  const s = q.toString();
  return BASE + path + (s ? `?${s}` : '');
}

export const urls = {
  search: (params) => withQuery('', params),
  event: (subject, version) => withQuery(`events/${enc(subject)}`, { version }),
  compare: (subject, from, to) => withQuery(`events/${enc(subject)}/compare`, { from, to }),
  calendar: () => BASE + 'deprecations',
  team: (owner) => BASE + `teams/${enc(owner)}`,
  map: (q) => withQuery('map', { q }),
};

export const link = (href, ...children) => h('a', { href }, ...children);
export const eventLink = (subject, version) =>
  link(urls.event(subject, version), subject, version ? ` v${version}` : '');
export const ownerLink = (owner) => (owner ? link(urls.team(owner), owner) : h('span', { class: 'muted' }, 'no owner'));

export function stateBadge(state) {
  const s = (state || 'ACTIVE').toUpperCase();
  return h('span', { class: `badge state-${s.toLowerCase()}` }, s);
}

export function tagList(tags) {
  if (!tags?.length) return null;
  return h('ul', { class: 'tags', 'aria-label': 'tags' },
    tags.map((t) => h('li', null, link(urls.search({ tag: t }), t))));
}

// "2030-01-31" stays as it is (a calendar date); Unix ms become a UTC date.
export function fmtTime(ms) {
  if (ms == null || ms === '') return '';
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function monthName(yyyyMm) {
  const d = new Date(`${yyyyMm}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return yyyyMm;
  return d.toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function consumersText(consumers) {
  return consumers.map((c) => `${c.service} (${acceptedVersions(c.versions)})`).join(', ');
}

// --- the pretty-printed schema ---------------------------------------------------

const normPtr = (p) => String(p ?? '').replace(/^#/, '');

function isPii(value) {
  return value && typeof value === 'object' && (value['x-pii'] === true || value.pii === true);
}

// A <mark> for personal data and/or a diff finding's severity; null for neither.
function markFor(pii, sev) {
  const classes = [pii ? 'pii' : null, sev ? `sev-${sev.toLowerCase()}` : null].filter(Boolean);
  if (!classes.length) return null;
  const title = [pii ? 'personal data' : null, sev ? sev.toLowerCase() : null]
    .filter(Boolean).join(', ');
  return h('mark', { class: classes.join(' '), title });
}

// Wraps a member's text in <mark> when it is personal data or a diff finding.
function wrapperFor(ptr, value, opts) {
  return markFor(isPii(value), opts.marks.get(ptr));
}

// A .proto text line by line; the lines of a declaration a finding points at
// (by its pointer, "/Order/sku") or of a field tagged "PII" are marked.
function emitProto(parent, text, marks) {
  const { places, pii } = protoDeclarations(text);
  const lines = text.split('\n');
  const piiLine = new Set();
  const sevLine = new Map();
  for (const r of pii) for (let l = r.first; l <= r.last; l++) piiLine.add(l);
  for (const [ptr, sev] of marks) {
    const r = places.get(ptr);
    if (r) for (let l = r.first; l <= r.last; l++) sevLine.set(l, sev);
  }
  lines.forEach((line, i) => {
    const mark = markFor(piiLine.has(i), sevLine.get(i));
    if (mark) mark.append(line);
    parent.append(mark ?? line);
    if (i < lines.length - 1) parent.append('\n');
  });
}

function emit(parent, value, ptr, depth, opts) {
  const pad = '  '.repeat(depth);
  const isArr = Array.isArray(value);
  if (value === null || typeof value !== 'object') {
    parent.append(h('span', { class: `j-${value === null ? 'null' : typeof value}` }, JSON.stringify(value)));
    return;
  }
  const entries = isArr ? value.map((v, i) => [i, v]) : Object.entries(value);
  if (!entries.length) {
    parent.append(isArr ? '[]' : '{}');
    return;
  }
  parent.append(isArr ? '[\n' : '{\n');
  entries.forEach(([key, child], i) => {
    const childPtr = `${ptr}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const mark = wrapperFor(childPtr, child, opts);
    const line = mark ?? parent;
    line.append(pad + '  ');
    if (!isArr) line.append(h('span', { class: 'j-key' }, JSON.stringify(key)), ': ');
    emit(line, child, childPtr, depth + 1, opts);
    if (mark) parent.append(mark);
    parent.append(i < entries.length - 1 ? ',\n' : '\n');
  });
  parent.append(pad + (isArr ? ']' : '}'));
}

// Only the innermost marked places: a change at /properties/a already says
// where it is; marking all of /properties too would hide it.
function innermost(marks) {
  const norm = [...marks].map(([k, v]) => [normPtr(k), v]);
  return new Map(norm.filter(([k]) => !norm.some(([o]) => o !== k && o.startsWith(`${k}/`))));
}

// <pre> with the schema pretty-printed; personal data (x-pii / pii: true, or
// a .proto field tagged "PII") highlighted; opts.marks: Map pointer ->
// severity (BREAKING / UNDECIDED / WARNING / SAFE); opts.type: the schema
// type (a PROTOBUF text is marked line by line; other text that is not JSON
// is shown as it is).
export function schemaView(schema, text, label, opts = {}) {
  const code = h('code');
  if (opts.type === 'PROTOBUF') emitProto(code, text ?? '', innermost(opts.marks ?? new Map()));
  else if (schema == null) code.append(text ?? '');
  else {
    emit(code, schema, '', 0, {
      marks: innermost(opts.marks ?? new Map()),
    });
  }
  // Focusable so a keyboard user can scroll it.
  return h('pre', { class: 'schema', tabindex: 0, 'aria-label': label }, code);
}

// --- classified changes ----------------------------------------------------------

// A change's place: its path, after the referenced schema it is in.
function where(document, path) {
  return document ? `${document}#${path}` : path || '(root)';
}

export function findingList(findings) {
  if (!findings.length) return h('p', { class: 'muted' }, 'No differences.');
  return h('ul', { class: 'findings' }, findings.map((f) => h('li', { class: `finding sev-${f.severity.toLowerCase()}` },
    h('span', { class: `badge sev-${f.severity.toLowerCase()}` }, f.severity),
    ' ', h('code', null, f.kind), ' ',
    h('span', { class: 'consequence' }, consequence(f)), ' ',
    h('span', { class: 'path' }, `old: ${where(f.oldDocument, f.oldPath)}`), ' ',
    h('span', { class: 'path' }, `new: ${where(f.newDocument, f.newPath)}`),
    h('div', null, f.message),
    f.advice ? h('div', { class: 'advice' }, `Advice: ${f.advice}`) : null,
    f.witness != null ? h('details', null, h('summary', null, 'Example event that breaks'),
      h('pre', null, JSON.stringify(f.witness, null, 2))) : null)));
}

// Which direction a change breaks, in words.
function consequence(f) {
  if (f.severity === 'SAFE') return 'breaks neither BACKWARD nor FORWARD';
  if (f.direction === 'BACKWARD') return 'breaks BACKWARD: the new version rejects old events';
  if (f.direction === 'FORWARD') return 'breaks FORWARD: readers of the old version reject new events';
  return '';
}

export function summaryCounts(findings) {
  const n = (s) => findings.filter((f) => f.severity === s).length;
  const undecided = n('UNDECIDED') ? `${n('UNDECIDED')} undecided, ` : '';
  return `${n('BREAKING')} breaking, ${undecided}${n('WARNING')} warnings, ${n('SAFE')} safe`;
}
