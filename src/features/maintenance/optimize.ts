/**
 * `optimize()`: planner statistics (`PRAGMA optimize`, or a full `ANALYZE`), VACUUM when free
 * pages pass a share of the file, and a passive WAL checkpoint in WAL mode. Each step is one worker
 * call outside any transaction, so it never meets a writer half way.
 */
import { DatabaseError } from '../../api/database-error.js';
import type { MaintenancePort } from './maintenance-port.js';
import type { DatabaseSize, OptimizeOptions, OptimizeReport } from './types.js';

const DEFAULT_VACUUM_FREE_RATIO = 0.25;
/** Rows `PRAGMA optimize` samples per index (SQLite's recommendation for long-lived connections). */
const ANALYSIS_LIMIT = 400;

async function sizeOf(port: MaintenancePort): Promise<DatabaseSize> {
  const [row] = await port.query<{ page_count: number; freelist_count: number; page_size: number }>(
    'SELECT (SELECT page_count FROM pragma_page_count) AS page_count, (SELECT freelist_count FROM pragma_freelist_count) AS freelist_count, (SELECT page_size FROM pragma_page_size) AS page_size',
  );
  const pageCount = Number(row?.page_count ?? 0);
  const pageSize = Number(row?.page_size ?? 0);
  return { pageCount, freePages: Number(row?.freelist_count ?? 0), pageSize, bytes: pageCount * pageSize };
}

/**
 * Runs the optimization steps and reports sizes before and after.
 * @throws DatabaseError `INVALID_ARGUMENT` for a ratio outside 0..1
 */
export async function optimize(port: MaintenancePort, options: OptimizeOptions): Promise<OptimizeReport> {
  const ratio = options.vacuumFreeRatio ?? DEFAULT_VACUUM_FREE_RATIO;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
    throw new DatabaseError('INVALID_ARGUMENT', 'optimize({ vacuumFreeRatio }) must be a number from 0 to 1.');
  }
  const before = await sizeOf(port);
  const statistics = options.analyze === true ? 'analyze' : 'optimize';
  await port.exec(statistics === 'analyze' ? 'ANALYZE' : `PRAGMA analysis_limit = ${ANALYSIS_LIMIT}; PRAGMA optimize`);
  const vacuumed = ratio < 1 && before.pageCount > 0 && before.freePages / before.pageCount >= ratio;
  if (vacuumed) await port.exec('VACUUM');
  const [mode] = await port.query<{ journal_mode: string }>('PRAGMA journal_mode');
  const checkpointed = String(mode?.journal_mode).toLowerCase() === 'wal';
  // PASSIVE waits for no one: with readers present (the pool, another process, a native tool)
  // it copies back what no reader still needs, and TRUNCATE would wait for them up to lockTimeoutMs.
  if (checkpointed) await port.query('PRAGMA wal_checkpoint(PASSIVE)');
  return { before, after: await sizeOf(port), statistics, vacuumed, checkpointed };
}
