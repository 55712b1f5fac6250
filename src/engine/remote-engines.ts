import type { LibsqlSettings } from './libsql/libsql-settings.js';
import type { Engine } from './engine.js';

/** Connects to a libSQL server and returns it as an engine. */
export type LibsqlOpener = (settings: LibsqlSettings) => Promise<Engine>;

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
