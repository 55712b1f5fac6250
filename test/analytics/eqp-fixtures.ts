/**
 * Real `EXPLAIN QUERY PLAN` output, captured from SQLite 3.54.1 (@sqlite.org/sqlite-wasm, our
 * engine) and SQLite 3.53.2 (better-sqlite3) on the schemas below. Both versions printed the same
 * detail strings for every statement (one node id differed by one).
 *
 * Kept as literals so that the tests run unchanged in Node and in the browser.
 */

/** The main capture schema. */
export const EQP_SCHEMA = `CREATE TABLE miners(miner_id INTEGER PRIMARY KEY, uid INTEGER, hotkey TEXT UNIQUE, coldkey TEXT, status TEXT);
CREATE INDEX miners_uid ON miners(uid);
CREATE TABLE miner_1_positions(position_id INTEGER PRIMARY KEY, netuid INTEGER, status TEXT, entry_ts INTEGER, entry_tao INTEGER, remaining_alpha INTEGER, extrinsic_id TEXT UNIQUE);
CREATE INDEX miner_1_positions_open ON miner_1_positions(netuid, status, entry_ts);
CREATE TABLE miner_1_trades(trade_id INTEGER PRIMARY KEY, netuid INTEGER, ts INTEGER, tao INTEGER);
CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE pt(position_id INTEGER, trade_id INTEGER, alpha INTEGER, PRIMARY KEY(position_id, trade_id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE docs USING fts5(body);
CREATE TABLE t(a,b,c);
CREATE TABLE u(a,b,c);
CREATE INDEX u_b ON u(b);
CREATE INDEX u_c ON u(c);
CREATE TABLE e(x, y);
CREATE INDEX e_lower ON e(lower(x));
CREATE INDEX e_part ON e(y) WHERE y IS NOT NULL;`;

/** A second schema (with ANALYZE data, odd names) for skip-scan, quoting and IN-operator plans. */
export const EQP_SCHEMA_2 = `
CREATE TABLE s(a INT, b INT, c INT); CREATE INDEX s_ab ON s(a,b); -- 5000 rows, a = v % 3; ANALYZE
CREATE TABLE "my table"(id INTEGER PRIMARY KEY, "weird col" TEXT, v);
CREATE INDEX "my idx" ON "my table"("weird col");
CREATE TABLE w(a, b, c, d); CREATE INDEX w_abc ON w(a,b,c);`;

/** One captured plan: the statement and its rows as `[id, parent, detail]`. */
export interface EqpFixture {
  readonly sql: string;
  readonly rows: readonly { readonly id: number; readonly parent: number; readonly detail: string }[];
}

function f(sql: string, ...rows: [number, number, string][]): EqpFixture {
  return { sql, rows: rows.map(([id, parent, detail]) => ({ id, parent, detail })) };
}

/** Every captured plan. */
export const EQP_FIXTURES: readonly EqpFixture[] = [
  f('SELECT * FROM miners', [2, 0, 'SCAN miners']),
  f('SELECT * FROM miners WHERE miner_id = ?', [2, 0, 'SEARCH miners USING INTEGER PRIMARY KEY (rowid=?)']),
  f('SELECT * FROM miners WHERE miner_id > ?', [2, 0, 'SEARCH miners USING INTEGER PRIMARY KEY (rowid>?)']),
  f('SELECT * FROM miners WHERE miner_id > ? AND miner_id < ?', [2, 0, 'SEARCH miners USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)']),
  f('SELECT * FROM miners WHERE miner_id < ?', [2, 0, 'SEARCH miners USING INTEGER PRIMARY KEY (rowid<?)']),
  f('SELECT * FROM miners WHERE uid = ?', [3, 0, 'SEARCH miners USING INDEX miners_uid (uid=?)']),
  f('SELECT uid FROM miners WHERE uid > ?', [2, 0, 'SEARCH miners USING COVERING INDEX miners_uid (uid>?)']),
  f('SELECT uid FROM miners ORDER BY uid', [3, 0, 'SCAN miners USING COVERING INDEX miners_uid']),
  f('SELECT * FROM miners WHERE hotkey = ?', [3, 0, 'SEARCH miners USING INDEX sqlite_autoindex_miners_1 (hotkey=?)']),
  f('SELECT * FROM miners ORDER BY coldkey', [3, 0, 'SCAN miners'], [13, 0, 'USE TEMP B-TREE FOR ORDER BY']),
  f('SELECT * FROM miners m WHERE m.uid = ?', [3, 0, 'SEARCH m USING INDEX miners_uid (uid=?)']),
  f('SELECT * FROM miners AS m JOIN miner_1_positions AS p ON p.netuid = m.uid', [4, 0, 'SCAN p'], [6, 0, 'SEARCH m USING INDEX miners_uid (uid=?)']),
  f(
    'SELECT * FROM miner_1_positions p WHERE p.netuid = ? AND p.status IN (?, ?) ORDER BY p.entry_ts, p.position_id',
    [4, 0, 'SEARCH p USING INDEX miner_1_positions_open (netuid=? AND status=?)'],
    [39, 0, 'USE TEMP B-TREE FOR ORDER BY'],
  ),
  f('SELECT * FROM miner_1_positions WHERE netuid = ? AND status = ? AND entry_ts > ?', [
    3,
    0,
    'SEARCH miner_1_positions USING INDEX miner_1_positions_open (netuid=? AND status=? AND entry_ts>?)',
  ]),
  f('SELECT * FROM miner_1_positions WHERE netuid = ? AND status = ? AND entry_ts > ? AND entry_ts < ?', [
    3,
    0,
    'SEARCH miner_1_positions USING INDEX miner_1_positions_open (netuid=? AND status=? AND entry_ts>? AND entry_ts<?)',
  ]),
  f('SELECT * FROM miner_1_positions WHERE netuid BETWEEN ? AND ?', [
    3,
    0,
    'SEARCH miner_1_positions USING INDEX miner_1_positions_open (netuid>? AND netuid<?)',
  ]),
  f('SELECT * FROM miner_1_positions WHERE netuid = ? ORDER BY status DESC, entry_ts DESC', [
    4,
    0,
    'SEARCH miner_1_positions USING INDEX miner_1_positions_open (netuid=?)',
  ]),
  f('SELECT * FROM miner_1_positions WHERE extrinsic_id = ?', [
    3,
    0,
    'SEARCH miner_1_positions USING INDEX sqlite_autoindex_miner_1_positions_1 (extrinsic_id=?)',
  ]),
  f('SELECT * FROM kv WHERE k = ?', [2, 0, 'SEARCH kv USING PRIMARY KEY (k=?)']),
  f('SELECT * FROM kv', [2, 0, 'SCAN kv']),
  f('SELECT * FROM kv WHERE k > ?', [2, 0, 'SEARCH kv USING PRIMARY KEY (k>?)']),
  f('SELECT * FROM pt WHERE position_id = ?', [2, 0, 'SEARCH pt USING PRIMARY KEY (position_id=?)']),
  f('SELECT * FROM pt WHERE trade_id = ?', [2, 0, 'SCAN pt']),
  f('SELECT * FROM t JOIN u ON t.a = u.a', [3, 0, 'SCAN t'], [7, 0, 'BLOOM FILTER ON u (a=?)'], [18, 0, 'SEARCH u USING AUTOMATIC COVERING INDEX (a=?)']),
  f('SELECT * FROM t WHERE a IN (SELECT a FROM u)', [2, 0, 'SCAN t'], [7, 0, 'LIST SUBQUERY 1'], [10, 7, 'SCAN u'], [16, 7, 'CREATE BLOOM FILTER']),
  f('SELECT a, count(*) FROM t GROUP BY a', [6, 0, 'SCAN t'], [8, 0, 'USE TEMP B-TREE FOR GROUP BY']),
  f('SELECT DISTINCT a FROM t', [3, 0, 'SCAN t'], [11, 0, 'USE TEMP B-TREE FOR DISTINCT']),
  f(
    'SELECT * FROM (SELECT a FROM t ORDER BY b LIMIT 10) x JOIN u ON u.a = x.a',
    [2, 0, 'CO-ROUTINE x'],
    [6, 2, 'SCAN t'],
    [18, 2, 'USE TEMP B-TREE FOR ORDER BY'],
    [25, 0, 'SCAN u'],
    [29, 0, 'BLOOM FILTER ON x (a=?)'],
    [40, 0, 'SEARCH x USING AUTOMATIC COVERING INDEX (a=?)'],
  ),
  f('WITH c AS MATERIALIZED (SELECT a FROM t) SELECT * FROM c', [3, 0, 'MATERIALIZE c'], [6, 3, 'SCAN t'], [16, 0, 'SCAN c']),
  f(
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 10) SELECT * FROM r',
    [2, 0, 'CO-ROUTINE r'],
    [5, 2, 'SETUP'],
    [6, 5, 'SCAN CONSTANT ROW'],
    [17, 2, 'RECURSIVE STEP'],
    [18, 17, 'SCAN r'],
    [28, 0, 'SCAN r'],
  ),
  f('SELECT 1', [1, 0, 'SCAN CONSTANT ROW']),
  f('SELECT * FROM docs WHERE docs MATCH ?', [2, 0, 'SCAN docs VIRTUAL TABLE INDEX 0:M1']),
  f(
    'SELECT a FROM t UNION SELECT a FROM u',
    [2, 0, 'MERGE (UNION)'],
    [4, 2, 'LEFT'],
    [7, 4, 'SCAN t'],
    [13, 4, 'USE TEMP B-TREE FOR ORDER BY'],
    [22, 2, 'RIGHT'],
    [25, 22, 'SCAN u'],
    [31, 22, 'USE TEMP B-TREE FOR ORDER BY'],
  ),
  f(
    'SELECT a FROM t UNION ALL SELECT a FROM u',
    [1, 0, 'COMPOUND QUERY'],
    [2, 1, 'LEFT-MOST SUBQUERY'],
    [4, 2, 'SCAN t'],
    [9, 1, 'UNION ALL'],
    [11, 9, 'SCAN u'],
  ),
  f('SELECT * FROM t WHERE a = ? OR b = ?', [2, 0, 'SCAN t']),
  f(
    'SELECT * FROM u WHERE b = ? OR c = ?',
    [4, 0, 'MULTI-INDEX OR'],
    [5, 4, 'INDEX 1'],
    [12, 5, 'SEARCH u USING INDEX u_b (b=?)'],
    [17, 4, 'INDEX 2'],
    [24, 17, 'SEARCH u USING INDEX u_c (c=?)'],
  ),
  f(
    'SELECT * FROM miners WHERE uid = ? OR hotkey = ?',
    [4, 0, 'MULTI-INDEX OR'],
    [5, 4, 'INDEX 1'],
    [13, 5, 'SEARCH miners USING INDEX miners_uid (uid=?)'],
    [18, 4, 'INDEX 2'],
    [26, 18, 'SEARCH miners USING INDEX sqlite_autoindex_miners_1 (hotkey=?)'],
  ),
  f(
    'SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)',
    [4, 0, 'SCAN t'],
    [8, 0, 'BLOOM FILTER ON u (a=?)'],
    [18, 0, 'SEARCH u EXISTS USING AUTOMATIC PARTIAL COVERING INDEX (a=?)'],
  ),
  f('SELECT *, (SELECT max(b) FROM u WHERE u.a = t.a) FROM t', [2, 0, 'SCAN t'], [8, 0, 'CORRELATED SCALAR SUBQUERY 1'], [14, 8, 'SEARCH u USING INDEX u_b']),
  f('SELECT *, (SELECT max(b) FROM u) FROM t', [2, 0, 'SCAN t'], [9, 0, 'SCALAR SUBQUERY 1'], [14, 9, 'SEARCH u USING COVERING INDEX u_b']),
  f("SELECT * FROM pragma_table_info('t')", [2, 0, 'SCAN pragma_table_info VIRTUAL TABLE INDEX 0:']),
  f('SELECT * FROM miners WHERE rowid = ?', [2, 0, 'SEARCH miners USING INTEGER PRIMARY KEY (rowid=?)']),
  f('SELECT * FROM miners WHERE miner_id IN (1,2,3)', [2, 0, 'SEARCH miners USING INTEGER PRIMARY KEY (rowid=?)']),
  f('SELECT * FROM miners WHERE uid IN (1,2,3)', [3, 0, 'SEARCH miners USING INDEX miners_uid (uid=?)']),
  f('SELECT * FROM miners WHERE uid IN (SELECT a FROM t)', [3, 0, 'SEARCH miners USING INDEX miners_uid (uid=?)'], [7, 0, 'LIST SUBQUERY 1'], [9, 7, 'SCAN t']),
  f('UPDATE miner_1_positions SET status = ? WHERE position_id = ?', [4, 0, 'SEARCH miner_1_positions USING INTEGER PRIMARY KEY (rowid=?)']),
  f('DELETE FROM miner_1_trades WHERE ts < ?', [3, 0, 'SCAN miner_1_trades']),
  f(
    'SELECT a, row_number() OVER (PARTITION BY b ORDER BY c) FROM t',
    [3, 0, 'CO-ROUTINE (subquery-2)'],
    [6, 3, 'SCAN t'],
    [14, 3, 'USE TEMP B-TREE FOR ORDER BY'],
    [30, 0, 'SCAN (subquery-2)'],
  ),
  f('SELECT count(*) FROM miners', [4, 0, 'SCAN miners USING COVERING INDEX miners_uid']),
  f('SELECT max(uid) FROM miners', [3, 0, 'SEARCH miners USING COVERING INDEX miners_uid']),
  f('SELECT max(miner_id) FROM miners', [3, 0, 'SEARCH miners']),
  f('SELECT * FROM t LEFT JOIN u ON t.a = u.a AND u.b = ?', [4, 0, 'SCAN t'], [6, 0, 'SEARCH u USING INDEX u_b (b=?) LEFT-JOIN']),
  f('SELECT * FROM t RIGHT JOIN u ON t.a = u.b', [7, 0, 'SCAN t'], [9, 0, 'SEARCH u USING INDEX u_b (b=?)'], [32, 0, 'RIGHT-JOIN u'], [36, 32, 'SCAN u']),
  f(
    'SELECT * FROM t FULL JOIN u ON t.a = u.b',
    [7, 0, 'SCAN t'],
    [9, 0, 'SEARCH u USING INDEX u_b (b=?) LEFT-JOIN'],
    [38, 0, 'RIGHT-JOIN u'],
    [42, 38, 'SCAN u'],
  ),
  f('SELECT * FROM miner_1_positions AS pos WHERE pos.position_id = ?', [2, 0, 'SEARCH pos USING INTEGER PRIMARY KEY (rowid=?)']),
  f(
    'SELECT * FROM t AS x, t AS y WHERE x.a = y.b',
    [3, 0, 'SCAN x'],
    [7, 0, 'BLOOM FILTER ON y (b=?)'],
    [18, 0, 'SEARCH y USING AUTOMATIC COVERING INDEX (b=?)'],
  ),
  f('SELECT * FROM miners INDEXED BY miners_uid WHERE uid > 0', [3, 0, 'SEARCH miners USING INDEX miners_uid (uid>?)']),
  f('SELECT * FROM miners NOT INDEXED WHERE miner_id = 5', [2, 0, 'SEARCH miners USING INTEGER PRIMARY KEY (rowid=?)']),
  f('SELECT * FROM e WHERE lower(x) = ?', [3, 0, 'SEARCH e USING INDEX e_lower (<expr>=?)']),
  f('SELECT y FROM e WHERE y > 5', [2, 0, 'SEARCH e USING COVERING INDEX e_part (y>?)']),
  f('SELECT * FROM u WHERE c = 1 ORDER BY b', [4, 0, 'SEARCH u USING INDEX u_c (c=?)'], [15, 0, 'USE TEMP B-TREE FOR ORDER BY']),
  f('SELECT * FROM u ORDER BY b, a', [4, 0, 'SCAN u USING INDEX u_b'], [20, 0, 'USE TEMP B-TREE FOR LAST TERM OF ORDER BY']),
  f('SELECT * FROM u ORDER BY b LIMIT 5', [5, 0, 'SCAN u USING INDEX u_b']),
  f('SELECT * FROM main.miners WHERE uid = 1', [3, 0, 'SEARCH main.miners USING INDEX miners_uid (uid=?)']),
  f('SELECT * FROM "miners" WHERE "uid" = 1', [3, 0, 'SEARCH miners USING INDEX miners_uid (uid=?)']),
  f('SELECT * FROM u WHERE b = 1 AND c = 2', [3, 0, 'SEARCH u USING INDEX u_c (c=?)']),
  f(
    'SELECT * FROM miners WHERE uid IN (SELECT a FROM t) AND hotkey = ?',
    [3, 0, 'SEARCH miners USING INDEX sqlite_autoindex_miners_1 (hotkey=?)'],
    [13, 0, 'LIST SUBQUERY 1'],
    [16, 13, 'SCAN t'],
    [22, 13, 'CREATE BLOOM FILTER'],
  ),
  f('SELECT * FROM t WHERE a IN (1,2) ORDER BY b', [3, 0, 'SCAN t'], [14, 0, 'USE TEMP B-TREE FOR ORDER BY']),
  f('SELECT * FROM json_each(?)', [2, 0, 'SCAN json_each VIRTUAL TABLE INDEX 1:']),
  f(
    'SELECT (SELECT count(*) FROM u WHERE u.b = t.a) FROM t',
    [2, 0, 'SCAN t'],
    [5, 0, 'CORRELATED SCALAR SUBQUERY 1'],
    [10, 5, 'SEARCH u USING COVERING INDEX u_b (b=?)'],
  ),
  f('SELECT * FROM u WHERE b IN (?, ?, ?)', [3, 0, 'SEARCH u USING INDEX u_b (b=?)']),
  f('SELECT * FROM u WHERE c > 5 AND b = 3', [3, 0, 'SEARCH u USING INDEX u_b (b=?)']),
  f('SELECT * FROM s WHERE b = 7', [3, 0, 'SEARCH s USING INDEX s_ab (ANY(a) AND b=?)']),
  f('SELECT * FROM "my table" WHERE "weird col" = ?', [3, 0, 'SEARCH my table USING INDEX my idx (weird col=?)']),
  f('SELECT * FROM "my table" AS "x y" WHERE id = ?', [2, 0, 'SEARCH x y USING INTEGER PRIMARY KEY (rowid=?)']),
  f('SELECT * FROM w ORDER BY a, b, d, c', [4, 0, 'SCAN w USING INDEX w_abc'], [22, 0, 'USE TEMP B-TREE FOR LAST 2 TERMS OF ORDER BY']),
  f(
    'SELECT * FROM w WHERE a IN (SELECT a FROM s) ORDER BY b',
    [3, 0, 'SCAN w'],
    [6, 0, 'USING INDEX s_ab FOR IN-OPERATOR'],
    [20, 0, 'USE TEMP B-TREE FOR ORDER BY'],
  ),
  f('SELECT * FROM w WHERE (a, b) > (1, 2)', [3, 0, 'SEARCH w USING INDEX w_abc ((a,b)>(?,?))']),
  f('SELECT * FROM dbstat', [2, 0, 'SCAN dbstat VIRTUAL TABLE INDEX 0x0:']),
];
