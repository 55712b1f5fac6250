/**
 * Opens the demo's database: `demo.db` in the origin private file system where the library
 * supports it, else an in-memory database — and says which, and why, so the page can show it.
 */
import { DatabaseManager, isDatabaseError } from 'alphatrade-db';

/** The OPFS name of the demo's database. */
export const DEMO_DATABASE = 'demo.db';

/** Where the demo's data lives. */
export type DemoStorage = 'opfs' | 'memory';

/** The opened database and how it is stored. */
export interface DemoDatabase {
  readonly db: DatabaseManager;
  readonly storage: DemoStorage;
  /** Why the data does or does not survive a reload. */
  readonly note: string;
}

/** Statements slower than this (ms, in the engine) enter the slow log with their plan. */
const SLOW_QUERY_MS = 2;

/** Codes after which the demo falls back to memory rather than failing. */
const FALLBACK_CODES = new Set(['UNSUPPORTED_STORAGE', 'DATABASE_LOCKED']);

async function openAndSetUp(name: string): Promise<DatabaseManager> {
  const db = DatabaseManager.open(name, { slowQueryMs: SLOW_QUERY_MS });
  try {
    await db.setupDatabase();
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** Attempts at `demo.db` while it is locked: the page this one replaced may still be letting go. */
const LOCKED_ATTEMPTS = 6;
const LOCKED_RETRY_MS = 250;

async function openPersistent(): Promise<DatabaseManager> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openAndSetUp(DEMO_DATABASE);
    } catch (error) {
      if (!isDatabaseError(error) || error.code !== 'DATABASE_LOCKED' || attempt === LOCKED_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCKED_RETRY_MS));
    }
  }
}

/** Opens `demo.db` on OPFS, or `:memory:` when OPFS is unsupported here or held by another tab. */
export async function openDemoDatabase(): Promise<DemoDatabase> {
  try {
    const db = await openPersistent();
    return { db, storage: 'opfs', note: 'OPFS: the ledger survives reloads.' };
  } catch (error) {
    if (!isDatabaseError(error) || !FALLBACK_CODES.has(error.code)) throw error;
    const db = await openAndSetUp(':memory:');
    const reason = error.code === 'DATABASE_LOCKED' ? 'another tab holds demo.db' : 'OPFS storage is not available in this build';
    return { db, storage: 'memory', note: `In memory (${reason}): a reload starts over.` };
  }
}
