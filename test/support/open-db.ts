import { DatabaseManager, type DatabaseOptions, type EngineName, type ManagerEngine } from 'alphatrade-db';
import { sqlJsWasmUrl, suiteStorage, suiteWorker, workerUrl } from 'test-env';
import { libsqlUrl } from './libsql-target.js';

/** The worker-hosted engines (engine-level suites). */
export const LOCAL_ENGINES: readonly EngineName[] = ['sqlite-wasm', 'sql.js'];

/** The engines every behaviour suite runs against: the local ones, or libSQL when pointed at a server. */
export const ENGINES: readonly ManagerEngine[] = libsqlUrl() === undefined ? LOCAL_ENGINES : ['libsql'];

let counter = 0;

/**
 * A fresh, uniquely named database on `engine` (in memory, or on OPFS in the browser-opfs project;
 * on libSQL: the server's one database), its host in a worker or in-process as the project says,
 * set up for the environment under test.
 */
export function openDb(engine: ManagerEngine, options: DatabaseOptions = {}): DatabaseManager {
  counter += 1;
  const name = `test-${Date.now()}-${counter}`;
  if (engine === 'libsql') return DatabaseManager.open(name, { engine, url: libsqlUrl(), ...options });
  return DatabaseManager.open(name, { storage: suiteStorage, engine, workerUrl, sqlJsWasmUrl, worker: suiteWorker, ...options });
}
