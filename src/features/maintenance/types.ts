/**
 * Public option and result types of `db.maintenance` (see `src/maintenance/README.md`).
 * Everything here is structured-clonable: the worker-side procedures return these shapes.
 */

/** What kind of problem {@link DatabaseMaintenance.verifyIntegrity} found. */
export type IntegrityProblemKind =
  | 'corruption'
  | 'foreign-key'
  | 'schema-version'
  | 'missing-table'
  | 'missing-index'
  | 'trade-slices'
  | 'position-slices'
  | 'aggregate'
  | 'archive-split'
  | 'archive-summary';

/** One problem found by an integrity check. */
export interface IntegrityProblem {
  /** What kind of problem it is. */
  readonly kind: IntegrityProblemKind;
  /** The table (or index) involved, when there is one. */
  readonly table?: string | undefined;
  /** The miner involved, for per-miner problems. */
  readonly minerId?: number | undefined;
  /** What exactly is wrong, in words (ids, expected and found values). */
  readonly detail: string;
}

/** The result of {@link DatabaseMaintenance.verifyIntegrity}. */
export interface IntegrityReport {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** Every problem found (capped per check; `detail` says when more were left out). */
  readonly problems: IntegrityProblem[];
}

/** Options of {@link DatabaseMaintenance.verifyIntegrity}. */
export interface IntegrityOptions {
  /** Run `PRAGMA integrity_check` (also compares indexes with their tables) instead of `quick_check`. Default false. */
  readonly full?: boolean | undefined;
}

/** Options of {@link DatabaseMaintenance.recoverState}. */
export interface RecoveryOptions {
  /** Called after each miner is recovered (one transaction each). */
  readonly onProgress?: ((progress: { readonly minerId: number; readonly minersDone: number; readonly minersTotal: number }) => void) | undefined;
}

/** What {@link DatabaseMaintenance.recoverState} changed. */
export interface RecoveryReport {
  /** Miners whose tables were examined. */
  readonly minersChecked: number;
  /** Schema migrations applied first (their versions). */
  readonly migrationsApplied: number[];
  /** Per-miner tables created because they were missing (bare names). */
  readonly tablesCreated: string[];
  /** Per-miner indexes created because they were missing (bare names). */
  readonly indexesCreated: string[];
  /** Positions whose sold alpha, cost, exit TAO, status or close time were rewritten from their slices. */
  readonly positionsReconciled: number;
  /** Trades whose cost or pnl were rewritten from their slices. */
  readonly tradesReconciled: number;
  /** Aggregates rewritten from the ledger, as `miner {id}: column`. */
  readonly aggregatesFixed: string[];
}

/** Options of {@link DatabaseMaintenance.optimize}. */
export interface OptimizeOptions {
  /** Run a full `ANALYZE` instead of `PRAGMA optimize`. Default false. */
  readonly analyze?: boolean | undefined;
  /** VACUUM when free pages exceed this share of the file (0..1). Default 0.25; 0 always vacuums, 1 never. */
  readonly vacuumFreeRatio?: number | undefined;
}

/** Sizes of the database file, from its pragmas. */
export interface DatabaseSize {
  /** Pages in the file. */
  readonly pageCount: number;
  /** Free (unused) pages. */
  readonly freePages: number;
  /** Bytes per page. */
  readonly pageSize: number;
  /** `pageCount × pageSize`. */
  readonly bytes: number;
}

/** The result of {@link DatabaseMaintenance.optimize}. */
export interface OptimizeReport {
  readonly before: DatabaseSize;
  readonly after: DatabaseSize;
  /** `optimize` (PRAGMA optimize) or `analyze`. */
  readonly statistics: 'optimize' | 'analyze';
  /** True when VACUUM ran. */
  readonly vacuumed: boolean;
  /** True when a WAL checkpoint (TRUNCATE) ran. */
  readonly checkpointed: boolean;
}

/** Progress of an archive run, after each batch. */
export interface ArchiveProgress {
  /** The miner the batch belonged to. */
  readonly minerId: number;
  /** Miners finished so far. */
  readonly minersDone: number;
  /** Miners in this run. */
  readonly minersTotal: number;
  /** Positions archived so far in this run. */
  readonly positions: number;
  /** Trades archived so far in this run. */
  readonly trades: number;
}

/** Options of {@link DatabaseMaintenance.archive}. */
export interface ArchiveOptions {
  /** Archive positions closed strictly before this time (`Date` or epoch ms). */
  readonly before: Date | number;
  /** Positions per batch (one transaction each); a trade-linked group larger than this goes whole. Default 500. */
  readonly batchSize?: number | undefined;
  /** Only these miners (default: every miner). */
  readonly minerIds?: readonly number[] | undefined;
  /** Called after every batch. */
  readonly onProgress?: ((progress: ArchiveProgress) => void) | undefined;
  /** Stops between batches (what was archived stays archived). */
  readonly signal?: AbortSignal | undefined;
}

/** The result of {@link DatabaseMaintenance.archive}. */
export interface ArchiveReport {
  /** Positions moved to the archive tables. */
  readonly positions: number;
  /** Trades moved. */
  readonly trades: number;
  /** Slices (position–trade rows) moved. */
  readonly slices: number;
  /** Batches committed. */
  readonly batches: number;
  /**
   * Closed positions before the cutoff left live because a trade links them to a position
   * that is still open, partial or closed after the cutoff.
   */
  readonly blocked: number;
}

/** Options of {@link DatabaseMaintenance.cleanup}. */
export interface CleanupOptions {
  /** Keep this many days of history; older performance snapshots and slow-query entries go. */
  readonly retentionDays: number;
  /** The reference time (default now). */
  readonly now?: Date | number | undefined;
  /** Rows deleted per transaction. Default 1000. */
  readonly batchSize?: number | undefined;
}

/** The result of {@link DatabaseMaintenance.cleanup}. */
export interface CleanupReport {
  /** The cutoff used. */
  readonly before: Date;
  /** Performance snapshots deleted. */
  readonly snapshotsDeleted: number;
  /** Rows of `query_stats_history` (the analytics' captures) deleted. */
  readonly queryStatsDeleted: number;
  /** Slow-query log entries dropped from `db.tracker`. */
  readonly slowQueriesDropped: number;
}

/** Progress of a backup or restore. */
export interface BackupProgress {
  /** `snapshot` (the image is taken), `write` (written to the destination) or `done`. */
  readonly phase: 'snapshot' | 'write' | 'done';
  /** Bytes handled so far. */
  readonly bytesDone: number;
  /** Bytes in all (the database size, known after the snapshot). */
  readonly bytesTotal: number;
}

/** Options of {@link DatabaseMaintenance.backup}. */
export interface BackupOptions {
  /** Called at each phase. */
  readonly onProgress?: ((progress: BackupProgress) => void) | undefined;
}

/** The result of a backup to a destination. */
export interface BackupReport {
  /** Where the backup was written (an absolute path in Node). */
  readonly destination: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** The result of {@link DatabaseMaintenance.restore}. */
export interface RestoreReport {
  /** The restored image's `user_version`. */
  readonly schemaVersion: number;
  /** Its size in bytes. */
  readonly bytes: number;
  /** `online` (replaced through the open connection) or `offline` (the file was written while closed). */
  readonly mode: 'online' | 'offline';
  /** The migrations applied after the restore, for a backup written by an older schema (versions, oldest first). */
  readonly migrationsApplied: readonly number[];
}

/** Options of {@link DatabaseMaintenance.schedule}. */
export interface ScheduleOptions {
  /** Time between the end of one run and the start of the next, ms. */
  readonly intervalMs: number;
  /** Archive positions closed more than this many days ago (default 7; null: no archival). */
  readonly archiveAfterDays?: number | null | undefined;
  /** Cleanup retention in days (default 90; null: no cleanup). */
  readonly retentionDays?: number | null | undefined;
  /** Run {@link DatabaseMaintenance.optimize} at the end of each run. Default false. */
  readonly optimize?: boolean | undefined;
  /** Positions per archive batch. Default 200. */
  readonly batchSize?: number | undefined;
  /** Called with each run's failure (the scheduler keeps going). */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Called after each completed run. */
  readonly onRun?: ((run: ScheduledRun) => void) | undefined;
}

/** What one scheduled run did. */
export interface ScheduledRun {
  readonly archive: ArchiveReport | undefined;
  readonly cleanup: CleanupReport | undefined;
  readonly optimize: OptimizeReport | undefined;
}
