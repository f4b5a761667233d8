// Who talks to whom, drawn as SVG: producers on the left, events in the
// middle, consumers on the right (a service that does both appears on each
// side). Used by the event page, the team page and the whole-catalog map.
//
// Layout (layered, hand-written: the page loads no library): each column is
// ordered to reduce edge crossings by the barycenter heuristic (a node moves
// to the mean position of its neighbours in the other columns, a few sweeps
// back and forth; nodes without neighbours keep their place). The longest
// column is stacked; the others sit at their neighbours' mean height, pushed
// down just enough not to overlap. So boxes never overlap, every box lies in
// the viewBox, and a large catalog stays a tall, scrollable picture whose
// edges run mostly straight across.
//
// Grouping: middle-column nodes with a `group` (the owning team) stay
// together under a heading; the groups are ordered by their members' mean
// barycenter, the members within a group by their own. A catalog of
// hundreds of events so reads as teams' blocks.
//
// Every node is a link (<a href>) to its page; long labels are cut with "…"
// and carry the whole text in <title>.
import { svg } from './dom.js';

export const BOX = { width: 230, gap: 10, column: 340, pad: 8, line: 16, heading: 22 };
const SWEEPS = 6;
const MAX_LABEL = 30;

const cut = (text, max = MAX_LABEL) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

// Box height for `lines` lines of text.
const boxHeight = (lines) => 10 + lines * BOX.line;

// nodes: [{id, column (0 | 1 | 2), lines: [line, ...], href, kind, classes?,
// title?, group?}], a line a string or [{text, cls}] parts (the first line
// is the name, in bold); edges: [{from, to, kind}] (ids). Each column's
// nodes in their initial order (ties in the barycenter keep it). Returns
// {boxes, edges, groups: [{name, x, y}] (headings), width, height}.
export function layout(nodes, edges) {
  const height = boxHeight(Math.max(1, ...nodes.map((n) => n.lines.length)));
  const columns = [[], [], []];
  for (const n of nodes) columns[n.column].push(n);
  const neighbours = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!neighbours.has(e.from) || !neighbours.has(e.to)) continue;
    neighbours.get(e.from).push(e.to);
    neighbours.get(e.to).push(e.from);
  }
  const rank = new Map();
  const reindex = (col) => col.forEach((n, i) => rank.set(n.id, i / Math.max(1, col.length - 1)));
  columns.forEach(reindex);
  // One sweep orders `col` by its neighbours' mean rank (ranks are
  // normalised to 0..1, so columns of different lengths compare).
  const order = (col) => {
    const key = new Map(col.map((n) => {
      const ns = neighbours.get(n.id);
      const mean = ns.length ? ns.reduce((sum, id) => sum + rank.get(id), 0) / ns.length : rank.get(n.id);
      return [n.id, mean];
    }));
    // Groups (middle column): ordered by their members' mean key.
    const groupKey = new Map();
    for (const n of col) {
      if (n.group == null) continue;
      const g = groupKey.get(n.group) ?? { sum: 0, count: 0 };
      g.sum += key.get(n.id);
      g.count += 1;
      groupKey.set(n.group, g);
    }
    const ofGroup = (n) => (n.group == null ? key.get(n.id) : groupKey.get(n.group).sum / groupKey.get(n.group).count);
    col.sort((a, b) => ofGroup(a) - ofGroup(b) || String(a.group).localeCompare(String(b.group)) ||
      key.get(a.id) - key.get(b.id));
    reindex(col);
  };
  for (let i = 0; i < SWEEPS; i++) {
    order(columns[1]);
    order(columns[0]);
    order(columns[2]);
  }
  // Heights: the tallest column stacked from the top; the others at their
  // neighbours' mean centre, never overlapping.
  const step = height + BOX.gap;
  const y = new Map();
  const groups = [];
  // Where the next box of `col` may start, after a group heading when `n`
  // starts a group (its heading is recorded at `top`).
  const headed = (col, i, next) => {
    const n = col[i];
    if (n.group == null || (i > 0 && col[i - 1].group === n.group)) return next;
    groups.push({ name: n.group, column: n.column, top: next });
    return next + BOX.heading;
  };
  const tallest = columns.reduce((a, b) => (b.length > a.length ? b : a));
  let stacked = BOX.pad;
  tallest.forEach((n, i) => {
    stacked = headed(tallest, i, stacked);
    y.set(n.id, stacked);
    stacked += step;
  });
  const place = (col) => {
    if (col === tallest) return;
    let next = BOX.pad;
    col.forEach((n, i) => {
      const placed = neighbours.get(n.id).filter((id) => y.has(id));
      const want = placed.length ? placed.reduce((s, id) => s + y.get(id), 0) / placed.length : next;
      const start = headed(col, i, next);
      const top = Math.max(start, want);
      if (groups.at(-1)?.name === n.group && start !== next) groups.at(-1).top = top - BOX.heading;
      y.set(n.id, top);
      next = top + step;
    });
  };
  // The middle column first when it is not the tallest: the sides follow it.
  if (columns[1] !== tallest) place(columns[1]);
  place(columns[0]);
  place(columns[2]);
  const x = (c) => BOX.pad + c * BOX.column;
  const boxes = nodes.map((n) => ({ ...n, x: x(n.column), y: y.get(n.id), height }));
  return {
    boxes, edges,
    groups: groups.map((g) => ({ name: g.name, x: x(g.column), y: g.top })),
    width: x(2) + BOX.width + BOX.pad,
    height: Math.max(...boxes.map((b) => b.y + height), 0) + BOX.pad,
  };
}

const lineText = (line) => (typeof line === 'string' ? line : line.map((p) => p.text).join(''));

function nodeElement(b) {
  const title = [...b.lines.map(lineText), b.title].filter(Boolean).join('\n');
  const text = b.lines.map((line, i) => svg('text', {
    x: b.x + 10, y: b.y + 5 + (i + 1) * BOX.line - 3, class: i ? 'sub' : 'label',
  }, typeof line === 'string' ? cut(line, i ? 36 : MAX_LABEL)
    : line.map((p) => svg('tspan', { class: p.cls }, p.text))));
  return svg('g', { class: `node ${b.kind}${b.classes ? ` ${b.classes}` : ''}`, 'data-id': b.id },
    svg('a', { href: b.href },
      svg('title', null, title),
      svg('rect', { x: b.x, y: b.y, width: BOX.width, height: b.height, rx: 6 }),
      text));
}

function edgeElement(from, to, kind) {
  const x1 = from.x + BOX.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  const mid = (x1 + x2) / 2;
  return svg('path', {
    class: `edge ${kind}`, 'data-from': from.id, 'data-to': to.id,
    d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
  });
}

// The laid-out graph as an <svg> (its natural size; a wrapper scrolls).
export function drawGraph({ boxes, edges, groups = [], width, height }, label) {
  const at = new Map(boxes.map((b) => [b.id, b]));
  const lines = edges.filter((e) => at.has(e.from) && at.has(e.to))
    .map((e) => edgeElement(at.get(e.from), at.get(e.to), e.kind));
  return svg('svg', {
    class: 'graph', role: 'group', 'aria-label': label,
    viewBox: `0 0 ${width} ${height}`, width, height,
  },
  svg('g', { class: 'groups' }, groups.map((g) => svg('text', { class: 'group', x: g.x + 2, y: g.y + BOX.heading - 7 },
    cut(g.name, 36)))),
  svg('g', { class: 'edges' }, lines),
  svg('g', { class: 'nodes' }, boxes.map(nodeElement)));
}
