// A team's page (/ui/teams/{owner}): its services and their events as a
// diagram (map.js), the events it owns and the events its services consume
// (from the catalog and the service declarations).
import { h, table } from './dom.js';
import { acceptedVersions, fetchServices, searchCatalog } from './model.js';
import { eventLink, stateBadge } from './components.js';
import { teamDiagram } from './map.js';

export async function teamView({ params: [owner] }) {
  const [owned, services, diagram] = await Promise.all([searchCatalog({ owner }), fetchServices(), teamDiagram(owner)]);
  const mine = owned.filter((r) => !r.owner || r.owner === owner);
  const theirs = services.filter((s) => s.owner === owner);
  const consumed = theirs.flatMap((s) => s.consumes.map((c) => ({ ...c, service: s.name })));
  return {
    title: `Team ${owner}`,
    node: h('div', null,
      h('h1', { tabindex: -1 }, 'Team ', owner),
      diagram ? h('section', { 'aria-labelledby': 'diagram' },
        h('h2', { id: 'diagram' }, 'Services and events'), diagram) : null,
      h('section', { 'aria-labelledby': 'owned' },
        h('h2', { id: 'owned' }, `Events owned (${mine.length})`),
        mine.length ? table(null, ['Event', 'Latest', 'State', 'Sunset'], mine.map((r) => h('tr', null,
          h('td', null, eventLink(r.subject)), h('td', null, r.latestVersion ? `v${r.latestVersion}` : ''),
          h('td', null, stateBadge(r.state)), h('td', null, r.sunset))))
          : h('p', { class: 'muted' }, 'This team owns no event.')),
      h('section', { 'aria-labelledby': 'consumed' },
        h('h2', { id: 'consumed' }, `Events consumed (${consumed.length})`),
        consumed.length ? table(null, ['Event', 'Service', 'Accepts'], consumed.map((c) => h('tr', null,
          h('td', null, eventLink(c.subject)), h('td', null, c.service),
          h('td', null, acceptedVersions(c.versions)))))
          : h('p', { class: 'muted' }, 'No service of this team declares a consumed event.')),
      theirs.length ? h('section', { 'aria-labelledby': 'services' },
        h('h2', { id: 'services' }, 'Services'),
        h('ul', null, theirs.map((s) => h('li', { id: `service-${s.name}` }, h('strong', null, s.name),
          s.produces.length ? [' produces ', s.produces.map((p, i) => [i ? ', ' : '', eventLink(p)])] : null))))
        : null),
  };
}
