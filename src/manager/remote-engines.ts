import type { EngineClient } from '../transport/host-connection.js';
import type { LibsqlSettings } from '../engine/libsql/libsql-settings.js';

/** A remote database, connected: its engine client and SQLite's version on the server. */
export interface OpenedRemote {
  readonly client: EngineClient;
  readonly sqliteVersion: string;
}

/** Connects to a libSQL server. */
export type LibsqlOpener = (settings: LibsqlSettings) => Promise<OpenedRemote>;

const OPENER_KEY = Symbol.for('alphatrade-db.libsql-opener');

/**
 * Installs the libSQL opener. Only the Node entry point installs one, so browser bundles never
 * reach `@libsql/client`.
 */
export function installLibsqlOpener(opener: LibsqlOpener): void {
  (globalThis as Record<symbol, unknown>)[OPENER_KEY] ??= opener;
}

/** The installed libSQL opener, if this entry point has one. */
export function libsqlOpener(): LibsqlOpener | undefined {
  return (globalThis as Record<symbol, unknown>)[OPENER_KEY] as LibsqlOpener | undefined;
}
