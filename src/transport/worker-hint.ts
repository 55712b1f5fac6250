import type { EngineName } from '../api/database-options.js';

/**
 * What the main side tells a worker at spawn about the database it is about to open (Node:
 * `workerData`), so the worker can load that engine while it loads the rest of its modules.
 * Only a hint: the `open` request alone decides what opens, and a worker given no hint
 * (browsers, custom workers) loads the engine when the request arrives.
 */
export interface WorkerHint {
  /** The engine the `open` request will name. */
  readonly engine: EngineName;
}

/** The hint in `value` (a worker's `workerData`), or undefined for anything else. */
export function workerHintOf(value: unknown): WorkerHint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { engine } = value as { engine?: unknown };
  return engine === 'sqlite-wasm' || engine === 'sql.js' ? { engine } : undefined;
}
