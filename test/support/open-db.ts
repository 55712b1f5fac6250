import { DatabaseManager, type DatabaseOptions, type EngineName } from 'alphatrade-db';
import { sqlJsWasmUrl, workerUrl } from 'test-env';

/** The engines every behaviour suite runs against. */
export const ENGINES: readonly EngineName[] = ['sqlite-wasm', 'sql.js'];

/**
 * Where the behaviour suites' databases live: memory, unless `VITE_TEST_STORAGE=opfs` runs them
 * on OPFS in Chromium (`VITE_TEST_STORAGE=opfs npx vitest run --project browser …`).
 */
const SUITE_STORAGE: 'memory' | 'opfs' = import.meta.env.VITE_TEST_STORAGE === 'opfs' ? 'opfs' : 'memory';

let counter = 0;

/** A fresh, uniquely named database on `engine` (in memory unless `VITE_TEST_STORAGE` says otherwise), set up for the environment under test. */
export function openDb(engine: EngineName, options: DatabaseOptions = {}): DatabaseManager {
  counter += 1;
  return DatabaseManager.open(`test-${Date.now()}-${counter}`, { storage: SUITE_STORAGE, engine, workerUrl, sqlJsWasmUrl, ...options });
}
