// The search view (/ui/?q=&owner=&tag=&state=&type=): one box over subject
// names, descriptions, owners, tags and field names, plus filters; and the
// search by field (/ui/?field=NAME&pii=1&owner=): every event whose schema,
// in any live version, has a field of that name or marked personal data.
import { h, table } from './dom.js';
import { fetchDeprecations, searchCatalog, searchFields } from './model.js';
import { eventLink, ownerLink, stateBadge, tagList } from './components.js';

const FILTERS = ['q', 'owner', 'tag', 'state', 'type'];
const FIELD_FILTERS = ['field', 'pii', 'owner'];

function select(name, label, options, value) {
  return h('label', null, label, h('select', { name },
    h('option', { value: '' }, 'any'),
    options.map((o) => h('option', { value: o, selected: o === value }, o))));
}

function datalist(id, values) {
  return h('datalist', { id }, [...new Set(values)].sort().map((v) => h('option', { value: v })));
}

function searchForm(params, all, navigate) {
  const form = h('form', { role: 'search', class: 'search', 'aria-label': 'Catalog' },
    h('label', { class: 'q' }, 'Search events',
      h('input', { type: 'search', name: 'q', value: params.q ?? '', autofocus: true,
        placeholder: 'name, description, owner, tag or field' })),
    h('div', { class: 'filters' },
      h('label', null, 'Owner', h('input', { name: 'owner', list: 'owners', value: params.owner ?? '' })),
      h('label', null, 'Tag', h('input', { name: 'tag', list: 'tags', value: params.tag ?? '' })),
      select('state', 'State', ['ACTIVE', 'DEPRECATED', 'RETIRED'], params.state),
      select('type', 'Type', ['JSON', 'AVRO', 'PROTOBUF'], params.type),
      h('button', { type: 'submit' }, 'Search')),
    h('div', { class: 'filters' },
      h('label', null, 'Field name', h('input', { name: 'field', value: params.field ?? '',
        placeholder: 'e.g. email or customer.email' })),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'pii', value: '1', checked: Boolean(params.pii) }),
        'Personal data only')),
    datalist('owners', all.map((r) => r.owner).filter(Boolean)),
    datalist('tags', all.flatMap((r) => r.tags)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    navigate('search', data);
  });
  return form;
}

function resultRow(r) {
  return h('tr', null,
    h('td', null, h('strong', { class: 'event' }, eventLink(r.subject)),
      r.description ? h('div', { class: 'muted' }, r.description) : null,
      r.matches.length ? h('div', { class: 'matches' }, 'matches: ', r.matches.join(', ')) : null,
      tagList(r.tags)),
    h('td', null, ownerLink(r.owner)),
    h('td', null, r.latestVersion ? `v${r.latestVersion}` : ''),
    h('td', null, (r.states.length ? r.states : [r.state]).map((st) => [stateBadge(st), ' '])),
    h('td', null, r.sunset ? h('time', { datetime: r.sunset }, r.sunset) : ''),
    h('td', null, r.schemaType));
}

// subject -> the soonest sunset of its versions still deprecated (the
// calendar is sorted soonest first).
async function nextSunsets() {
  const out = new Map();
  for (const d of await fetchDeprecations().catch(() => [])) {
    if (d.state === 'DEPRECATED' && !out.has(d.subject)) out.set(d.subject, d.sunset);
  }
  return out;
}

function fieldRows(rows) {
  return rows.flatMap((r) => r.fields.map((f) => h('tr', null,
    h('td', null, h('strong', { class: 'event' }, eventLink(r.subject))),
    h('td', null, h('code', { class: 'field' }, f.path)),
    h('td', null, f.type),
    h('td', null, f.pii ? h('span', { class: 'badge pii' }, 'PII') : ''),
    h('td', { class: 'versions' }, f.versions.map((v) => `v${v}`).join(', ')),
    h('td', null, ownerLink(r.owner)),
    h('td', null, r.schemaType))));
}

// ?field= / ?pii=: the events with such a field, one row per field path.
async function fieldView(params, navigate) {
  const [rows, all] = await Promise.all([
    searchFields({ name: params.field, pii: params.pii, owner: params.owner }),
    searchCatalog({}).catch(() => []),
  ]);
  const what = [params.field ? `named “${params.field}”` : null, params.pii ? 'with personal data' : null]
    .filter(Boolean).join(' ');
  const count = `${rows.length} event${rows.length === 1 ? '' : 's'} with a field ${what}`;
  return {
    title: `Fields: ${params.field || 'personal data'}`,
    node: h('div', null,
      h('h1', { tabindex: -1 }, 'Event catalog'),
      searchForm(params, all, navigate),
      h('p', { class: 'count', role: 'status' }, count),
      rows.length
        ? table('Fields', ['Event', 'Field', 'Type', 'Personal data', 'Versions', 'Owner', 'Language'], fieldRows(rows))
        : h('p', null, 'No event has such a field in a live version.')),
  };
}

export async function searchView({ query, navigate }) {
  if (query.get('field') || query.get('pii')) {
    return fieldView(Object.fromEntries(FIELD_FILTERS.map((k) => [k, query.get(k) ?? ''])), navigate);
  }
  const params = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? '']));
  const filtered = FILTERS.some((k) => params[k]);
  const [rows, all, sunsets] = await Promise.all([
    searchCatalog(params),
    filtered ? searchCatalog({}).catch(() => []) : null,
    nextSunsets(),
  ]);
  for (const r of rows) r.sunset ||= sunsets.get(r.subject) ?? '';
  const count = `${rows.length} event${rows.length === 1 ? '' : 's'}` +
    (params.q ? ` matching “${params.q}”` : '');
  return {
    title: params.q ? `Search: ${params.q}` : 'Event catalog',
    node: h('div', null,
      h('h1', { tabindex: -1 }, 'Event catalog'),
      searchForm(params, all ?? rows, navigate),
      h('p', { class: 'count', role: 'status' }, count),
      rows.length
        ? table('Events', ['Event', 'Owner', 'Latest', 'State', 'Sunset', 'Type'], rows.map(resultRow))
        : h('p', null, 'No event matches. Try fewer filters or another word.')),
  };
}
