import { DatabaseError } from '../../api/database-error.js';
import type { LibsqlConnectOptions } from '../../api/database-options.js';

/** libSQL options, checked, with defaults applied. */
export interface LibsqlSettings {
  /** The primary's URL. */
  readonly url: string;
  /** The bearer token, if any. */
  readonly authToken: string | undefined;
  /** Read replicas (server URLs or `file:` embedded replicas), in the order they are tried. */
  readonly replicaUrls: readonly string[];
  /** How often embedded replicas pull (0: only at open). */
  readonly syncIntervalMs: number;
  /** Longest wait for one request. */
  readonly requestTimeoutMs: number;
}

const REMOTE_SCHEMES = /^(?:wss?|https?|libsql):\/\//i;
const DEFAULT_SYNC_INTERVAL_MS = 1000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Checks libSQL options and applies defaults.
 * @throws DatabaseError `INVALID_ARGUMENT` naming the bad option and what it should be
 */
export function resolveLibsqlSettings(options: LibsqlConnectOptions): LibsqlSettings {
  const { url, authToken } = options;
  if (typeof url !== 'string' || !REMOTE_SCHEMES.test(url)) {
    throw new DatabaseError('INVALID_ARGUMENT', 'engine "libsql" needs url: the primary server, e.g. "ws://127.0.0.1:8080" (ws, wss, http, https or libsql).');
  }
  if (authToken !== undefined && typeof authToken !== 'string') {
    throw new DatabaseError('INVALID_ARGUMENT', 'authToken must be a string.');
  }
  const replicaUrls = options.replicaUrls ?? [];
  if (
    !Array.isArray(replicaUrls) ||
    !replicaUrls.every((replica) => typeof replica === 'string' && (REMOTE_SCHEMES.test(replica) || replica.startsWith('file:')))
  ) {
    throw new DatabaseError(
      'INVALID_ARGUMENT',
      'replicaUrls must be an array of server URLs (ws, wss, http, https, libsql) or "file:<path>" embedded replicas.',
    );
  }
  const syncIntervalMs = milliseconds(options.syncIntervalMs, DEFAULT_SYNC_INTERVAL_MS, 'syncIntervalMs');
  const requestTimeoutMs = milliseconds(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
  if (requestTimeoutMs === 0) throw new DatabaseError('INVALID_ARGUMENT', 'requestTimeoutMs must be above 0.');
  return { url, authToken, replicaUrls: [...replicaUrls], syncIntervalMs, requestTimeoutMs };
}

/** True when two settings reach the same servers the same way. */
export function sameLibsqlSettings(a: LibsqlSettings | undefined, b: LibsqlSettings | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.url === b.url && a.authToken === b.authToken && a.replicaUrls.join('\n') === b.replicaUrls.join('\n');
}

function milliseconds(value: number | undefined, fallback: number, name: string): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new DatabaseError('INVALID_ARGUMENT', `${name} must be a finite number of milliseconds ≥ 0.`);
  }
  return ms;
}
