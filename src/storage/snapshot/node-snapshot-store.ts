/**
 * The Node home of a snapshot database: the file itself (byte-compatible with native SQLite),
 * replaced atomically on every save, guarded by the same lock file as the file VFS.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseError } from '../../api/database-error.js';
import { holdUntilExit, regularFileLinks } from '../node/file-storage.js';
import { errorCode } from '../node/file-system.js';
import { nodeFileSystem } from '../node/node-file-system.js';
import { ProcessLock } from '../node/process-lock.js';
import { nodeAtomicWriteFileSystem, writeFileAtomically, type AtomicWriteFileSystem } from './atomic-file.js';
import type { SnapshotStore } from './snapshot-store.js';

function readImage(path: string): Uint8Array | undefined {
  try {
    const bytes = readFileSync(path);
    return bytes.length === 0 ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new DatabaseError('SQLITE_CANTOPEN', `Could not read "${path}": ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Opens the snapshot file `filename`: creates its directory, resolves symbolic links, takes the
 * process lock (`<file>.lock`) and reads the last image.
 * @throws DatabaseError `DATABASE_LOCKED` naming the holder's pid; `SQLITE_CANTOPEN` when the directory or file cannot be read, or the path is not a regular file
 */
export function openNodeSnapshotStore(filename: string, fs: AtomicWriteFileSystem = nodeAtomicWriteFileSystem): SnapshotStore {
  let path = resolve(filename);
  try {
    nodeFileSystem.mkdirp(dirname(path));
    path = nodeFileSystem.realpath(path);
  } catch (error) {
    throw new DatabaseError('SQLITE_CANTOPEN', `Could not create the directory of "${path}": ${(error as Error).message}`, { cause: error });
  }
  regularFileLinks(nodeFileSystem, path);
  const lock = ProcessLock.acquire(nodeFileSystem, path);
  let image: Uint8Array | undefined;
  try {
    image = readImage(path);
  } catch (error) {
    lock.release();
    throw error;
  }
  return { name: path, image, locking: 'lock-file', save: (bytes) => writeFileAtomically(path, bytes, fs), release: holdUntilExit(lock) };
}
