/** The file I/O maintenance needs for backups to and from paths; the Node platform supplies it (`platform/node-backup-files.ts`). */
export interface BackupFiles {
  /** The absolute form of `path`. */
  resolve(path: string): string;
  /** A fresh temporary name beside `path` (nothing exists under it). */
  temporaryBeside(path: string): string;
  /** Writes `bytes` to `path` atomically: a reader sees the old file or the whole new one. */
  writeAtomically(path: string, bytes: Uint8Array): void;
  /** Makes an already written `temporary` durable and renames it to `path` atomically. */
  commitTemporary(temporary: string, path: string): number;
  /** Removes a file if it exists. */
  remove(path: string): void;
  /** Reads a whole file. */
  read(path: string): Uint8Array;
  /**
   * Replaces database file `path` (closed) with `bytes` under its cross-process lock, removing
   * any journal or WAL of the old content first.
   */
  replaceClosedDatabase(path: string, bytes: Uint8Array): void;
}
