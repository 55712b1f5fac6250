import { DatabaseError } from '../../api/database-error.js';
import { backupToBytes, backupToFile, restore } from './backup-restore.js';
import type { ArchiveBatchResult } from './archive-procedure.js';
import { isCorruption } from './corruption.js';
import type { MaintenancePort } from './maintenance-port.js';
import { optimize } from './optimize.js';
import { MAINTENANCE_PROCEDURES } from './procedures.js';
import { MaintenanceScheduler } from './scheduler.js';
import type {
  ArchiveOptions,
  ArchiveReport,
  BackupOptions,
  BackupReport,
  CleanupOptions,
  CleanupReport,
  IntegrityOptions,
  IntegrityReport,
  OptimizeOptions,
  OptimizeReport,
  RecoveryOptions,
  RecoveryReport,
  RestoreReport,
  ScheduleOptions,
} from './types.js';

const DEFAULT_ARCHIVE_BATCH = 500;
const DEFAULT_CLEANUP_BATCH = 1000;
const DAY_MS = 86_400_000;

/** Epoch ms of a `Date | number` argument. */
function epochMs(value: unknown, name: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) {
    throw new DatabaseError('INVALID_ARGUMENT', `${name} must be a valid Date or an integer epoch-millisecond time.`);
  }
  return ms;
}

function positiveInteger(value: unknown, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new DatabaseError('INVALID_ARGUMENT', `${name} must be an integer ≥ 1.`);
  return n;
}

/**
 * `db.maintenance`: integrity, recovery, optimization, archival, cleanup, backup and restore.
 * Heavy work runs in the worker as procedures, one transaction per batch, so other callers'
 * statements run between batches. See `src/maintenance/README.md`.
 */
export class DatabaseMaintenance {
  readonly #port: MaintenancePort;

  /** @param port - the manager's calls and storage facts */
  constructor(port: MaintenancePort) {
    this.#port = port;
  }

  /**
   * Checks page structure, foreign keys, the schema version, every miner's tables and indexes,
   * and the ledger invariants; lists each problem with its kind, table and detail. A file too
   * damaged to open gives `ok: false` with a `corruption` problem.
   */
  async verifyIntegrity(options: IntegrityOptions = {}): Promise<IntegrityReport> {
    try {
      return await this.#port.call(MAINTENANCE_PROCEDURES.verifyIntegrity, {
        schemaVersion: this.#port.schemaVersion,
        full: options.full === true,
      });
    } catch (error) {
      if (!isCorruption(error)) throw error;
      return { ok: false, problems: [{ kind: 'corruption', detail: error.message }] };
    }
  }

  /**
   * Applies pending migrations, recreates missing per-miner tables and indexes, rewrites
   * positions, trades and aggregates that disagree with the ledger's facts (one transaction per
   * miner), and reports what it changed.
   */
  async recoverState(options: RecoveryOptions = {}): Promise<RecoveryReport> {
    const migrationsApplied = await this.#port.migrate();
    const report = {
      tablesCreated: [] as string[],
      indexesCreated: [] as string[],
      positionsReconciled: 0,
      tradesReconciled: 0,
      aggregatesFixed: [] as string[],
    };
    const miners = await this.#minerIds();
    for (const [index, minerId] of miners.entries()) {
      const r = await this.#port.call(MAINTENANCE_PROCEDURES.recoverMiner, { minerId });
      report.tablesCreated.push(...r.tablesCreated);
      report.indexesCreated.push(...r.indexesCreated);
      report.positionsReconciled += r.positionsReconciled;
      report.tradesReconciled += r.tradesReconciled;
      report.aggregatesFixed.push(...r.aggregatesFixed);
      options.onProgress?.({ minerId, minersDone: index + 1, minersTotal: miners.length });
    }
    return { minersChecked: miners.length, migrationsApplied, ...report };
  }

  /** Refreshes planner statistics, vacuums past a free-page threshold, checkpoints a WAL; reports sizes before and after. */
  async optimize(options: OptimizeOptions = {}): Promise<OptimizeReport> {
    return optimize(this.#port, options);
  }

  /**
   * Moves closed positions older than `before`, with the trades and slices that belong only to
   * archived positions, into each miner's `_archived_*` tables, in batches of one transaction.
   * Idempotent and resumable: a rerun continues with what is left.
   * @throws DatabaseError `INVALID_ARGUMENT` for bad options; `ABORTED` when `signal` fires (committed batches stay)
   */
  async archive(options: ArchiveOptions): Promise<ArchiveReport> {
    const before = epochMs(options?.before, 'archive({ before })');
    const batchSize = positiveInteger(options.batchSize, DEFAULT_ARCHIVE_BATCH, 'archive({ batchSize })');
    const minerIds = options.minerIds === undefined ? await this.#minerIds() : [...options.minerIds];
    const total = { positions: 0, trades: 0, slices: 0, batches: 0, blocked: 0 };
    for (const [index, minerId] of minerIds.entries()) {
      let after: readonly [number, number] | null = null;
      for (;;) {
        if (options.signal?.aborted === true)
          throw new DatabaseError('ABORTED', 'Archival was stopped; committed batches stay archived and a rerun continues.', { cause: options.signal.reason });
        const batch: ArchiveBatchResult = await this.#port.call(MAINTENANCE_PROCEDURES.archiveBatch, {
          minerId,
          before,
          batchSize,
          after,
          archivedAt: Date.now(),
        });
        total.positions += batch.positions;
        total.trades += batch.trades;
        total.slices += batch.slices;
        total.blocked += batch.blocked;
        if (batch.positions > 0) total.batches += 1;
        after = batch.cursor;
        const minersDone = batch.done ? index + 1 : index;
        options.onProgress?.({ minerId, minersDone, minersTotal: minerIds.length, positions: total.positions, trades: total.trades });
        if (batch.done) break;
      }
    }
    return total;
  }

  /**
   * Deletes performance snapshots and query-statistics captures older than `retentionDays`
   * (batches of one transaction each) and drops older slow-query log entries.
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad retention or time
   */
  async cleanup(options: CleanupOptions): Promise<CleanupReport> {
    const days = options?.retentionDays;
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 0) {
      throw new DatabaseError('INVALID_ARGUMENT', 'cleanup({ retentionDays }) needs a number of days ≥ 0.');
    }
    const now = options.now === undefined ? Date.now() : epochMs(options.now, 'cleanup({ now })');
    const limit = positiveInteger(options.batchSize, DEFAULT_CLEANUP_BATCH, 'cleanup({ batchSize })');
    const before = now - Math.round(days * DAY_MS);
    const deleteAll = async (
      procedure: typeof MAINTENANCE_PROCEDURES.cleanupSnapshots | typeof MAINTENANCE_PROCEDURES.cleanupQueryHistory,
    ): Promise<number> => {
      let total = 0;
      for (;;) {
        const deleted = await this.#port.call(procedure, { before, limit });
        total += deleted;
        if (deleted < limit) return total;
      }
    };
    const snapshotsDeleted = await deleteAll(MAINTENANCE_PROCEDURES.cleanupSnapshots);
    const queryStatsDeleted = await deleteAll(MAINTENANCE_PROCEDURES.cleanupQueryHistory);
    const slowQueriesDropped = this.#port.dropSlowQueriesBefore(new Date(before));
    return { before: new Date(before), snapshotsDeleted, queryStatsDeleted, slowQueriesDropped };
  }

  /**
   * A consistent online copy: the image as bytes (any storage, Node and browsers), or, given a
   * file path (Node), written there atomically.
   */
  backup(destination?: undefined, options?: BackupOptions): Promise<Uint8Array>;
  backup(destination: string, options?: BackupOptions): Promise<BackupReport>;
  async backup(destination?: string, options: BackupOptions = {}): Promise<Uint8Array | BackupReport> {
    if (destination === undefined) return backupToBytes(this.#port, options);
    return backupToFile(this.#port, destination, options);
  }

  /**
   * Replaces the database with a backup (its bytes, or a file path in Node) after checking it
   * (quick_check, schema version) on a private copy; nothing is replaced if the check fails. A
   * file too damaged to open is replaced while closed. A backup from an older schema version is
   * brought up to date by the pending migrations.
   * @throws DatabaseError `CORRUPT_DATABASE`, `INVALID_ARGUMENT` (bad schema version or source)
   */
  async restore(source: string | Uint8Array): Promise<RestoreReport> {
    return restore(this.#port, source);
  }

  /** Starts periodic maintenance in bounded batches; stop it with `stop()`. */
  schedule(options: ScheduleOptions): MaintenanceScheduler {
    return new MaintenanceScheduler(this, options);
  }

  async #minerIds(): Promise<number[]> {
    const hasMiners = await this.#port.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'miners'");
    if (hasMiners.length === 0) return [];
    return (await this.#port.query<{ miner_id: number }>('SELECT miner_id FROM miners ORDER BY miner_id')).map((r) => Number(r.miner_id));
  }
}
