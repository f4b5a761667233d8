// Comparing two versions (/ui/events/{subject}/compare?from=A&to=B): the
// registry's classified diff (breaking in red, safe in green), the verdict
// under each compatibility mode, and both schemas side by side with the
// changed places marked.
import { PageError } from './api.js';
import { h, table } from './dom.js';
import { fetchDiff, fetchSubject, fetchVersion, parseSchema } from './model.js';
import { findingList, link, schemaView, stateBadge, summaryCounts, urls } from './components.js';

function picker(s, from, to, navigate) {
  const choice = (name, label, value) => h('label', null, label, h('select', { name },
    s.versions.map((v) => h('option', { value: v.version, selected: v.version === value }, `v${v.version} (${v.state})`))));
  const form = h('form', { class: 'picker', 'aria-label': 'Versions to compare' },
    choice('from', 'From', from), choice('to', 'To', to), h('button', { type: 'submit' }, 'Compare'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = new FormData(form);
    navigate('compare', s.subject, d.get('from'), d.get('to'));
  });
  return form;
}

function verdictTable(diff) {
  if (!diff.verdicts.length) {
    return h('p', { class: diff.compatible ? 'ok' : 'bad' },
      `${diff.mode || 'Verdict'}: ${diff.compatible ? 'compatible' : 'incompatible'}`);
  }
  return table('Verdict per compatibility mode', ['Mode', 'Verdict'], diff.verdicts.map((v) => h('tr', null,
    h('td', null, v.mode),
    h('td', null, h('span', { class: `badge ${v.compatible ? 'sev-safe' : 'sev-breaking'}` },
      v.compatible ? 'COMPATIBLE' : 'INCOMPATIBLE')))));
}

export async function compareView({ params: [subject], query, navigate }) {
  const s = await fetchSubject(subject);
  const numbers = s.versions.map((v) => v.version);
  if (numbers.length < 2) throw new PageError(`${subject} has only one version; there is nothing to compare.`);
  const to = Number(query.get('to')) || numbers.at(-1);
  const from = Number(query.get('from')) || numbers[Math.max(0, numbers.indexOf(to) - 1)];
  const [diff, a, b] = await Promise.all([
    fetchDiff(subject, from, to), fetchVersion(subject, from), fetchVersion(subject, to),
  ]);
  // The most severe finding at a place wins (findings come most severe first).
  // (A path into a referenced schema marks nothing in the version's own.)
  const marksOf = (key) => {
    const document = key === 'oldPath' ? 'oldDocument' : 'newDocument';
    const marks = new Map();
    for (const f of diff.findings) {
      if (f[key] && !f[document] && !marks.has(f[key])) marks.set(f[key], f.severity);
    }
    return marks;
  };
  const side = (v, key) => h('div', { class: 'side' },
    h('h3', null, `v${v.version} `, stateBadge(v.state)),
    schemaView(parseSchema(v.schema), v.schema, `Schema of version ${v.version}`,
      { marks: marksOf(key), type: v.schemaType }));
  return {
    title: `${subject}: v${from} → v${to}`,
    node: h('div', null,
      h('h1', { tabindex: -1 }, 'Compare ', link(urls.event(subject), subject)),
      picker(s, from, to, navigate),
      h('h2', null, `v${from} → v${to}`),
      h('p', { class: 'count', role: 'status' }, summaryCounts(diff.findings)),
      verdictTable(diff),
      h('h2', null, 'Changes'),
      findingList(diff.findings),
      h('h2', null, 'Side by side'),
      h('div', { class: 'sides' }, side(a, 'oldPath'), side(b, 'newPath'))),
  };
}
