// An event's page (/ui/events/{subject}?version=N): catalog metadata,
// versions with their lifecycle, the schema of one version with personal data
// highlighted, its field table, producers and consumers (a diagram, map.js,
// and a table), and the changelog
// (the compatibility engine's diff between consecutive versions).
import { PageError } from './api.js';
import { h, safeUrl, table } from './dom.js';
import {
  acceptedVersions, fetchChangelog, fetchConsumers, fetchFields, fetchServices, fetchSubject,
  fetchVersion, parseSchema,
} from './model.js';
import {
  fmtTime, findingList, link, ownerLink, schemaView, stateBadge, summaryCounts, tagList, urls,
} from './components.js';
import { eventDiagram } from './map.js';
import { fetchReaders, readersSection, retiredWarnings } from './readers.js';

function banner(subject, v) {
  const retired = v.state === 'RETIRED';
  return h('div', { class: `banner ${retired ? 'retired' : 'deprecated'}`, role: 'note' },
    h('strong', null, `Version ${v.version} ${retired ? 'is retired' : 'is deprecated'}`),
    v.sunset ? [retired ? ' since its sunset on ' : '. Sunset: ', h('time', { datetime: v.sunset, class: 'sunset' }, v.sunset), '.'] : '.',
    v.replacement ? [' Move to ', link(urls.event(subject, v.replacement), `version ${v.replacement}`), '.'] : null,
    v.reason ? h('div', null, v.reason) : null);
}

function metaList(s) {
  const row = (term, ...def) => [h('dt', null, term), h('dd', null, ...def)];
  return h('dl', { class: 'meta' },
    row('Owner', ownerLink(s.owner)),
    row('Type', s.schemaType === 'JSON' ? 'JSON Schema' : s.schemaType),
    s.tags.length ? row('Tags', tagList(s.tags)) : null,
    s.sla.length ? row('SLA', h('ul', { class: 'inline' }, s.sla.map(([k, v]) => h('li', null, `${k}: ${v}`)))) : null,
    s.links.length ? row('Links', h('ul', { class: 'inline' }, s.links.map((l) => {
      const href = safeUrl(l.url);
      return h('li', null, href ? h('a', { href, rel: 'noopener noreferrer' }, l.name || l.url) : `${l.name} ${l.url}`);
    }))) : null);
}

function versionsTable(s, shown) {
  return table('Versions', ['Version', 'State', 'Registered', 'Sunset', 'Replacement', ''],
    [...s.versions].reverse().map((v) => h('tr', { class: v.version === shown ? 'current' : null },
      h('td', null, v.version === shown ? h('strong', { 'aria-current': 'true' }, `v${v.version}`)
        : link(urls.event(s.subject, v.version), `v${v.version}`)),
      h('td', null, stateBadge(v.state)),
      h('td', null, fmtTime(v.registeredAt)),
      h('td', null, v.sunset ? h('time', { datetime: v.sunset }, v.sunset) : ''),
      h('td', null, v.replacement ? link(urls.event(s.subject, v.replacement), `v${v.replacement}`) : ''),
      h('td', null, v.version > s.versions[0].version
        ? link(urls.compare(s.subject, previous(s, v.version), v.version), 'compare with previous') : ''))));
}

function previous(s, version) {
  const i = s.versions.findIndex((v) => v.version === version);
  return i > 0 ? s.versions[i - 1].version : null;
}

// A Protobuf table (its rows have field numbers) shows each field's number,
// label (repeated, map, optional, ...) and oneof where the other languages
// show whether a field is required.
function fieldTable(fields) {
  if (!fields.length) return h('p', { class: 'muted' }, 'No fields.');
  const numbered = fields.some((f) => f.number != null);
  const pii = (f) => h('td', null, f.pii ? h('span', { class: 'badge pii' }, 'PII') : '');
  const name = (f) => h('td', null, h('code', null, f.name));
  if (numbered) {
    return table('Fields', ['Field', 'Number', 'Type', 'Label', 'Oneof', 'Description', 'Personal data'],
      fields.map((f) => h('tr', { class: f.pii ? 'pii-row' : null },
        name(f), h('td', { class: 'number' }, f.number ?? ''), h('td', null, f.type),
        h('td', null, f.label), h('td', null, f.oneof ? h('code', null, f.oneof) : ''),
        h('td', null, f.description), pii(f))));
  }
  return table('Fields', ['Field', 'Type', 'Required', 'Description', 'Personal data'],
    fields.map((f) => h('tr', { class: f.pii ? 'pii-row' : null },
      name(f), h('td', null, f.type),
      h('td', null, f.required ? 'required' : 'optional'), h('td', null, f.description), pii(f))));
}

function partiesSection(s, producers, consumers) {
  return h('section', { 'aria-labelledby': 'parties' },
    h('h2', { id: 'parties' }, 'Producers and consumers'),
    producers.length + consumers.length ? eventDiagram(s, producers, consumers) : null,
    table(null, ['Service', 'Team', 'Role', 'Accepts'], [
      ...producers.map((p) => h('tr', null, h('td', null, p.name), h('td', null, ownerLink(p.owner)),
        h('td', null, 'produces'), h('td', null, ''))),
      ...consumers.map((c) => h('tr', null, h('td', null, c.service), h('td', null, ownerLink(c.owner)),
        h('td', null, 'consumes'), h('td', null, acceptedVersions(c.versions)))),
    ]),
    producers.length + consumers.length ? null : h('p', { class: 'muted' }, 'No service declares this event yet.'));
}

async function changelog(s) {
  const registered = new Map(s.versions.map((v) => [v.version, v.registeredAt]));
  const entries = await fetchChangelog(s.subject);
  return h('section', { 'aria-labelledby': 'changelog' },
    h('h2', { id: 'changelog' }, 'Changelog'),
    h('ol', { class: 'changelog', reversed: true }, entries.map((d) => h('li', null,
      h('h3', null, `v${d.to}`,
        registered.get(d.to) ? h('span', { class: 'muted' }, ` · ${fmtTime(registered.get(d.to))}`) : null),
      d.from ? [h('p', null, `From v${d.from}: ${summaryCounts(d.findings)} · `,
        link(urls.compare(s.subject, d.from, d.to), 'compare')), findingList(d.findings)]
        : h('p', null, 'First version.')))));
}

export async function eventView({ params: [subject], query }) {
  const s = await fetchSubject(subject);
  if (!s.versions.length) throw new PageError(`${subject} has no live version.`);
  const latest = s.versions.at(-1).version;
  const shown = Number(query.get('version')) || latest;
  const [version, fields, declared, services, log, readers] = await Promise.all([
    fetchVersion(subject, shown),
    fetchFields(subject, shown),
    s.consumers ?? fetchConsumers(subject),
    fetchServices(),
    changelog(s),
    fetchReaders(subject, shown),
  ]);
  // Teams of the services, where the subject's reply names only the service.
  const teamOf = new Map(services.map((x) => [x.name, x.owner]));
  const withTeam = (x, name) => ({ ...x, owner: x.owner || teamOf.get(name) || '' });
  const producers = (s.producers ?? services.filter((x) => x.produces.includes(subject)))
    .map((p) => withTeam(p, p.name));
  const consumers = declared.map((c) => withTeam(c, c.service));
  const schema = parseSchema(version.schema);
  const deprecated = s.versions.filter((v) => v.state === 'DEPRECATED');
  if (version.state === 'RETIRED') deprecated.unshift(version);
  const examples = version.examples ?? s.examples ?? [];
  return {
    title: subject,
    node: h('article', null,
      h('h1', { tabindex: -1 }, subject),
      s.description ? h('p', { class: 'lead' }, s.description) : null,
      deprecated.map((v) => banner(subject, v)),
      retiredWarnings(subject, s.warnings),
      metaList(s),
      h('section', { 'aria-labelledby': 'versions' }, h('h2', { id: 'versions' }, 'Versions'), versionsTable(s, shown)),
      h('section', { 'aria-labelledby': 'schema' },
        h('h2', { id: 'schema' }, `Schema v${shown} `, stateBadge(version.state)),
        fields.some((f) => f.pii) ? h('p', { class: 'legend' }, h('mark', { class: 'pii' }, 'Highlighted'), ' fields are personal data.') : null,
        schemaView(schema, version.schema, `Schema of version ${shown}`, { type: version.schemaType }),
        h('h3', null, 'Fields', s.message ? [' of ', h('code', null, s.message)] : null),
        fieldTable(fields)),
      examples.length ? h('section', { 'aria-labelledby': 'examples' }, h('h2', { id: 'examples' }, 'Example events'),
        examples.map((e) => h('pre', { class: 'schema', tabindex: 0 }, JSON.stringify(e, null, 2)))) : null,
      partiesSection(s, producers, consumers),
      readersSection(shown, readers),
      log),
  };
}
