/**
 * The synchronous file-system facade under the Node VFS. The VFS and the process lock only
 * ever touch files through it, so tests can put a fault-injecting or power-loss-simulating
 * layer underneath. Failures are thrown as errors carrying a Node-style `code` (`ENOENT`,
 * `ENOSPC`, `EEXIST`, …).
 */

/** How {@link SyncFileSystem.open} opens a file. */
export type OpenMode =
  /** Read only; the file must exist. */
  | 'read'
  /** Read and write; the file must exist. */
  | 'readwrite'
  /** Read and write; created when missing. */
  | 'create'
  /** Read and write; fails with `EEXIST` when the file exists (O_CREAT | O_EXCL). */
  | 'create-new';

/** What {@link SyncFileSystem.stat} reports about a path. */
export interface FileStat {
  /** Size in bytes. */
  readonly size: number;
  /** True for a regular file. */
  readonly isFile: boolean;
  /** How many names (hard links) the file has; 1 where the file system cannot tell. */
  readonly links?: number;
}

/** The synchronous file operations the VFS needs, named after what they guarantee. */
export interface SyncFileSystem {
  /** Opens a file and returns its descriptor. */
  open(path: string, mode: OpenMode): number;
  /** Closes a descriptor. */
  close(fd: number): void;
  /** Reads up to `length` bytes at `position` into `buffer[offset…]`; returns the count (0 at end of file). */
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** Writes up to `length` bytes; returns the count, which may be short. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** Makes the file's data (and, unless `dataOnly`, its metadata) durable: fdatasync / fsync. */
  sync(fd: number, dataOnly: boolean): void;
  /** Sets the file's size. */
  truncate(fd: number, size: number): void;
  /** The file's current size. */
  size(fd: number): number;
  /** Facts about a path, or undefined when nothing is there. */
  stat(path: string): FileStat | undefined;
  /** True when the path exists and this process may read and write it. */
  writable(path: string): boolean;
  /** Removes a file. */
  unlink(path: string): void;
  /** Gives `existing` a second name; fails with `EEXIST` when `newPath` exists (atomic create-if-absent). */
  link(existing: string, newPath: string): void;
  /** Makes the directory's entries (created and removed names) durable. */
  syncDirectory(path: string): void;
  /** The path with every symbolic link resolved; a missing last component is kept as given. */
  realpath(path: string): string;
  /** Creates a directory and its missing parents. */
  mkdirp(path: string): void;
}

/** The `code` of a thrown file-system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The last failure of a VFS call, for `xGetLastError` and error messages. */
export interface LastError {
  error: unknown;
}
