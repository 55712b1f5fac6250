import { DatabaseManager, type DatabaseError } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';

/** The DatabaseError `open` throws synchronously (fails the test when it throws none). */
function openError(run: () => unknown): DatabaseError {
  try {
    run();
  } catch (error) {
    return error as DatabaseError;
  }
  throw new Error('expected DatabaseManager.open to throw');
}

describe('opfsVfs "opfs" in a page that is not cross-origin isolated', () => {
  it('runs without isolation (no SharedArrayBuffer; this project is not served with COOP/COEP unless ISOLATE=1)', () => {
    expect(globalThis.crossOriginIsolated, 'the browser project must be served without COOP/COEP headers for this file').toBe(false);
  });

  it('fails the open with UNSUPPORTED_STORAGE naming the COOP and COEP headers', async () => {
    const db = DatabaseManager.open(`not-isolated-${Date.now()}.db`, { storage: 'opfs', opfsVfs: 'opfs' });
    const error = await rejection(db.get('SELECT 1 AS one'));
    expect(error.code).toBe('UNSUPPORTED_STORAGE');
    expect(error.message).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(error.message).toContain('Cross-Origin-Embedder-Policy: require-corp');
    await db.close();
  });

  it('is refused with INVALID_ARGUMENT for another engine, another storage, or an unknown VFS', () => {
    expect(openError(() => DatabaseManager.open('vfs-sqljs.db', { engine: 'sql.js', opfsVfs: 'opfs' })).code).toBe('INVALID_ARGUMENT');
    expect(openError(() => DatabaseManager.open(':memory:', { opfsVfs: 'opfs' })).code).toBe('INVALID_ARGUMENT');
    const unknown = openError(() => DatabaseManager.open('vfs-unknown.db', { opfsVfs: 'kvvfs' as 'opfs' }));
    expect(unknown.code).toBe('INVALID_ARGUMENT');
    expect(unknown.message).toContain('opfs-sahpool');
  });

  it('counts as a different option: the same name open on opfs-sahpool is not handed out for opfs', async () => {
    const name = `vfs-same-${Date.now()}.db`;
    const db = DatabaseManager.open(name, { storage: 'opfs' });
    expect(DatabaseManager.open(name, { storage: 'opfs', opfsVfs: 'opfs-sahpool' })).toBe(db);
    expect(openError(() => DatabaseManager.open(name, { storage: 'opfs', opfsVfs: 'opfs' })).code).toBe('INVALID_ARGUMENT');
    await db.close();
  });
});
