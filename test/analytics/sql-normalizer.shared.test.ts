import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { classifyStatement, fnv1a64, normalizeSql, tokenizeSql, type StatementKind } from '../../src/features/analytics/sql-normalizer.js';
import { renderTemplate, renderingArb, TEMPLATES, literalArb } from './sql-templates.js';

const fp = (sql: string): string => normalizeSql(sql).fingerprint;
const norm = (sql: string): string => normalizeSql(sql).normalized;

/** FNV-1a 64 the slow, obviously-correct way. */
function fnvReference(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

describe('fnv1a64', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('matches a BigInt reference on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => fnv1a64(s) === fnvReference(s)),
      {
        numRuns: 500,
      },
    );
  });
});

describe('normalizeSql: canonical text', () => {
  const cases: [string, string][] = [
    ['select * from "Miners" where uid in (1, 2, 3) -- hi', 'SELECT * FROM miners WHERE uid IN (...)'],
    ["SELECT a FROM t WHERE b = 'it''s' AND c = x'ABCD' AND d = 1.5e-3", 'SELECT a FROM t WHERE b = ? AND c = ? AND d = ?'],
    ['SELECT 0x1F, .5, 5., 1_000, 12e3', 'SELECT ?, ?, ?, ?, ?'],
    ['SELECT ?, ?7, :a, @b, $c, $d::e(f)', 'SELECT ?, ?, ?, ?, ?, ?'],
    ['UPDATE t SET a = -5, b = +2 WHERE c > -1.5 LIMIT -1', 'UPDATE t SET a = ?, b = ? WHERE c > ? LIMIT ?'],
    ['SELECT a - 5, a-5, (a) - -5, f(-1)', 'SELECT a - ?, a - ?, (a) - ?, f(?)'],
    ['SELECT * FROM t WHERE a IS NULL AND b = TRUE AND c IS NOT false', 'SELECT * FROM t WHERE a IS NULL AND b = TRUE AND c IS NOT FALSE'],
    ["INSERT INTO t (a,b) VALUES (1,'x'),(2,'y'),(3,x'00');", 'INSERT INTO t(a, b) VALUES (?, ?), ...'],
    ['INSERT INTO t (a,b) VALUES (1, 2)', 'INSERT INTO t(a, b) VALUES (?, ?)'],
    ['INSERT INTO t VALUES (1, NULL), (2, NULL)', 'INSERT INTO t VALUES (?, NULL), (?, NULL)'],
    ['SELECT * FROM t WHERE a IN (1, b)', 'SELECT * FROM t WHERE a IN (?, b)'],
    ['SELECT * FROM t WHERE a NOT IN (SELECT 1)', 'SELECT * FROM t WHERE a NOT IN (SELECT ?)'],
    ['SELECT [My Col], `x`, "a""b", "select", "Ok_1" FROM t', 'SELECT "my col", x, "a""b", "select", ok_1 FROM t'],
    ['SELECT * FROM miner_42_positions p JOIN "miner_7_trades" t', 'SELECT * FROM miner_*_positions p JOIN miner_*_trades t'],
    ['DELETE FROM main.miner_3_archived_position_trades', 'DELETE FROM main.miner_*_archived_position_trades'],
    ['SELECT miner_1, miner_x_y, miner_1_ FROM t', 'SELECT miner_1, miner_x_y, miner_1_ FROM t'],
    ['  SELECT\n\t1 /* c */ ;  ', 'SELECT ?'],
    ['SELECT 1;; select 2;', 'SELECT ?; SELECT ?'],
    ["SELECT count( * ), json_extract(a, '$.b') ->> 'c' FROM t", 'SELECT count(*), json_extract(a, ?) ->> ? FROM t'],
    ['SELECT t.a, s.* FROM t, s', 'SELECT t.a, s.* FROM t, s'],
    ["SELECT 'unterminated", 'SELECT ?'],
    ['SELECT "unterminated', 'SELECT unterminated'],
    ['SELECT 1 /* unterminated', 'SELECT ?'],
    ['', ''],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(norm(input)).toBe(expected);
  });

  it('keeps the semicolons inside a trigger body and splits the statements around it', () => {
    const sql = 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET c = CASE WHEN 1 THEN 2 END; ' + 'DELETE FROM v WHERE id = 9; END; SELECT 1;';
    expect(norm(sql)).toBe('CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET c = CASE WHEN ? THEN ? END; ' + 'DELETE FROM v WHERE id = ?; END; SELECT ?');
  });

  it('counts parameters as sqlite3_bind_parameter_count does (checked against SQLite 3.54.1)', () => {
    const vectors: [string, number][] = [
      ['SELECT ?, ?, ?', 3],
      ['SELECT ?3, ?', 4],
      ['SELECT :a, :a, @a, $a', 3],
      ['SELECT $a::b, $a::b(x), ?', 3],
      ['SELECT ?5, :x, ?2, ?', 7],
      ['SELECT #a, :b1, @1', 3],
      ['SELECT * FROM t WHERE a IN (?, ?, ?) AND b = :b AND c = :b', 4],
      ['SELECT ?1, ?1, ?', 2],
      ["SELECT '?', ? -- ?\n", 1],
      ['SELECT ?; SELECT ?, ?', 3],
    ];
    for (const [sql, count] of vectors) expect(normalizeSql(sql).paramCount, sql).toBe(count);
  });

  it('fingerprints are 16 lower-case hex digits of the normalized text', () => {
    const r = normalizeSql('SELECT * FROM miners WHERE uid = 1');
    expect(r.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(r.fingerprint).toBe(fnv1a64(r.normalized));
  });
});

describe('normalizeSql: what shares a fingerprint', () => {
  const groups: string[][] = [
    [
      "SELECT * FROM miners WHERE uid = 5 AND hotkey = '5Grw'",
      'select *   from miners\nwhere uid=?  and hotkey = ?',
      'SELECT * FROM miners WHERE uid = :uid AND hotkey = :hk',
      'SELECT * FROM miners WHERE uid = $uid AND hotkey = @hk -- comment',
      'SELECT * /* why */ FROM "miners" WHERE [uid] = -1 AND `HOTKEY` = x\'00\';',
      'SELECT * FROM Miners WHERE UID = ?12 AND hotkey = 1e9',
    ],
    [
      'SELECT * FROM t WHERE id IN (1)',
      'SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5, 6, 7)',
      "SELECT * FROM t WHERE id IN (?, :a, 'x', -2)",
      'SELECT * FROM t WHERE id IN (...)',
    ],
    ['INSERT INTO t(a, b) VALUES (1, 2), (3, 4)', "INSERT INTO t(a, b) VALUES (?, ?), (?, ?), (5, 'six'), (:a, :b)", 'insert into t (a,b) values (?,?),(?,?)'],
    [
      'SELECT * FROM miner_1_positions WHERE netuid = 1',
      'SELECT * FROM miner_20071_positions WHERE netuid = 8',
      'SELECT * FROM "MINER_3_POSITIONS" WHERE netuid = ?',
    ],
  ];
  it.each(groups.map((g) => [g[0], g] as const))('%j and its variants', (_, group) => {
    const prints = new Set(group.map(fp));
    expect(prints.size, group.map(norm).join('\n')).toBe(1);
  });

  it('renderings of one template with different literals, parameter styles, whitespace, comments, case, quoting and list lengths share one fingerprint', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEMPLATES).chain((template) => fc.tuple(fc.constant(template), renderingArb(template), renderingArb(template))),
        ([template, a, b]) => {
          const canonical = normalizeSql(renderTemplate(template));
          expect(normalizeSql(a).normalized).toBe(canonical.normalized);
          expect(fp(b)).toBe(canonical.fingerprint);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('normalizeSql: what does not share a fingerprint', () => {
  const pairs: [string, string][] = [
    ['SELECT * FROM miners WHERE uid = 1', 'SELECT * FROM miners WHERE coldkey = 1'],
    ['SELECT * FROM miners WHERE uid = 1', 'SELECT * FROM trades WHERE uid = 1'],
    ['SELECT * FROM t WHERE a = 1', 'SELECT * FROM t WHERE a < 1'],
    ['SELECT * FROM t WHERE a = 1', 'SELECT * FROM t WHERE a IN (1)'],
    ['SELECT * FROM t WHERE a = 1', 'SELECT * FROM t WHERE a IS NULL'],
    ['SELECT * FROM t WHERE a = 1', 'SELECT * FROM t WHERE a = 1 ORDER BY a'],
    ['SELECT * FROM t WHERE a = 1 AND b = 2', 'SELECT * FROM t WHERE a = 1 OR b = 2'],
    ['SELECT a FROM t', 'SELECT a, b FROM t'],
    ['SELECT a - 1 FROM t', 'SELECT a + 1 FROM t'],
    ['SELECT a FROM t WHERE b = TRUE', 'SELECT a FROM t WHERE b = FALSE'],
    ['INSERT INTO t VALUES (1, 2)', 'INSERT INTO t VALUES (1, 2), (3, 4)'],
    ['SELECT * FROM miner_1_positions', 'SELECT * FROM miner_1_trades'],
    ['SELECT * FROM "a b"', 'SELECT * FROM a_b'],
  ];
  it.each(pairs)('%j ≠ %j', (a, b) => {
    expect(fp(a)).not.toBe(fp(b));
  });
});

describe('normalizeSql: no literal survives', () => {
  it('drops every string, number and blob literal of the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEMPLATES).chain((template) => renderingArb(template, literalArb)),
        (sql) => {
          const { normalized } = normalizeSql(sql);
          expect(normalized).not.toMatch(/[0-9']/);
          for (const marker of sql.match(/LIT[0-9]{6}/g) ?? []) expect(normalized).not.toContain(marker);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('normalizeSql: robustness', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: fc.constantFrom(...`'"\`[]x-/*().,;?:@$#0123456789eE+ \n\tINVALUESmr_*`), maxLength: 200 }),
  );

  it('never throws, and normalizing its own output changes nothing', () => {
    fc.assert(
      fc.property(anyText, (sql) => {
        const first = normalizeSql(sql);
        const second = normalizeSql(first.normalized);
        expect(second.normalized).toBe(first.normalized);
        expect(second.fingerprint).toBe(first.fingerprint);
        expect(first.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      }),
      { numRuns: 3000 },
    );
  });

  // About 4 s of linear work, 37 s seen on a loaded CI machine; catastrophic backtracking would take hours.
  it('finishes on 1 MB inputs of hostile shapes', { timeout: 180_000 }, () => {
    const mb = 1 << 20;
    const inputs = [
      'SELECT ' + '1, '.repeat(mb / 3) + '1',
      'SELECT * FROM t WHERE a IN (' + '?, '.repeat(mb / 3) + '?)',
      'INSERT INTO t VALUES ' + '(1, 2), '.repeat(mb / 8) + '(1, 2)',
      "SELECT '" + 'x'.repeat(mb),
      'SELECT /*' + '*'.repeat(mb),
      '('.repeat(mb),
      '- '.repeat(mb / 2) + '1',
      '"'.repeat(mb),
      'CREATE TRIGGER x BEGIN ' + 'CASE '.repeat(mb / 5),
    ];
    for (const sql of inputs) {
      const r = normalizeSql(sql);
      expect(r.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
  });
});

describe('tokenizeSql', () => {
  it('types each token and skips whitespace and comments', () => {
    const tokens = tokenizeSql("SELECT \"A\", b, 'x', x'00', 1.5, :p FROM t -- c\n/* d */ WHERE a->>'$.k' != ?");
    expect(tokens.map((t) => [t.type, t.value])).toEqual([
      ['keyword', 'SELECT'],
      ['quoted-identifier', 'A'],
      ['punctuation', ','],
      ['identifier', 'b'],
      ['punctuation', ','],
      ['string', "'x'"],
      ['punctuation', ','],
      ['blob', "x'00'"],
      ['punctuation', ','],
      ['number', '1.5'],
      ['punctuation', ','],
      ['parameter', ':p'],
      ['keyword', 'FROM'],
      ['identifier', 't'],
      ['keyword', 'WHERE'],
      ['identifier', 'a'],
      ['operator', '->>'],
      ['string', "'$.k'"],
      ['operator', '!='],
      ['parameter', '?'],
    ]);
  });

  it('accounts for every non-blank character with source offsets', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (sql) => {
        let last = 0;
        for (const t of tokenizeSql(sql)) {
          expect(t.start).toBeGreaterThanOrEqual(last);
          expect(t.end).toBeGreaterThan(t.start);
          expect(sql.slice(t.start, t.end)).toBe(t.text);
          last = t.end;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('classifyStatement', () => {
  const cases: [string, StatementKind][] = [
    ['SELECT 1', 'select'],
    ['values (1)', 'select'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'select'],
    ['WITH x AS (SELECT 1) DELETE FROM t WHERE id IN x', 'delete'],
    ['WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x) INSERT INTO t SELECT n FROM x', 'insert'],
    ['INSERT INTO t VALUES (1)', 'insert'],
    ['REPLACE INTO t VALUES (1)', 'insert'],
    ['UPDATE t SET a = 1', 'update'],
    ['DELETE FROM t', 'delete'],
    ['CREATE TABLE t(a)', 'ddl'],
    ['DROP INDEX i', 'ddl'],
    ['ALTER TABLE t ADD COLUMN b', 'ddl'],
    ['PRAGMA journal_mode = WAL', 'pragma'],
    ['BEGIN IMMEDIATE', 'transaction'],
    ['COMMIT', 'transaction'],
    ['SAVEPOINT sp', 'transaction'],
    ['RELEASE sp', 'transaction'],
    ['ROLLBACK TO sp', 'transaction'],
    ['VACUUM', 'other'],
    ['EXPLAIN QUERY PLAN SELECT 1', 'other'],
    ['', 'other'],
    ['-- only a comment', 'other'],
  ];
  it.each(cases)('%j → %s', (sql, kind) => {
    expect(classifyStatement(sql)).toBe(kind);
    expect(classifyStatement(norm(sql))).toBe(kind);
  });
});
