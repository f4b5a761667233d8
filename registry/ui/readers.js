// Who really reads a version (GET /accord/v1/subjects/{s}/versions/{v}/readers):
// the principals and client user agents that fetched its schema, and the
// catalog's warnings about retired versions that are still fetched.
import { getOptional, seg } from './api.js';
import { h, table } from './dom.js';
import { fmtTime, link, urls } from './components.js';

// The readers of `version`; [] when the registry does not count them.
export async function fetchReaders(subject, version) {
  const reply = await getOptional(`accord/v1/subjects/${seg(subject)}/versions/${version}/readers`, {}, []);
  return (Array.isArray(reply) ? reply : []).map((r) => ({
    principal: String(r.principal ?? ''), userAgent: String(r.userAgent ?? ''),
    count: Number(r.count ?? 0), firstSeen: r.firstSeen, lastSeen: r.lastSeen,
  }));
}

export function readersSection(version, readers) {
  return h('section', { 'aria-labelledby': 'readers' },
    h('h2', { id: 'readers' }, `Readers of v${version}`),
    readers.length
      ? table(`Who fetched version ${version}`, ['Principal', 'Client', 'Reads', 'First seen', 'Last seen'],
        readers.map((r) => h('tr', null,
          h('td', null, r.principal),
          h('td', null, r.userAgent === 'other' ? h('em', null, 'other clients') : r.userAgent),
          h('td', { class: 'num' }, String(r.count)),
          h('td', null, fmtTime(r.firstSeen)),
          h('td', null, fmtTime(r.lastSeen)))))
      : h('p', { class: 'muted' }, 'No reads recorded.'));
}

// One banner per retired version still fetched (the subject page's warnings).
export function retiredWarnings(subject, warnings) {
  return (warnings ?? []).filter((w) => w.kind === 'RETIRED_STILL_READ').map((w) =>
    h('div', { class: 'banner retired', role: 'alert' },
      h('strong', null, 'Retired but still read: '),
      link(urls.event(subject, w.version), `version ${w.version}`),
      ` (sunset ${w.sunset}) was fetched after its sunset by ${w.readers} reader(s); last by `,
      `${w.lastReader?.principal ?? '?'}${w.lastReader?.userAgent ? ` (${w.lastReader.userAgent})` : ''}`,
      ` on ${fmtTime(w.lastReader?.lastSeen)}.`));
}
