/**
 * The validator example: `npm run example`.
 *
 * Replays a synthetic validator workload — miners registered, stakes and unstakes streamed in
 * batches through the FIFO ledger — against a database file, then prints a report: the
 * leaderboard, one miner's closes, the query analytics (top patterns, index usage and
 * suggestions, table relationships) and an integrity check. Run it again and the database
 * grows from where it stopped.
 *
 *   node dist/examples/node/validator.js [--db <file>] [--events <n>] [--miners <n>] [--fresh]
 *
 * Defaults: `data/validator.db` under the working directory, 20 000 events, 48 miners.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseManager } from 'alphatrade-db';
import { formatTao, percentOf, ValidatorSimulation } from '../shared/validator-simulation.js';

const BATCH = 1_000;

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'data/validator.db' },
    events: { type: 'string', default: '20000' },
    miners: { type: 'string', default: '48' },
    fresh: { type: 'boolean', default: false },
  },
});
const file = resolve(values.db);
const total = Number(values.events);
const minerCount = Number(values.miners);
if (!Number.isInteger(total) || total < 0 || !Number.isInteger(minerCount) || minerCount < 1 || minerCount > 65_536) {
  console.error('--events takes a whole number ≥ 0 and --miners a whole number from 1 to 65536.');
  process.exit(2);
}
if (values.fresh) for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
mkdirSync(dirname(file), { recursive: true });

const heading = (title: string): void => console.log(`\n== ${title} ${'='.repeat(Math.max(0, 72 - title.length))}`);
const short = (key: string): string => `${key.slice(0, 6)}…${key.slice(-4)}`;

await using db = DatabaseManager.open(file, { journalMode: 'wal', slowQueryMs: 5 });
await db.setupDatabase();
const sim = await ValidatorSimulation.start(db, { miners: minerCount });
const before = sim.eventsRecorded;
heading('alphatrade-db validator example');
console.log(`database   ${file} (${db.info?.engine}, SQLite ${db.info?.sqliteVersion}, WAL)`);
console.log(`miners     ${sim.miners.length} registered; ${before.toLocaleString('en-US')} events already recorded`);

const started = performance.now();
const refused: Record<string, number> = {};
let recorded = 0;
for (let done = 0; done < total; done += BATCH) {
  const result = await sim.step(Math.min(BATCH, total - done));
  recorded += result.recorded;
  for (const [code, n] of Object.entries(result.refused)) refused[code] = (refused[code] ?? 0) + n;
  if ((done / BATCH) % 5 === 4) process.stdout.write(`  … ${(done + BATCH).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events\n`);
  await sim.leaderboard(10);
  await sim.recentlyActive();
}
const seconds = (performance.now() - started) / 1_000;
const refusals =
  Object.entries(refused)
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ') || 'none';
console.log(
  `replayed   ${recorded.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s (${Math.round(recorded / Math.max(seconds, 1e-9)).toLocaleString('en-US')} events/s); refused: ${refusals}`,
);

heading('Leaderboard: realized pnl');
const board = await sim.leaderboard(10);
console.table(
  board.map((r, i) => ({
    rank: i + 1,
    uid: r.uid,
    hotkey: short(r.hotkey),
    trades: r.trades,
    'volume τ': formatTao(r.volumeTao, 1),
    'pnl τ': formatTao(r.pnlTao),
    'roi %': percentOf(r.pnlTao, r.costTao).toFixed(2),
    'win %': r.trades === 0 ? '–' : ((100 * r.wins) / r.trades).toFixed(1),
    open: r.openPositions,
  })),
);

const leader = board[0];
if (leader !== undefined) {
  heading(`Miner uid ${leader.uid}: latest closes (FIFO slices)`);
  const closes = await db.miners.getPositionTrades(leader.minerId);
  console.table(
    closes.slice(-5).map((c) => ({
      position: c.positionId,
      trade: c.tradeId,
      'alpha α': formatTao(c.alphaAmount),
      'tao τ': formatTao(c.taoAmount),
      'pnl τ': formatTao(c.pnlTao),
      'roi %': c.roiPct.toFixed(2),
      held: `${Math.round(c.durationSec / 60)} min`,
      closes: c.closesPosition ? 'yes' : '',
    })),
  );
  const open = await db.miners.getPositions(leader.minerId, { status: ['open', 'partial'] });
  console.log(`open or partial positions: ${open.length}`);
}

heading('Analytics: top query patterns by engine time');
await db.tracker.flush();
console.table(
  db.analytics
    .queryPatterns()
    .slice(0, 6)
    .map((p) => ({
      statement: p.normalized.replace(/\s+/g, ' ').slice(0, 70),
      calls: p.calls,
      'total ms': p.totalMs.toFixed(1),
      'mean ms': p.meanMs.toFixed(3),
      'share %': p.timeSharePct.toFixed(1),
    })),
);
const usage = await db.analytics.indexUsage();
const used = usage.indexes.filter((i) => i.uses > 0).sort((a, b) => b.uses - a.uses);
console.log(`indexes used: ${used.map((i) => `${i.name} (${i.uses})`).join(', ') || 'none'}`);
console.log(`indexes unused: ${usage.indexes.filter((i) => i.unused).length} of ${usage.indexes.length}`);
for (const scan of usage.fullScans) console.log(`full scan of ${scan.table}: ${scan.calls} calls of ${scan.normalized.replace(/\s+/g, ' ').slice(0, 60)}`);
for (const suggestion of usage.suggestions) console.log(`suggested: ${suggestion.sql}  -- ${suggestion.reason}`);
const slow = db.tracker.slowQueries({ limit: 3 });
for (const q of slow) console.log(`slow (${q.durationMs.toFixed(1)} ms): ${q.sql.replace(/\s+/g, ' ').slice(0, 70)}\n${q.plan?.text ?? '  (no plan)'}`);
const graph = await db.analytics.tableRelationships();
console.log(`table relationships: ${graph.nodes.length} tables, ${graph.edges.length} edges (Mermaid):\n${graph.mermaid}`);

heading('Integrity');
const check = await db.query<{ integrity_check: string }>('PRAGMA integrity_check');
const problems = check.map((r) => r.integrity_check).filter((line) => line !== 'ok');
console.log(problems.length === 0 ? 'PRAGMA integrity_check: ok' : `PRAGMA integrity_check found problems:\n${problems.join('\n')}`);
console.log(`\n${sim.eventsRecorded.toLocaleString('en-US')} events in ${file}; run again to continue, --fresh to start over.`);
if (problems.length > 0 || recorded !== total) process.exitCode = 1;
