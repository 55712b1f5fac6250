/**
 * The table-relationship graph drawn as SVG: a layered layout (tables that reference nothing
 * on the right, each other table one column left of what it references), nodes in a column
 * ordered by the mean height of their targets; foreign keys solid, observed joins dashed.
 */
import type { RelationshipEdge, TableRelationships } from 'alphatrade-db';
import { empty, fill, h, svg } from '../dom.js';

const ROW = 38;
const NODE_HEIGHT = 26;
const CHAR = 6.6;
const GAP = 150;
const MARGIN = 12;

interface Placed {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/** Column of each node: 0 for tables referencing nothing, else 1 + the deepest table it references. */
function levels(nodes: readonly string[], edges: readonly RelationshipEdge[]): Map<string, number> {
  const level = new Map(nodes.map((n) => [n, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      if (e.from === e.to) continue;
      const wanted = (level.get(e.to) ?? 0) + 1;
      if ((level.get(e.from) ?? 0) < wanted && wanted < nodes.length) {
        level.set(e.from, wanted);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return level;
}

function layout(nodes: readonly string[], edges: readonly RelationshipEdge[]): Map<string, Placed> {
  const level = levels(nodes, edges);
  const depth = Math.max(0, ...level.values());
  const columns = Array.from({ length: depth + 1 }, (_, c) => nodes.filter((n) => level.get(n) === depth - c));
  const widths = columns.map((column) => Math.max(60, ...column.map((n) => n.length * CHAR + 18)));
  const placed = new Map<string, Placed>();
  let x = MARGIN;
  for (let c = columns.length - 1; c >= 0; c--) {
    const column = columns[c] ?? [];
    const target = (n: string): number => {
      const ys = edges.filter((e) => e.from === n && placed.has(e.to)).map((e) => placed.get(e.to)?.y ?? 0);
      return ys.length === 0 ? Number.POSITIVE_INFINITY : ys.reduce((a, b) => a + b, 0) / ys.length;
    };
    column.sort((a, b) => target(a) - target(b) || a.localeCompare(b));
    column.forEach((name, i) => placed.set(name, { name, x: 0, y: MARGIN + i * ROW, width: widths[c] ?? 60 }));
  }
  for (let c = 0; c < columns.length; c++) {
    for (const name of columns[c] ?? []) {
      const p = placed.get(name);
      if (p !== undefined) placed.set(name, { ...p, x });
    }
    x += (widths[c] ?? 60) + GAP;
  }
  return placed;
}

/** Draws `graph` into #relationships, with its Mermaid text below. */
export function renderRelationshipGraph(graph: TableRelationships): void {
  if (graph.nodes.length === 0) return fill('relationships', empty('No tables yet.'));
  const placed = layout(graph.nodes, graph.edges);
  const all = [...placed.values()];
  const width = Math.max(...all.map((p) => p.x + p.width)) + MARGIN;
  const height = Math.max(...all.map((p) => p.y + NODE_HEIGHT)) + MARGIN;
  const edges = graph.edges.flatMap((e) => {
    const from = placed.get(e.from);
    const to = placed.get(e.to);
    if (from === undefined || to === undefined) return [];
    const bend = e.kind === 'join' ? 5 : 0;
    const x1 = from.x + from.width;
    const y1 = from.y + NODE_HEIGHT / 2 + bend;
    const x2 = to.x;
    const y2 = to.y + NODE_HEIGHT / 2 + bend;
    const mid = (x1 + x2) / 2;
    const title = svg('title', {}, `${e.from} → ${e.to}: ${e.kind === 'join' ? `join ×${e.count}` : 'foreign key'} (${e.columns.join(', ')})`);
    return [
      svg('path', { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 4},${y2}`, class: `edge ${e.kind}`, 'marker-end': `url(#arrow-${e.kind})` }, title),
    ];
  });
  const markers = svg(
    'defs',
    {},
    ...(['foreign-key', 'join'] as const).map((kind) =>
      svg(
        'marker',
        { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 6, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrowhead ${kind}` }),
      ),
    ),
  );
  const nodes = all.map((p) =>
    svg(
      'g',
      { class: `node${p.name.includes('*') ? ' family' : ''}`, transform: `translate(${p.x},${p.y})` },
      svg('rect', { width: p.width, height: NODE_HEIGHT, rx: 6 }),
      svg('text', { x: p.width / 2, y: NODE_HEIGHT / 2 + 4, 'text-anchor': 'middle' }, p.name),
    ),
  );
  const joins = graph.edges.filter((e) => e.kind === 'join').length;
  fill(
    'relationships',
    h(
      'div',
      { class: 'graph-wrap' },
      svg(
        'svg',
        { viewBox: `0 0 ${width} ${height}`, width: '100%', style: `max-width: ${width}px`, class: 'graph', role: 'img', 'aria-label': 'table relationships' },
        markers,
        ...edges,
        ...nodes,
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `${graph.nodes.length} tables, ${graph.edges.length - joins} foreign keys (solid), ${joins} observed joins (dashed). `,
      'Per-miner tables are shown once as miner_*_…',
    ),
    h('details', {}, h('summary', {}, 'Mermaid source'), h('pre', { class: 'plan' }, graph.mermaid)),
  );
}
