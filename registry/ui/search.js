// The search view (/ui/?q=&owner=&tag=&state=&type=): one box over subject
// names, descriptions, owners, tags and field names, plus filters.
import { h, table } from './dom.js';
import { fetchDeprecations, searchCatalog } from './model.js';
import { eventLink, ownerLink, stateBadge, tagList } from './components.js';

const FILTERS = ['q', 'owner', 'tag', 'state', 'type'];

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

export async function searchView({ query, navigate }) {
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
