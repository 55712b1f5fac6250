/**
 * A fault-injecting layer over a {@link SyncFileSystem}, in the manner of SQLite's own I/O-error
 * tests: every file-system operation is numbered from 1, and operation `k` fails with EIO —
 * `once` (only that operation), or `forever` (it and every later one, until {@link FaultFs.heal}).
 * One instance serves a whole test file (the VFS is installed per file-system object); swap the
 * disk underneath with {@link FaultFs.reset}.
 */
import type { FileStat, OpenMode, SyncFileSystem } from '../../src/storage/node/file-system.js';

/** How an injected fault persists. */
export type FaultMode = 'once' | 'forever';

/** Thrown by a failed operation. */
export class InjectedFault extends Error {
  readonly code = 'EIO';
}

/** The fault-injecting file system; see the module comment. */
export class FaultFs implements SyncFileSystem {
  #disk: SyncFileSystem;
  #failAt = Infinity;
  #mode: FaultMode = 'once';
  /** Operations so far. */
  ops = 0;
  /** Operations that failed. */
  failures = 0;

  constructor(disk: SyncFileSystem) {
    this.#disk = disk;
  }

  /** Puts `disk` underneath and arms a fault at operation `k` from now (Infinity: none). */
  reset(disk: SyncFileSystem, k: number, mode: FaultMode): void {
    this.#disk = disk;
    this.ops = 0;
    this.failures = 0;
    this.#failAt = k;
    this.#mode = mode;
  }

  /** Arms a fault at operation `k` from now, on the same disk. */
  arm(k: number, mode: FaultMode): void {
    this.#failAt = this.ops + k;
    this.#mode = mode;
  }

  /** Stops failing operations. */
  heal(): void {
    this.#failAt = Infinity;
  }

  #step(): void {
    this.ops += 1;
    if (this.ops === this.#failAt || (this.#mode === 'forever' && this.ops > this.#failAt)) {
      this.failures += 1;
      throw new InjectedFault(`EIO: injected fault at operation ${this.ops}`);
    }
  }

  open = (path: string, mode: OpenMode): number => (this.#step(), this.#disk.open(path, mode));
  close = (fd: number): void => this.#disk.close(fd);
  read = (fd: number, b: Uint8Array, o: number, l: number, p: number): number => (this.#step(), this.#disk.read(fd, b, o, l, p));
  write = (fd: number, b: Uint8Array, o: number, l: number, p: number): number => (this.#step(), this.#disk.write(fd, b, o, l, p));
  sync = (fd: number, dataOnly: boolean): void => (this.#step(), this.#disk.sync(fd, dataOnly));
  truncate = (fd: number, size: number): void => (this.#step(), this.#disk.truncate(fd, size));
  size = (fd: number): number => (this.#step(), this.#disk.size(fd));
  stat = (path: string): FileStat | undefined => (this.#step(), this.#disk.stat(path));
  writable = (path: string): boolean => this.#disk.writable(path);
  unlink = (path: string): void => (this.#step(), this.#disk.unlink(path));
  link = (existing: string, newPath: string): void => (this.#step(), this.#disk.link(existing, newPath));
  syncDirectory = (path: string): void => (this.#step(), this.#disk.syncDirectory(path));
  realpath = (path: string): string => this.#disk.realpath(path);
  mkdirp = (path: string): void => this.#disk.mkdirp(path);
}
