import type { DatabaseManager } from './database-manager.js';

const REGISTRY_KEY = Symbol.for('alphatrade-db.registry');

/**
 * The open databases by resolved name. It lives on `globalThis` under a registered symbol, so
 * two copies of the library in one process (a dual package, two bundles, hot reload) still
 * share one instance per database.
 */
export function managerRegistry(): Map<string, DatabaseManager> {
  const global = globalThis as Record<symbol, Map<string, DatabaseManager> | undefined>;
  global[REGISTRY_KEY] ??= new Map();
  return global[REGISTRY_KEY];
}
