/**
 * Periodic maintenance: archive (bounded batches), cleanup and optionally optimize, then wait
 * `intervalMs` and run again. Every step is a sequence of short worker calls, so writers queue
 * between batches. `stop()` stops between batches and resolves when the current run has ended;
 * the timer never keeps a Node process alive.
 */
import { DatabaseError, isDatabaseError } from '../../api/database-error.js';
import type { ArchiveOptions, ArchiveReport, CleanupOptions, CleanupReport, OptimizeReport, ScheduledRun, ScheduleOptions } from './types.js';

/** The maintenance operations a schedule runs (`DatabaseMaintenance` offers them). */
export interface ScheduledOperations {
  archive(options: ArchiveOptions): Promise<ArchiveReport>;
  cleanup(options: CleanupOptions): Promise<CleanupReport>;
  optimize(): Promise<OptimizeReport>;
}

const DAY_MS = 86_400_000;
const DEFAULT_ARCHIVE_AFTER_DAYS = 7;
const DEFAULT_RETENTION_DAYS = 90;
const DEFAULT_BATCH = 200;

/** A running maintenance schedule. */
export class MaintenanceScheduler {
  readonly #maintenance: ScheduledOperations;
  readonly #options: ScheduleOptions;
  readonly #stop = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #current: Promise<void> | undefined;
  #runs = 0;

  /**
   * Starts the schedule; the first run starts after `intervalMs`.
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad interval or day count
   */
  constructor(maintenance: ScheduledOperations, options: ScheduleOptions) {
    if (!Number.isFinite(options?.intervalMs) || options.intervalMs < 0) {
      throw new DatabaseError('INVALID_ARGUMENT', 'schedule({ intervalMs }) must be a number of milliseconds ≥ 0.');
    }
    for (const name of ['archiveAfterDays', 'retentionDays'] as const) {
      const days = options[name];
      if (days !== undefined && days !== null && !(Number.isFinite(days) && days >= 0)) {
        throw new DatabaseError('INVALID_ARGUMENT', `schedule({ ${name} }) must be a number of days ≥ 0, or null to skip.`);
      }
    }
    this.#maintenance = maintenance;
    this.#options = options;
    this.#arm();
  }

  /** Runs completed so far. */
  get runs(): number {
    return this.#runs;
  }

  /** True until {@link MaintenanceScheduler.stop} is called. */
  get active(): boolean {
    return !this.#stop.signal.aborted;
  }

  /** Runs once now (waiting for a run in progress first); failures reject. */
  async runNow(): Promise<ScheduledRun> {
    await this.#current;
    return this.#run();
  }

  /** Stops the schedule: no new run starts, the current one stops after its batch; resolves when it has. */
  async stop(): Promise<void> {
    this.#stop.abort(new DatabaseError('ABORTED', 'The maintenance schedule was stopped.'));
    clearTimeout(this.#timer);
    await this.#current;
  }

  #arm(): void {
    if (!this.active) return;
    this.#timer = setTimeout(() => {
      this.#current = this.#run().then(
        () => undefined,
        (error: unknown) => {
          if (!(isDatabaseError(error) && error.code === 'ABORTED' && !this.active)) this.#options.onError?.(error);
        },
      );
      void this.#current.finally(() => this.#arm());
    }, this.#options.intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #run(): Promise<ScheduledRun> {
    const o = this.#options;
    const batchSize = o.batchSize ?? DEFAULT_BATCH;
    const archiveDays = o.archiveAfterDays === undefined ? DEFAULT_ARCHIVE_AFTER_DAYS : o.archiveAfterDays;
    const retentionDays = o.retentionDays === undefined ? DEFAULT_RETENTION_DAYS : o.retentionDays;
    const signal = this.#stop.signal;
    const archive =
      archiveDays === null ? undefined : await this.#maintenance.archive({ before: Date.now() - Math.round(archiveDays * DAY_MS), batchSize, signal });
    const cleanup = retentionDays === null || signal.aborted ? undefined : await this.#maintenance.cleanup({ retentionDays, batchSize });
    const optimize = o.optimize === true && !signal.aborted ? await this.#maintenance.optimize() : undefined;
    this.#runs += 1;
    const run = { archive, cleanup, optimize };
    o.onRun?.(run);
    return run;
  }
}
