// The catalog page's shell: routes (History API, every view has its own URL
// under /ui/), link handling, back/forward, focus after navigation, errors,
// and the key prompt used when the registry asks for authentication.
import { h } from './dom.js';
import { ApiError, PageError, setAuthHandler, signOut, signedInAs } from './api.js';
import { BASE, urls } from './components.js';
import { searchView } from './search.js';
import { eventView } from './event.js';
import { compareView } from './compare.js';
import { calendarView } from './calendar.js';
import { teamView } from './team.js';
import { mapView } from './map.js';
import { environmentsView, environmentView } from './environments.js';

const ROUTES = [
  [/^$/, searchView],
  [/^events\/([^/]+)$/, eventView],
  [/^events\/([^/]+)\/compare$/, compareView],
  [/^deprecations$/, calendarView],
  [/^teams\/([^/]+)$/, teamView],
  [/^map$/, mapView],
  [/^environments$/, environmentsView],
  [/^environments\/([^/]+)$/, environmentView],
];

const main = document.getElementById('main');
let renderSeq = 0;  // a newer navigation makes older renders stale

function navigate(view, ...args) {
  go(urls[view](...args));
}

function go(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  render({ focus: true });
}

function match(path) {
  for (const [re, view] of ROUTES) {
    const m = re.exec(path);
    if (m) return { view, params: m.slice(1).map(decodeURIComponent) };
  }
  return null;
}

function errorNode(e) {
  const unauthorized = e instanceof ApiError && (e.status === 401 || e.status === 403);
  return h('div', { class: 'banner error', role: 'alert' },
    h('h1', { tabindex: -1 }, unauthorized ? 'Not allowed' : 'Something went wrong'),
    h('p', null, e.message),
    unauthorized ? h('button', { type: 'button', onclick: () => { signOut(); render({ focus: true }); } }, 'Use another key') : null);
}

async function render({ focus = false } = {}) {
  const seq = ++renderSeq;
  main.setAttribute('aria-busy', 'true');
  main.classList.add('loading');
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  let result;
  try {
    const route = match(path.replace(/\/$/, ''));
    if (!route) throw new PageError(`No page at ${location.pathname}.`);
    result = await route.view({ params: route.params, query: new URLSearchParams(location.search), navigate });
  } catch (e) {
    if (!(e instanceof ApiError || e instanceof PageError)) console.error(e);
    result = { title: 'Error', node: errorNode(e) };
  }
  if (seq !== renderSeq) return;
  main.replaceChildren(result.node);
  main.classList.remove('loading');
  main.setAttribute('aria-busy', 'false');
  document.title = `${result.title} · Accord`;
  markCurrentNav();
  showWho();
  if (focus) (main.querySelector('h1') ?? main).focus({ preventScroll: true });
  if (focus) window.scrollTo(0, 0);
  // A link to a place on the page (the map's service boxes: a team page's
  // #service-NAME).
  if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
}

function markCurrentNav() {
  for (const a of document.querySelectorAll('nav a')) {
    const here = a.pathname === BASE ? location.pathname === BASE : location.pathname.startsWith(a.pathname);
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function showWho() {
  const who = document.getElementById('who');
  const principal = signedInAs();
  who.hidden = !principal;
  if (!principal) return;
  who.replaceChildren(`Signed in as ${principal} `, h('button', {
    type: 'button', class: 'link', onclick: () => { signOut(); render({ focus: true }); },
  }, 'Sign out'));
}

// Same-page links navigate without a reload (modified clicks open tabs).
// The map's boxes are SVG links, whose href is not a plain string: read the
// attribute.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.getAttribute('href'), location.href);
  if (a.getAttribute('target') || url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
  e.preventDefault();
  if (url.href !== location.href) go(url.href);
});

window.addEventListener('popstate', () => render({ focus: true }));

// The key prompt: resolves {principal, key}, or null when cancelled.
setAuthHandler((message) => new Promise((resolve) => {
  const dialog = document.getElementById('auth');
  const form = dialog.querySelector('form');
  document.getElementById('auth-message').textContent = message || '';
  form.reset();
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'ok') return resolve(null);
    const data = new FormData(form);
    resolve({ principal: String(data.get('principal')), key: String(data.get('key')) });
  }, { once: true });
  dialog.showModal();
}));

render();
