/**
 * Table relationships: the foreign keys the schema declares and the joins tracked statements
 * perform, per-miner tables folded into their families — as JSON and as a Mermaid flowchart.
 *
 * A join is read from a statement's `ON` / `WHERE` terms of the form `a.x = b.y`; a table the
 * statement reads without such a term (`USING`, `NATURAL`, a sub-query) is joined to the
 * statement's first table.
 *
 * @module
 */

import { extractPredicates } from './predicates.js';
import type { StatementSample } from './query-tracker.js';
import { familyName, readForeignKeys, readTables, type InternalQuery } from './schema-catalog.js';
import { extractTableReferences } from './table-refs.js';

/** One relationship between two tables (families). */
export interface RelationshipEdge {
  /** The referencing table for a foreign key; for a join, the first of the two by name. */
  readonly from: string;
  /** The referenced table for a foreign key; for a join, the other one. */
  readonly to: string;
  readonly kind: 'foreign-key' | 'join';
  /** Foreign keys: declarations folded into the edge. Joins: calls of the joining statements. */
  readonly count: number;
  /** The column pairs (`from_col → to_col` for keys, `from_col = to_col` for joins). */
  readonly columns: readonly string[];
}

/** What `DatabaseAnalytics.tableRelationships` reports. */
export interface TableRelationships {
  /** Every user table (family) and every joined table, sorted. */
  readonly nodes: readonly string[];
  /** Foreign keys first, then joins, each sorted by table names. */
  readonly edges: readonly RelationshipEdge[];
  /** The same graph as a Mermaid flowchart: `-->` foreign keys, `-.-` joins. */
  readonly mermaid: string;
}

type MutableEdge = { -readonly [K in keyof RelationshipEdge]: RelationshipEdge[K] } & { columns: string[] };

function addEdge(edges: Map<string, MutableEdge>, from: string, to: string, kind: RelationshipEdge['kind'], count: number, columns: readonly string[]): void {
  const key = `${kind}\u0000${from}\u0000${to}`;
  let edge = edges.get(key);
  if (edge === undefined) edges.set(key, (edge = { from, to, kind, count: 0, columns: [] }));
  edge.count += count;
  for (const column of columns) if (!edge.columns.includes(column)) edge.columns.push(column);
}

/**
 * The joins of one statement between tables of the schema (`known`, families): table pairs
 * (ordered) and their column pairs. Names that are not schema tables — `pragma_*` table-valued
 * functions, eponymous virtual tables, views — take no part.
 */
function joinsOf(sample: StatementSample, known: ReadonlySet<string>): Map<string, { from: string; to: string; columns: string[] }> {
  const tables = extractTableReferences(sample.sql)
    .tables.slice(sample.kind === 'insert' ? 1 : 0)
    .filter((table) => known.has(familyName(table)));
  const joins = new Map<string, { from: string; to: string; columns: string[] }>();
  if (tables.length < 2) return joins;
  const joined = new Set<string>();
  const link = (a: string, b: string, column?: string): void => {
    const [from, to] = a <= b ? [a, b] : [b, a];
    const key = `${from}\u0000${to}`;
    let join = joins.get(key);
    if (join === undefined) joins.set(key, (join = { from, to, columns: [] }));
    if (column !== undefined && !join.columns.includes(column)) join.columns.push(column);
  };
  for (const { ref, other } of extractPredicates(sample.sql).predicates) {
    if (other?.table == null || ref.table === null || !tables.includes(ref.table) || !tables.includes(other.table)) continue;
    const a = familyName(ref.table);
    const b = familyName(other.table);
    const column = a <= b ? `${ref.column} = ${other.column}` : `${other.column} = ${ref.column}`;
    link(a, b, column);
    joined.add(ref.table).add(other.table);
  }
  const first = tables[0] as string;
  for (const table of tables) {
    if (!joined.has(table)) link(familyName(table === first ? (tables[1] as string) : first), familyName(table));
  }
  return joins;
}

const mermaidLabel = (text: string): string => `"${text.replaceAll('"', '#quot;')}"`;

/** Renders nodes and edges as a Mermaid flowchart. */
export function toMermaid(nodes: readonly string[], edges: readonly RelationshipEdge[]): string {
  const ids = new Map(nodes.map((node, i) => [node, `t${i}`]));
  const lines = ['flowchart LR'];
  for (const node of nodes) lines.push(`  ${ids.get(node) as string}[${mermaidLabel(node)}]`);
  for (const edge of edges) {
    const from = ids.get(edge.from) as string;
    const to = ids.get(edge.to) as string;
    const columns = edge.columns.join(', ');
    if (edge.kind === 'foreign-key') lines.push(`  ${from} -->|${mermaidLabel(`FK ${columns}`)}| ${to}`);
    else lines.push(`  ${from} -.-|${mermaidLabel(`join ×${edge.count}${columns === '' ? '' : ` ${columns}`}`)}| ${to}`);
  }
  return lines.join('\n');
}

/**
 * The relationships of the schema `query` reads and of the tracked `samples`.
 *
 * @param query - runs internal catalog reads
 * @param samples - one sample statement per tracked fingerprint
 */
export async function readRelationships(query: InternalQuery, samples: readonly StatementSample[]): Promise<TableRelationships> {
  const nodes = new Set((await readTables(query)).map(familyName));
  const known: ReadonlySet<string> = new Set(nodes);
  const edges = new Map<string, MutableEdge>();
  for (const fk of await readForeignKeys(query)) {
    addEdge(edges, familyName(fk.table), familyName(fk.references), 'foreign-key', 1, fk.columns);
  }
  for (const sample of samples) {
    for (const join of joinsOf(sample, known).values()) {
      addEdge(edges, join.from, join.to, 'join', sample.calls, join.columns);
    }
  }
  for (const edge of edges.values()) nodes.add(edge.from).add(edge.to);
  const sortedNodes = [...nodes].sort();
  const sortedEdges = [...edges.values()].sort(
    (a, b) => (a.kind === b.kind ? 0 : a.kind === 'foreign-key' ? -1 : 1) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
  return { nodes: sortedNodes, edges: sortedEdges, mermaid: toMermaid(sortedNodes, sortedEdges) };
}
