// The deprecation calendar (/ui/deprecations): every version with a sunset
// date, soonest first, grouped by month, with the consumers still relying.
import { h } from './dom.js';
import { fetchDeprecations, acceptedVersions } from './model.js';
import { eventLink, link, monthName, ownerLink, stateBadge, urls } from './components.js';

function entry(d) {
  return h('li', { class: 'deprecation' },
    h('time', { datetime: d.sunset, class: 'sunset' }, d.sunset), ' ',
    eventLink(d.subject, d.version), ' ', stateBadge(d.state),
    d.replacement ? h('span', null, ' → use ', link(urls.event(d.subject, d.replacement), `v${d.replacement}`)) : null,
    d.reason ? h('div', { class: 'muted' }, d.reason) : null,
    h('div', { class: 'consumers' }, d.consumers.length
      ? ['Still relied on by: ', h('ul', { class: 'inline' }, d.consumers.map((c) => h('li', null,
        c.service, c.owner ? [' (', ownerLink(c.owner), ')'] : null,
        c.versions != null ? ` accepts ${acceptedVersions(c.versions)}` : null)))]
      : h('span', { class: 'muted' }, 'No declared consumer relies on it.')));
}

export async function calendarView() {
  const items = await fetchDeprecations();
  const months = new Map();
  for (const d of items) {
    const key = d.sunset.slice(0, 7) || 'no date';
    if (!months.has(key)) months.set(key, []);
    months.get(key).push(d);
  }
  return {
    title: 'Deprecation calendar',
    node: h('div', null,
      h('h1', { tabindex: -1 }, 'Deprecation calendar'),
      h('p', null, 'Every version with a sunset date, soonest first. After its sunset a version is retired.'),
      items.length ? null : h('p', null, 'No version is deprecated.'),
      [...months].map(([month, list]) => h('section', { class: 'month', 'aria-label': monthName(month) },
        h('h2', null, monthName(month)),
        h('ul', { class: 'calendar' }, list.map(entry))))),
  };
}
