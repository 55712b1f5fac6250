/**
 * Where a whole-image (snapshot) database keeps its bytes: sql.js has no VFS, so its durable
 * storage is the last complete image written atomically. See docs/storage.md.
 */
import type { FileLocking } from '../../api/database-options.js';

/** The durable home of one snapshot database, held exclusively while open. */
export interface SnapshotStore {
  /** The name the store was opened with, for messages. */
  readonly name: string;
  /** How a Node file store keeps other processes out (the lock file); undefined for OPFS. */
  readonly locking?: FileLocking;
  /** The last image saved, or undefined for a new database. */
  readonly image: Uint8Array | undefined;
  /**
   * Replaces the saved image with `bytes` atomically: after a crash at any moment the store
   * holds either the previous image or this one, never a mix.
   * @throws DatabaseError `DISK_FULL` / `QUOTA_EXCEEDED` when there is no room (the previous image is kept); `SQLITE_IOERR` otherwise
   */
  save(bytes: Uint8Array): void;
  /** Gives up the exclusive hold; safe to call twice. */
  release(): void;
}
