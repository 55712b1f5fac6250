import { DatabaseManager, type DatabaseOptions, type EngineName } from 'alphatrade-db';
import { sqlJsWasmUrl, workerUrl } from 'test-env';

/** The engines every behaviour suite runs against. */
export const ENGINES: readonly EngineName[] = ['sqlite-wasm', 'sql.js'];

let counter = 0;

/** A fresh, uniquely named in-memory database on `engine`, set up for the environment under test. */
export function openDb(engine: EngineName, options: DatabaseOptions = {}): DatabaseManager {
  counter += 1;
  return DatabaseManager.open(`test-${Date.now()}-${counter}`, { storage: 'memory', engine, workerUrl, sqlJsWasmUrl, ...options });
}
