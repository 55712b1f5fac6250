import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { analyzeQueryPlan, classifyPlanDetail, parseRangeColumns, type PlanAccessKind, type PlanStep } from '../../src/features/analytics/query-plan.js';
import { extractTableReferences } from '../../src/features/analytics/table-refs.js';
import { EQP_FIXTURES, type EqpFixture } from './eqp-fixtures.js';

const KINDS: readonly PlanAccessKind[] = ['full-scan', 'index-search', 'covering-index', 'primary-key', 'automatic-index', 'temp-btree', 'other'];

function fixture(sql: string): EqpFixture {
  const found = EQP_FIXTURES.find((f) => f.sql === sql);
  if (found === undefined) throw new Error(`no fixture for ${sql}`);
  return found;
}

function analyze(sql: string) {
  return analyzeQueryPlan(fixture(sql).rows, { aliases: extractTableReferences(sql).aliases });
}

describe('classifyPlanDetail on real SQLite 3.53 / 3.54 detail strings', () => {
  const cases: [string, Omit<PlanStep, 'detail'>][] = [
    ['SCAN miners', { kind: 'full-scan', table: 'miners', operation: 'scan' }],
    ['SCAN miners USING COVERING INDEX miners_uid', { kind: 'covering-index', table: 'miners', operation: 'scan', index: 'miners_uid' }],
    ['SCAN u USING INDEX u_b', { kind: 'index-search', table: 'u', operation: 'scan', index: 'u_b' }],
    ['SEARCH miners USING INDEX miners_uid (uid=?)', { kind: 'index-search', table: 'miners', operation: 'search', index: 'miners_uid', columns: ['uid'] }],
    [
      'SEARCH miner_1_positions USING INDEX miner_1_positions_open (netuid=? AND status=? AND entry_ts>? AND entry_ts<?)',
      { kind: 'index-search', table: 'miner_1_positions', operation: 'search', index: 'miner_1_positions_open', columns: ['netuid', 'status', 'entry_ts'] },
    ],
    [
      'SEARCH miners USING COVERING INDEX miners_uid (uid>?)',
      { kind: 'covering-index', table: 'miners', operation: 'search', index: 'miners_uid', columns: ['uid'] },
    ],
    ['SEARCH miners USING COVERING INDEX miners_uid', { kind: 'covering-index', table: 'miners', operation: 'search', index: 'miners_uid' }],
    ['SEARCH miners USING INTEGER PRIMARY KEY (rowid=?)', { kind: 'primary-key', table: 'miners', operation: 'search', columns: ['rowid'] }],
    ['SEARCH miners USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)', { kind: 'primary-key', table: 'miners', operation: 'search', columns: ['rowid'] }],
    ['SEARCH kv USING PRIMARY KEY (k=?)', { kind: 'primary-key', table: 'kv', operation: 'search', columns: ['k'] }],
    ['SEARCH miners', { kind: 'primary-key', table: 'miners', operation: 'search' }],
    ['SEARCH u USING AUTOMATIC COVERING INDEX (a=?)', { kind: 'automatic-index', table: 'u', operation: 'search', columns: ['a'] }],
    ['SEARCH u EXISTS USING AUTOMATIC PARTIAL COVERING INDEX (a=?)', { kind: 'automatic-index', table: 'u', operation: 'search', columns: ['a'] }],
    ['SEARCH u USING INDEX u_b (b=?) LEFT-JOIN', { kind: 'index-search', table: 'u', operation: 'search', index: 'u_b', columns: ['b'] }],
    ['SEARCH s USING INDEX s_ab (ANY(a) AND b=?)', { kind: 'index-search', table: 's', operation: 'search', index: 's_ab', columns: ['a', 'b'] }],
    ['SEARCH w USING INDEX w_abc ((a,b)>(?,?))', { kind: 'index-search', table: 'w', operation: 'search', index: 'w_abc', columns: ['a', 'b'] }],
    ['SEARCH e USING INDEX e_lower (<expr>=?)', { kind: 'index-search', table: 'e', operation: 'search', index: 'e_lower', columns: ['<expr>'] }],
    [
      'SEARCH my table USING INDEX my idx (weird col=?)',
      { kind: 'index-search', table: 'my table', operation: 'search', index: 'my idx', columns: ['weird col'] },
    ],
    [
      'SEARCH main.miners USING INDEX miners_uid (uid=?)',
      { kind: 'index-search', table: 'main.miners', operation: 'search', index: 'miners_uid', columns: ['uid'] },
    ],
    ['SCAN docs VIRTUAL TABLE INDEX 0:M1', { kind: 'other', table: 'docs', operation: 'scan', virtualIndex: '0:M1' }],
    ['SCAN dbstat VIRTUAL TABLE INDEX 0x0:', { kind: 'other', table: 'dbstat', operation: 'scan', virtualIndex: '0x0:' }],
    ['USE TEMP B-TREE FOR ORDER BY', { kind: 'temp-btree', table: null, purpose: 'ORDER BY' }],
    ['USE TEMP B-TREE FOR LAST 2 TERMS OF ORDER BY', { kind: 'temp-btree', table: null, purpose: 'LAST 2 TERMS OF ORDER BY' }],
    ['USE TEMP B-TREE FOR GROUP BY', { kind: 'temp-btree', table: null, purpose: 'GROUP BY' }],
    ['SCAN CONSTANT ROW', { kind: 'other', table: null }],
    ['CO-ROUTINE (subquery-2)', { kind: 'other', table: null, subquery: '(subquery-2)' }],
    ['MATERIALIZE c', { kind: 'other', table: null, subquery: 'c' }],
    ['USING INDEX s_ab FOR IN-OPERATOR', { kind: 'index-search', table: null, operation: 'search', index: 's_ab' }],
    ['USING ROWID SEARCH ON TABLE t FOR IN-OPERATOR', { kind: 'primary-key', table: 't', operation: 'search', columns: ['rowid'] }],
    ['BLOOM FILTER ON u (a=?)', { kind: 'other', table: null }],
    ['MULTI-INDEX OR', { kind: 'other', table: null }],
    ['RIGHT-JOIN u', { kind: 'other', table: null }],
    // The pre-3.36 spelling and SQLITE_EXPLAIN_ESTIMATED_ROWS output.
    ['SCAN TABLE t AS x', { kind: 'full-scan', table: 't', alias: 'x', operation: 'scan' }],
    ['SEARCH TABLE t USING INDEX i (a=?) (~10 rows)', { kind: 'index-search', table: 't', operation: 'search', index: 'i', columns: ['a'] }],
  ];
  it.each(cases)('%s', (detail, expected) => {
    expect(classifyPlanDetail(detail)).toEqual({ ...expected, detail });
  });

  it('classifies every captured line consistently with its text', () => {
    for (const { rows } of EQP_FIXTURES) {
      for (const { detail } of rows) {
        const step = classifyPlanDetail(detail);
        expect(KINDS).toContain(step.kind);
        if (detail.includes('AUTOMATIC')) expect(step.kind).toBe('automatic-index');
        else if (detail.includes(' COVERING INDEX ')) expect(step.kind).toBe('covering-index');
        else if (/^(SCAN|SEARCH) \S+ USING INDEX /.test(detail)) expect(step.kind).toBe('index-search');
        if (/^SCAN [a-z_0-9]+$/.test(detail)) expect(step).toMatchObject({ kind: 'full-scan', table: detail.slice(5) });
        const named = / USING (?:COVERING )?INDEX (.+?)(?: \(.*)?$/.exec(detail);
        if (named) expect(step.index).toBe(named[1]);
      }
    }
  });

  it('never throws and always returns a known kind', () => {
    const prefixes = fc.constantFrom('', 'SCAN ', 'SEARCH ', 'SEARCH t USING ', 'USE TEMP B-TREE FOR ', 'USING INDEX ', 'SCAN t VIRTUAL TABLE INDEX ');
    fc.assert(
      fc.property(prefixes, fc.string({ unit: 'binary', maxLength: 60 }), (prefix, tail) => {
        expect(KINDS).toContain(classifyPlanDetail(prefix + tail).kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('parses index range columns', () => {
    expect(parseRangeColumns('a=? AND b>? AND b<?')).toEqual(['a', 'b']);
    expect(parseRangeColumns('ANY(a) AND ANY(b) AND c=?')).toEqual(['a', 'b', 'c']);
    expect(parseRangeColumns('(a,b,c)>(?,?,?)')).toEqual(['a', 'b', 'c']);
    expect(parseRangeColumns('')).toEqual([]);
  });
});

describe('analyzeQueryPlan', () => {
  it('resolves the aliases SQLite prints back to tables', () => {
    const sql = 'SELECT * FROM miners AS m JOIN miner_1_positions AS p ON p.netuid = m.uid';
    const analysis = analyze(sql);
    expect(analysis.fullScans).toEqual(['miner_1_positions']);
    expect(analysis.indexesUsed).toEqual(['miners_uid']);
    expect(analysis.steps.map((s) => [s.table, s.resolvedTable])).toEqual([
      ['p', 'miner_1_positions'],
      ['m', 'miners'],
    ]);
    const self = analyze('SELECT * FROM t AS x, t AS y WHERE x.a = y.b');
    expect(self.fullScans).toEqual(['t']);
    expect(self.automaticIndexes).toEqual([{ table: 't', columns: ['b'] }]);
  });

  it('reports automatic indexes as missing-index candidates', () => {
    expect(analyze('SELECT * FROM t JOIN u ON t.a = u.a').automaticIndexes).toEqual([{ table: 'u', columns: ['a'] }]);
    expect(analyze('SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)').automaticIndexes).toEqual([{ table: 'u', columns: ['a'] }]);
  });

  it('leaves sub-queries, co-routines and CTEs out of the table lists', () => {
    const window = analyze('SELECT a, row_number() OVER (PARTITION BY b ORDER BY c) FROM t');
    expect(window.fullScans).toEqual(['t']);
    expect(window.steps.find((s) => s.table === '(subquery-2)')?.isSubquery).toBe(true);
    const derived = analyze('SELECT * FROM (SELECT a FROM t ORDER BY b LIMIT 10) x JOIN u ON u.a = x.a');
    expect(derived.fullScans).toEqual(['t', 'u']);
    expect(derived.automaticIndexes).toEqual([]);
    expect(derived.tempBTrees).toEqual(['ORDER BY']);
    expect(analyze('WITH c AS MATERIALIZED (SELECT a FROM t) SELECT * FROM c').fullScans).toEqual(['t']);
    const recursive = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 10) SELECT * FROM r';
    expect(analyze(recursive).fullScans).toEqual([]);
  });

  it('summarizes indexes, full scans and temp b-trees', () => {
    const plan = analyze('SELECT * FROM miner_1_positions p WHERE p.netuid = ? AND p.status IN (?, ?) ORDER BY p.entry_ts, p.position_id');
    expect(plan).toMatchObject({ fullScans: [], indexesUsed: ['miner_1_positions_open'], tempBTrees: ['ORDER BY'] });
    expect(plan.steps[0]).toMatchObject({ resolvedTable: 'miner_1_positions', columns: ['netuid', 'status'] });
    const or = analyze('SELECT * FROM miners WHERE uid = ? OR hotkey = ?');
    expect(or.indexesUsed).toEqual(['miners_uid', 'sqlite_autoindex_miners_1']);
    const scans = analyze('SELECT a FROM t UNION SELECT a FROM u');
    expect(scans).toMatchObject({ fullScans: ['t', 'u'], tempBTrees: ['ORDER BY', 'ORDER BY'] });
    expect(analyzeQueryPlan([])).toEqual({ steps: [], fullScans: [], indexesUsed: [], automaticIndexes: [], tempBTrees: [] });
  });

  it('reports a full scan exactly for the captured `SCAN <stored table>` lines without an index', () => {
    for (const { sql, rows } of EQP_FIXTURES) {
      const { aliases } = extractTableReferences(sql);
      const analysis = analyzeQueryPlan(rows, { aliases });
      const subqueries = new Set(rows.map((r) => /^(?:CO-ROUTINE|MATERIALIZE) (.+)$/.exec(r.detail)?.[1]));
      const expected = new Set(
        rows
          .map((r) => /^SCAN ([^ ]+|my table)$/.exec(r.detail)?.[1])
          .filter((t): t is string => t !== undefined && !subqueries.has(t) && !t.startsWith('('))
          .map((t) => aliases.get(t) ?? t),
      );
      expect(new Set(analysis.fullScans), sql).toEqual(expected);
    }
  });
});

describe('extractTableReferences', () => {
  const cases: [string, string[], [string, string][]][] = [
    [
      'SELECT * FROM miners AS m JOIN miner_1_positions p ON p.netuid = m.uid',
      ['miners', 'miner_1_positions'],
      [
        ['m', 'miners'],
        ['p', 'miner_1_positions'],
      ],
    ],
    ['INSERT INTO t(a, b) VALUES (1, 2) ON CONFLICT(a) DO UPDATE SET b = excluded.b', ['t'], []],
    ['UPDATE OR IGNORE main.t AS x SET a = 1 FROM u WHERE u.id = x.id', ['main.t', 'u'], [['x', 'main.t']]],
    [
      'WITH c(n) AS (SELECT 1), d AS MATERIALIZED (SELECT * FROM e) SELECT * FROM c, d, f AS g, json_each(?) j LEFT JOIN "Weird T" w USING (id)',
      ['e', 'f', 'weird t'],
      [
        ['g', 'f'],
        ['j', 'json_each'],
        ['w', 'weird t'],
      ],
    ],
    ['SELECT (SELECT max(b) FROM u WHERE u.a = t.a), a, b FROM t WHERE a IN (SELECT a FROM v)', ['u', 't', 'v'], []],
    ['DELETE FROM miner_7_trades WHERE ts < ?; SELECT * FROM A, b', ['miner_7_trades', 'a', 'b'], []],
  ];
  it.each(cases)('%s', (sql, tables, aliases) => {
    const refs = extractTableReferences(sql);
    expect(refs.tables).toEqual(tables);
    expect([...refs.aliases]).toEqual(aliases);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (sql) => {
        expect(Array.isArray(extractTableReferences(sql).tables)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
