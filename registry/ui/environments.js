// The deployment matrix: /ui/environments lists the environments;
// /ui/environments/{env} shows which version of each service runs there,
// which event versions it produces and which it reads, and, for a service
// version typed in (?service=&version=), every pair it would form there and
// which would break (GET /accord/v1/environments/{env}/check).
import { h, table } from './dom.js';
import { get, seg, PageError } from './api.js';
import { BASE, eventLink, ownerLink, link } from './components.js';
import { acceptedVersions } from './model.js';

const envUrl = (name, params) => {
  const q = new URLSearchParams(params ?? {}).toString();
  return `${BASE}environments/${encodeURIComponent(name)}${q ? `?${q}` : ''}`;
};
const str = (v) => (typeof v === 'string' ? v : '');
const list = (v) => (Array.isArray(v) ? v : []);

function productionBadge(env) {
  return env.production ? h('span', { class: 'badge production' }, 'production') : null;
}

export async function environmentsView() {
  const envs = list(await get('accord/v1/environments'));
  return {
    title: 'Environments',
    node: h('div', null,
      h('h1', { tabindex: -1 }, 'Environments'),
      h('p', null, 'Where each service version runs, as recorded by ',
        h('code', null, 'accord record-deployment'), '.'),
      envs.length
        ? table(null, ['Environment', 'Owner', ''], envs.map((e) => h('tr', null,
          h('td', null, link(envUrl(str(e.name)), str(e.name))),
          h('td', null, ownerLink(str(e.owner))),
          h('td', null, productionBadge(e)))))
        : h('p', null, 'No environment yet: record a deployment to create one.')),
  };
}

function producesCell(d) {
  return h('ul', { class: 'inline' }, list(d.produces).map((p) => h('li', null,
    p.version != null ? eventLink(str(p.subject), p.version)
      : [str(p.subject), h('span', { class: 'muted' }, ` (schema ${p.id}, no live version)`)])));
}

function readsCell(d) {
  return h('ul', { class: 'inline' }, list(d.consumes).map((c) => h('li', null,
    eventLink(str(c.subject)), ` accepts ${acceptedVersions(c.versions)}`)));
}

function pairsSection(envName, service, version, pairs) {
  const broken = pairs.filter((p) => !p.ok);
  return h('section', { 'aria-labelledby': 'pairs-title' },
    h('h2', { id: 'pairs-title' }, `If ${service}@${version} were deployed`),
    h('p', { class: broken.length ? 'bad' : 'ok', role: 'status' }, pairs.length === 0
      ? `It would form no pair in ${envName}.`
      : broken.length
        ? `${broken.length} of ${pairs.length} pairs would break.`
        : `All ${pairs.length} pairs hold.`),
    pairs.length ? table(null, ['Event', 'Producer', 'Consumer', 'Result'], pairs.map((p) =>
      h('tr', { class: p.ok ? 'pair ok' : 'pair broken' },
        h('td', null, eventLink(str(p.subject), p.version ?? undefined)),
        h('td', null, str(p.producer)),
        h('td', null, str(p.consumer)),
        h('td', null, p.ok ? 'holds' : ['breaks', h('ul', null,
          list(p.reasons).map((r) => h('li', null, str(r))))])))) : null);
}

function whatIfForm(envName, service, version, navigate) {
  const form = h('form', { class: 'what-if', 'aria-label': 'Check a service version' },
    h('label', null, 'Service ', h('input', { name: 'service', value: service, required: true })),
    ' ',
    h('label', null, 'Version ', h('input', { name: 'version', value: version, required: true })),
    ' ', h('button', { type: 'submit' }, 'Check'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    navigate('environment', envName, { service: String(data.get('service')),
      version: String(data.get('version')) });
  });
  return form;
}

export async function environmentView({ params, query }) {
  const [name] = params;
  const env = await get(`accord/v1/environments/${seg(name)}`);
  if (!env || typeof env !== 'object') throw new PageError(`No environment ${name}.`);
  const service = query.get('service') ?? '';
  const version = query.get('version') ?? '';
  const pairs = service && version
    ? list(await get(`accord/v1/environments/${seg(name)}/check`, { service, version }))
    : null;
  const deployed = list(env.deployments);
  const go = (view, envName, q) => { history.pushState(null, '', envUrl(envName, q)); dispatchEvent(new PopStateEvent('popstate')); };
  return {
    title: `${name} environment`,
    node: h('div', null,
      h('h1', { tabindex: -1 }, `Environment ${name} `, productionBadge(env)),
      h('p', null, 'Owner: ', ownerLink(str(env.owner))),
      deployed.length
        ? table('What runs here', ['Service', 'Version', 'Produces', 'Reads'], deployed.map((d) =>
          h('tr', null,
            h('td', null, str(d.service), d.owner ? [' (', ownerLink(str(d.owner)), ')'] : null),
            h('td', null, h('code', null, str(d.version))),
            h('td', null, producesCell(d)),
            h('td', null, readsCell(d)))))
        : h('p', null, 'Nothing is deployed here.'),
      h('h2', null, 'Would a version break something here?'),
      whatIfForm(name, service, version, go),
      pairs ? pairsSection(name, service, version, pairs) : null),
  };
}
