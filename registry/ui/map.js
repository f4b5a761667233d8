// The catalog as a map of who talks to whom (graph.js draws it): the
// whole-catalog map (/ui/map?q=), searchable; a team's services and their
// events (team page); an event's producers and consumers with the versions
// each consumer accepts (event page).
import { h } from './dom.js';
import { drawGraph, layout } from './graph.js';
import { acceptedOf, fetchMap } from './model.js';
import { urls } from './components.js';

// A service has no page of its own: its team's page lists it.
const serviceHref = (s) => (s.owner ? `${urls.team(s.owner)}#service-${encodeURIComponent(s.name)}`
  : urls.search({ q: s.name }));
const byOwnerThenName = (key) => (a, b) => a.owner.localeCompare(b.owner) || key(a).localeCompare(key(b));

// "accepts v2 (deprecated), v3" as lines of parts that fit a box, each
// version classed by its state.
const LINE_CHARS = 34;
function acceptedLines(accepted) {
  if (!accepted.length) return [[{ text: 'accepts no live version', cls: 'version gone' }]];
  const lines = [[{ text: 'accepts ' }]];
  let length = 'accepts '.length;
  accepted.forEach((v, i) => {
    const note = v.state === 'ACTIVE' ? '' : ` (${v.state === 'GONE' ? 'not live' : v.state.toLowerCase()})`;
    const text = `v${v.version}${note}${i < accepted.length - 1 ? ',' : ''}`;
    if (i && length + 1 + text.length > LINE_CHARS) {
      lines.push([]);
      length = 0;
    } else if (i) {
      lines.at(-1).push({ text: ' ' });
      length += 1;
    }
    lines.at(-1).push({ text: `v${v.version}${note}`, cls: `version ${v.state.toLowerCase()}` });
    if (text.endsWith(',')) lines.at(-1).push({ text: ',' });
    length += text.length;
  });
  return lines;
}

// Nodes and edges of `services` and the events they name (plus `extraEvents`,
// drawn even without a service). Events are grouped by owning team first.
export function catalogGraph(map, services, extraEvents = []) {
  const known = new Map(map.events.map((e) => [e.subject, e]));
  const events = new Map(extraEvents.map((e) => [e.subject, e]));
  const eventOf = (subject) => {
    if (!events.has(subject)) events.set(subject, known.get(subject) ?? { subject, owner: '', versions: [], unregistered: true });
    return events.get(subject);
  };
  const nodes = [];
  const edges = [];
  const sorted = [...services].sort(byOwnerThenName((s) => s.name));
  for (const s of sorted) {
    const line = [s.name, s.owner || 'no owner'];
    if (s.produces.length) {
      nodes.push({ id: `p:${s.name}`, column: 0, kind: 'service producer', lines: line, href: serviceHref(s), name: s.name, owner: s.owner });
      for (const p of s.produces) edges.push({ from: `p:${s.name}`, to: `e:${eventOf(p).subject}`, kind: 'produces' });
    }
    if (s.consumes.length) {
      nodes.push({ id: `c:${s.name}`, column: 2, kind: 'service consumer', lines: line, href: serviceHref(s), name: s.name, owner: s.owner });
      for (const c of s.consumes) edges.push({ from: `e:${eventOf(c.subject).subject}`, to: `c:${s.name}`, kind: 'consumes' });
    }
  }
  for (const e of [...events.values()].sort(byOwnerThenName((x) => x.subject))) {
    nodes.push({
      id: `e:${e.subject}`, column: 1, kind: 'event', classes: e.unregistered ? 'unregistered' : null,
      group: e.unregistered ? 'not registered' : e.owner || 'no owner',
      lines: [e.subject, e.unregistered ? 'not registered yet' : e.owner || 'no owner'],
      href: urls.event(e.subject), name: e.subject, owner: e.owner,
    });
  }
  return { nodes, edges };
}

// The nodes matching `q` (name or owner, case-insensitive) and their
// neighbours; matches are marked.
export function narrow({ nodes, edges }, q) {
  const needle = q.trim().toLowerCase();
  if (!needle) return { nodes, edges, matches: null };
  const hit = new Set(nodes.filter((n) => n.name.toLowerCase().includes(needle) ||
    n.owner.toLowerCase().includes(needle)).map((n) => n.id));
  const keep = new Set(hit);
  for (const e of edges) {
    if (hit.has(e.from)) keep.add(e.to);
    if (hit.has(e.to)) keep.add(e.from);
  }
  return {
    nodes: nodes.filter((n) => keep.has(n.id)).map((n) => (hit.has(n.id)
      ? { ...n, classes: [n.classes, 'match'].filter(Boolean).join(' ') } : n)),
    edges: edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
    matches: hit.size,
  };
}

const wrap = (graph) => h('div', { class: 'graph-wrap', tabindex: 0 }, graph);

// --- the whole-catalog map ----------------------------------------------------------

export async function mapView({ query }) {
  const map = await fetchMap();
  const full = catalogGraph(map, map.services, map.events);
  const events = full.nodes.filter((n) => n.column === 1).length;
  const input = h('input', { type: 'search', name: 'q', value: query.get('q') ?? '', autocomplete: 'off',
    placeholder: 'event, service or team' });
  const status = h('p', { class: 'count', role: 'status' });
  const area = h('div');
  const draw = () => {
    const q = input.value;
    const shown = narrow(full, q);
    status.textContent = shown.matches == null ? `${events} events, ${map.services.length} services`
      : shown.matches ? `${shown.matches} matching “${q.trim()}”, shown with their neighbours`
        : `Nothing matches “${q.trim()}”.`;
    area.replaceChildren(shown.nodes.length
      ? wrap(drawGraph(layout(shown.nodes, shown.edges), 'Map of the catalog: producers, events, consumers'))
      : h('p', null, 'Try another name, a part of one, or a team.'));
  };
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = new URL(location.href);
      if (input.value) url.searchParams.set('q', input.value);
      else url.searchParams.delete('q');
      history.replaceState(null, '', url);
      draw();
    }, 120);
  });
  const form = h('form', { role: 'search', class: 'search', 'aria-label': 'Map' },
    h('label', { class: 'q' }, 'Filter the map', input));
  form.addEventListener('submit', (e) => e.preventDefault());
  draw();
  return {
    title: 'Map',
    node: h('div', null,
      h('h1', { tabindex: -1 }, 'Map of the catalog'),
      h('p', null, 'Producers on the left, events in the middle, consumers on the right. ' +
        'Filter to see what matches and who it talks to; click a box to open its page.'),
      form, status, area),
  };
}

// --- a team's services and their events ----------------------------------------------

export async function teamDiagram(owner) {
  const map = await fetchMap();
  const services = map.services.filter((s) => s.owner === owner);
  const owned = map.events.filter((e) => e.owner === owner);
  if (!services.length && !owned.length) return null;
  const g = catalogGraph(map, services, owned);
  return wrap(drawGraph(layout(g.nodes, g.edges), `Services and events of team ${owner}`));
}

// --- an event's producers and consumers -----------------------------------------------

// s: the subject page (versions with states); producers: [{name, owner}];
// consumers: [{service, owner, versions}] (the declared spec).
export function eventDiagram(s, producers, consumers) {
  const versions = s.versions.map((v) => ({ version: v.version, state: v.state }));
  const latest = versions.at(-1)?.version;
  const nodes = [{
    id: `e:${s.subject}`, column: 1, kind: 'event', href: urls.event(s.subject),
    lines: [s.subject, s.owner || 'no owner', `latest v${latest}`],
  }];
  const edges = [];
  for (const p of producers) {
    const service = { name: p.name, owner: p.owner };
    nodes.push({ id: `p:${p.name}`, column: 0, kind: 'service producer', href: serviceHref(service),
      lines: [p.name, p.owner || 'no owner'] });
    edges.push({ from: `p:${p.name}`, to: `e:${s.subject}`, kind: 'produces' });
  }
  for (const c of consumers) {
    const service = { name: c.service, owner: c.owner };
    nodes.push({ id: `c:${c.service}`, column: 2, kind: 'service consumer', href: serviceHref(service),
      lines: [c.service, c.owner || 'no owner', ...acceptedLines(acceptedOf(c.versions, versions))] });
    edges.push({ from: `e:${s.subject}`, to: `c:${c.service}`, kind: 'consumes' });
  }
  return wrap(drawGraph(layout(nodes, edges), `Producers and consumers of ${s.subject}`));
}
