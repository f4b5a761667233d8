// Building DOM nodes from data. Every string ends up in a text node or an
// attribute value set through the DOM, never parsed as HTML, so server data
// cannot inject markup. URLs from the server go through safeUrl first.

// h('a', {href: '/x', class: 'c', onclick: fn}, 'text', child, [more]) -> Element.
// null, undefined and false attributes/children are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

// The same for SVG elements (graph.js): svg('rect', {x: 0, y: 0}) -> SVGElement.
const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

// Only http(s) and mailto links from the server become clickable.
export function safeUrl(raw) {
  try {
    const url = new URL(String(raw), location.href);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

// A scrollable table that stays usable at phone width.
export function table(caption, headers, rows) {
  return h('div', { class: 'table-wrap' },
    h('table', null,
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows)));
}
