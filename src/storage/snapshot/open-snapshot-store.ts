import { DatabaseError } from '../../api/database-error.js';
import { runsOnNode } from '../runs-on-node.js';
import type { SnapshotStore } from './snapshot-store.js';

/** Loaded only in Node, by a specifier bundlers do not follow into browser builds. */
const NODE_SNAPSHOT_STORE = './node-snapshot-store.js';

/**
 * Opens the snapshot store of a sql.js database: a file in Node, OPFS in a browser worker.
 * @throws DatabaseError `DATABASE_LOCKED`, `UNSUPPORTED_STORAGE` where the storage is missing, `SQLITE_CANTOPEN`
 */
export async function openSnapshotStore(storage: 'file' | 'opfs', filename: string): Promise<SnapshotStore> {
  if (storage === 'opfs') {
    const { openOpfsSnapshotStore } = await import('./opfs-snapshot-store.js');
    return openOpfsSnapshotStore(filename);
  }
  if (!runsOnNode()) {
    throw new DatabaseError('UNSUPPORTED_STORAGE', '"file" storage needs Node; in browsers use storage "opfs" or "memory".');
  }
  const { openNodeSnapshotStore } = (await import(/* @vite-ignore */ NODE_SNAPSHOT_STORE)) as typeof import('./node-snapshot-store.js');
  return openNodeSnapshotStore(filename);
}
