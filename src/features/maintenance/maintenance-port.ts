/**
 * What the manager hands the maintenance layer: its calls, its storage facts and a way to open
 * a private scratch database. Keeping it an interface keeps `DatabaseMaintenance` free of the
 * manager's internals (and testable on its own).
 */
import type { Row } from '../../api/session.js';
import type { Params, RunResult } from '../../api/values.js';
import type { ArgsOf, ProcedureCaller, ResultOf } from '../../host/procedures.js';
import type { MaintenanceProcedures } from './procedures.js';
import type { RestoreReport } from './types.js';
import type { BackupFiles } from './backup-files.js';

/** A private in-memory database of the same engine, used to check a backup while the real one cannot open. */
export interface ScratchDatabase {
  readonly maintenance: { restore(source: Uint8Array): Promise<RestoreReport> };
  close(): Promise<void>;
}

/** The manager, as maintenance uses it; `call` runs a maintenance procedure as one transaction. */
export interface MaintenancePort extends ProcedureCaller<MaintenanceProcedures> {
  /** The resolved database name (an absolute path for files). */
  readonly name: string;
  /** Where the database lives. */
  readonly storage: 'memory' | 'file' | 'opfs' | 'remote';
  /** The library's latest schema version (`user_version` after setup). */
  readonly schemaVersion: number;
  /** Node file I/O for path destinations; undefined in browsers. */
  readonly backupFiles: BackupFiles | undefined;
  /** Runs one statement outside any transaction. */
  query<T = Row>(sql: string, params?: Params): Promise<T[]>;
  /** Runs one write statement outside any transaction. */
  execute(sql: string, params?: Params): Promise<RunResult>;
  /** Runs a script outside any transaction. */
  exec(sql: string): Promise<void>;
  /** A consistent image of the whole database. */
  exportImage(): Promise<Uint8Array>;
  /** Checks an image with a worker procedure on a private copy, then makes it the database. */
  importImage<K extends keyof MaintenanceProcedures & string>(
    bytes: Uint8Array,
    check: K,
    args: ArgsOf<MaintenanceProcedures[K]>,
  ): Promise<ResultOf<MaintenanceProcedures[K]>>;
  /** Applies pending migrations; returns the versions applied. */
  migrate(): Promise<number[]>;
  /** Drops slow-query log entries before `at`; returns how many went. */
  dropSlowQueriesBefore(at: Date): number;
  /** Opens a private in-memory database of the same engine. */
  openScratch(): ScratchDatabase;
}
