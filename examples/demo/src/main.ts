/**
 * The demo page: opens the database (OPFS when the library supports it, else memory), starts a
 * simulated validator, and keeps the panels current while it streams stakes and unstakes.
 */
import type { IndexSuggestion } from 'alphatrade-db';
import { ValidatorSimulation } from '../../shared/validator-simulation.js';
import { byId, fill } from './dom.js';
import { openDemoDatabase } from './open-database.js';
import { renderIndexUsage, renderPatterns, renderSlowQueries } from './panels/analytics.js';
import { count } from './panels/format.js';
import { LatencyChart } from './panels/latency-chart.js';
import { renderLeaderboard } from './panels/leaderboard.js';
import { renderMaintenance } from './panels/maintenance.js';
import { renderMinerDetail } from './panels/miner-detail.js';
import { renderRelationshipGraph } from './panels/relationship-graph.js';

const MINERS = 32;
const LEADERBOARD_ROWS = 15;
const ANALYTICS_EVERY_MS = 1_500;
const PAUSE_BETWEEN_BATCHES_MS = 40;

const status = (line: string): void => fill('status', line);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

addEventListener('unhandledrejection', (event) => {
  status(`failed: ${event.reason instanceof Error ? event.reason.message : String(event.reason)}`);
});
status('opening the database…');
const { db, storage, note } = await openDemoDatabase();
fill('storage-mode', storage === 'opfs' ? 'OPFS' : 'memory');
byId('storage-mode').dataset.storage = storage;
fill('storage-note', note);
fill('engine', `${db.info?.engine ?? '?'} · SQLite ${db.info?.sqliteVersion ?? '?'}`);
status('registering miners…');
let sim = await ValidatorSimulation.start(db, { miners: MINERS });
const chart = new LatencyChart();
let selected: number | undefined;
let pinned = false;
let running = false;
let unloading = false;
let analyticsAt = 0;

async function refreshLedger(): Promise<void> {
  const rows = await chart.time('leaderboard', () => sim.leaderboard(LEADERBOARD_ROWS));
  await sim.recentlyActive();
  if (!pinned) selected = rows[0]?.minerId;
  renderLeaderboard(rows, selected, (row) => {
    selected = row.minerId;
    pinned = true;
    void refreshLedger();
  });
  if (selected !== undefined) {
    const minerId = selected;
    await chart.time('lookup', () => db.miners.getMiner({ minerId }));
    await renderMinerDetail(db, minerId);
  }
  fill('miner-count', count(sim.miners.length));
  fill('event-count', count(sim.eventsRecorded));
  byId('event-count').dataset.events = String(sim.eventsRecorded);
  chart.render();
}

async function refreshAnalytics(): Promise<void> {
  analyticsAt = performance.now();
  await db.tracker.flush();
  renderPatterns(db.analytics.queryPatterns().filter((pattern) => pattern.kind !== 'procedure'));
  renderSlowQueries(db.tracker.slowQueries({ limit: 100 }), db.tracker.slowQueryMs);
  renderIndexUsage(await db.analytics.indexUsage(), (suggestion) => void applySuggestion(suggestion));
  renderRelationshipGraph(await db.analytics.tableRelationships());
}

async function applySuggestion(suggestion: IndexSuggestion): Promise<void> {
  await db.exec(suggestion.sql);
  status(`created: ${suggestion.sql}`);
  await refreshAnalytics();
}

async function refreshAll(): Promise<void> {
  sim = await ValidatorSimulation.start(db, { miners: MINERS });
  await refreshLedger();
  await refreshAnalytics();
}

async function runLoop(): Promise<void> {
  while (running) {
    const size = Number(byId<HTMLSelectElement>('batch-size').value);
    const batch = await chart.time('batch', () => sim.step(size));
    const refused = Object.entries(batch.refused)
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ');
    status(
      `${count(batch.recorded)} events in ${batch.ms.toFixed(0)} ms (${((1000 * batch.ms) / Math.max(1, size)).toFixed(0)} µs/event)${refused === '' ? '' : `, refused: ${refused}`}`,
    );
    await refreshLedger();
    if (performance.now() - analyticsAt > ANALYTICS_EVERY_MS) await refreshAnalytics();
    await sleep(PAUSE_BETWEEN_BATCHES_MS);
  }
  await refreshAnalytics();
  status(`paused at ${count(sim.eventsRecorded)} events`);
}

const run = byId<HTMLButtonElement>('run');
run.addEventListener('click', () => {
  running = !running;
  run.textContent = running ? '❚❚ Pause' : '▶ Run simulation';
  run.classList.toggle('running', running);
  if (running) {
    runLoop().catch((error: unknown) => {
      running = false;
      if (unloading) return;
      run.textContent = '▶ Run simulation';
      status(`stopped: ${error instanceof Error ? error.message : String(error)}`);
      console.error(error);
    });
  }
});

addEventListener('pagehide', () => {
  unloading = true;
  running = false;
  void db.close();
});
renderMaintenance({ db, clock: () => sim.clock, onChanged: refreshAll });
await refreshLedger();
await refreshAnalytics();
run.disabled = false;
document.body.dataset.ready = 'true';
status(sim.eventsRecorded === 0 ? 'ready: press Run' : `ready: ${count(sim.eventsRecorded)} events restored from ${storage === 'opfs' ? 'OPFS' : 'memory'}`);
