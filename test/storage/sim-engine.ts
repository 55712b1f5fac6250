/** Helpers for the storage suites that run the sqlite-wasm engine in-process over a simulated disk. */
import { SqliteWasmEngine } from '../../src/engine/sqlite-wasm/sqlite-wasm-engine.js';
import { DiskSwitch, type SimDisk } from '../support/sim-disk.js';
import type { JournalMode } from '../../src/api/database-options.js';

/** The path of the database on every simulated disk. */
export const SIM_PATH = '/sim/db.sqlite';

const sharedSwitch = new DiskSwitch();

/** Opens the database on `disk` through the Node VFS. */
export function openOn(disk: SimDisk, journalMode: JournalMode = 'delete'): Promise<SqliteWasmEngine> {
  sharedSwitch.disk = disk;
  return SqliteWasmEngine.open({ filename: SIM_PATH, storage: 'file', journalMode, fileSystem: sharedSwitch });
}

/** Closes an engine whose disk may have lost power (its errors no longer matter). */
export function abandon(engine: SqliteWasmEngine | undefined): void {
  try {
    engine?.close();
  } catch {
    return;
  }
}

/** One value per row of a one-column query. */
export function column(engine: SqliteWasmEngine, sql: string): unknown[] {
  return engine.query(sql).rows.map((row) => row[0]);
}

/** A deterministic blob of `size` bytes. */
export function pad(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 7) & 0xff);
}
