/**
 * A simulated disk under the Node VFS (it implements the VFS's `SyncFileSystem` facade), for
 * fault injection and power-loss simulation in the style of SQLite's own crash tests:
 *
 * - every file keeps its *durable* content (as of its last fsync) beside its current content,
 *   and the directory keeps its durable entries (as of its last directory fsync);
 * - `crashAt = k` cuts the power at the k-th mutating operation (write, sync, truncate,
 *   create, unlink, link, directory sync): that operation and every later one fail, and
 *   {@link SimDisk.crashImage} gives the disk as it would be found after a reboot;
 * - `capacity` makes writes that grow the disk beyond it short, then fail with ENOSPC, as a
 *   full tmpfs does; `failWrites` fails chosen writes with ENOSPC or short writes.
 */
import type { FileStat, OpenMode, SyncFileSystem } from '../../src/storage/node/file-system.js';

/** What survives a power cut: see {@link SimDisk.crashImage}. */
export type CrashMode =
  /** Only what was synced: unsynced writes and unsynced directory changes are lost. */
  | 'drop'
  /** Everything before the cut reached the disk, and the interrupted write landed half-way. */
  | 'tear'
  /** What was synced, plus a random subset of the unsynced writes (some torn), in the style of SQLite's crash VFS. */
  | 'random';

/** A file's content. */
interface Inode {
  current: Uint8Array;
  durable: Uint8Array;
  /** Writes and truncations since the last sync, in order. */
  pending: ({ kind: 'write'; at: number; bytes: Uint8Array } | { kind: 'truncate'; size: number })[];
}

/** How an injected write fault behaves. */
export type WriteFault = 'enospc' | 'short' | 'zero';

/** A disk image: path → bytes (what a reboot finds). */
export type DiskImage = Map<string, Uint8Array>;

/** Thrown by every operation once the power is cut. */
export class PowerCut extends Error {
  readonly code = 'EIO';
}

function fsError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

function resized(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, Math.min(size, bytes.length)));
  return out;
}

function written(bytes: Uint8Array, at: number, data: Uint8Array): Uint8Array {
  const out = at + data.length > bytes.length ? resized(bytes, at + data.length) : bytes.slice();
  out.set(data, at);
  return out;
}

/** A seeded PRNG (mulberry32), so failures can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One file system whose disk can be swapped, so every simulated disk of a test file shares one
 * installed VFS.
 */
export class DiskSwitch implements SyncFileSystem {
  disk = new SimDisk();
  open = (path: string, mode: OpenMode): number => this.disk.open(path, mode);
  close = (fd: number): void => this.disk.close(fd);
  read = (fd: number, b: Uint8Array, o: number, l: number, p: number): number => this.disk.read(fd, b, o, l, p);
  write = (fd: number, b: Uint8Array, o: number, l: number, p: number): number => this.disk.write(fd, b, o, l, p);
  sync = (fd: number): void => this.disk.sync(fd);
  truncate = (fd: number, size: number): void => this.disk.truncate(fd, size);
  size = (fd: number): number => this.disk.size(fd);
  stat = (path: string): FileStat | undefined => this.disk.stat(path);
  writable = (path: string): boolean => this.disk.writable(path);
  unlink = (path: string): void => this.disk.unlink(path);
  link = (existing: string, newPath: string): void => this.disk.link(existing, newPath);
  syncDirectory = (): void => this.disk.syncDirectory();
  realpath = (path: string): string => this.disk.realpath(path);
  mkdirp = (): void => this.disk.mkdirp();
}

/** The simulated disk; see the module comment. */
export class SimDisk implements SyncFileSystem {
  readonly #entries = new Map<string, Inode>();
  #durableEntries = new Map<string, Inode>();
  readonly #fds = new Map<number, Inode>();
  #nextFd = 3;
  /** Mutating operations so far. */
  ops = 0;
  /** Cut the power at this operation number (1-based, counted by {@link SimDisk.ops}). */
  crashAt = Infinity;
  /** Bytes the disk holds at most; growing beyond gives a short write, then ENOSPC. */
  capacity = Infinity;
  /** Decides, per write (numbered from 1), whether it fails: `'enospc'` throws, `'short'` writes half, `'zero'` writes nothing. */
  failWrites: ((writeNumber: number) => WriteFault | undefined) | undefined;
  #writes = 0;
  #image: DiskImage | undefined;
  #crashMode: CrashMode = 'drop';
  #random: () => number = seededRandom(1);

  /** A disk holding `image`, all of it durable. */
  constructor(image: DiskImage = new Map()) {
    for (const [path, bytes] of image) {
      const inode: Inode = { current: bytes.slice(), durable: bytes.slice(), pending: [] };
      this.#entries.set(path, inode);
    }
    this.#durableEntries = new Map(this.#entries);
  }

  /** Arms a power cut at operation `k` from now, in `mode` (random mode draws from `seed`). */
  armCrash(k: number, mode: CrashMode, seed = 1): void {
    this.crashAt = this.ops + k;
    this.#crashMode = mode;
    this.#random = seededRandom(seed);
  }

  /** Writes so far (the numbering {@link SimDisk.failWrites} sees). */
  get writes(): number {
    return this.#writes;
  }

  /** True once the power was cut. */
  get crashed(): boolean {
    return this.#image !== undefined;
  }

  /** What a reboot finds: set when the power was cut, else the durable state now. Lock files are left out (their process died with the power). */
  crashImage(): DiskImage {
    const image = this.#image ?? this.#imageOf('drop');
    return new Map([...image].filter(([path]) => !path.endsWith('.lock')));
  }

  /** The current content of every file (as a clean shutdown would leave it). */
  snapshot(): DiskImage {
    return new Map([...this.#entries].filter(([path]) => !path.endsWith('.lock')).map(([path, inode]) => [path, inode.current.slice()]));
  }

  /** Bytes in use. */
  used(): number {
    let total = 0;
    for (const inode of new Set(this.#entries.values())) total += inode.current.length;
    return total;
  }

  open(path: string, mode: OpenMode): number {
    let inode = this.#entries.get(path);
    if (inode !== undefined && mode === 'create-new') throw fsError('EEXIST', path);
    if (inode === undefined) {
      if (mode === 'read' || mode === 'readwrite') throw fsError('ENOENT', path);
      this.#mutate();
      inode = { current: new Uint8Array(0), durable: new Uint8Array(0), pending: [] };
      this.#entries.set(path, inode);
    }
    const fd = this.#nextFd++;
    this.#fds.set(fd, inode);
    return fd;
  }

  close(fd: number): void {
    this.#fds.delete(fd);
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.#alive();
    const data = this.#inode(fd).current;
    const n = Math.max(0, Math.min(length, data.length - position));
    buffer.set(data.subarray(position, position + n), offset);
    return n;
  }

  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    const inode = this.#inode(fd);
    const bytes = buffer.slice(offset, offset + length);
    this.#mutate(() => {
      const torn = bytes.subarray(0, bytes.length >> 1);
      inode.current = written(inode.current, position, torn);
    });
    this.#writes += 1;
    const fault = this.failWrites?.(this.#writes);
    if (fault === 'enospc') throw fsError('ENOSPC', 'no space left on device (injected)');
    let n = fault === 'short' ? bytes.length >> 1 : fault === 'zero' ? 0 : bytes.length;
    const room = this.capacity - this.used();
    if (position + n - inode.current.length > room) {
      n = Math.max(0, room + inode.current.length - position);
      if (n === 0) throw fsError('ENOSPC', 'no space left on device');
    }
    inode.current = written(inode.current, position, bytes.subarray(0, n));
    inode.pending.push({ kind: 'write', at: position, bytes: bytes.subarray(0, n) });
    return n;
  }

  sync(fd: number): void {
    const inode = this.#inode(fd);
    this.#mutate();
    inode.durable = inode.current.slice();
    inode.pending = [];
  }

  truncate(fd: number, size: number): void {
    const inode = this.#inode(fd);
    this.#mutate();
    inode.current = resized(inode.current, size);
    inode.pending.push({ kind: 'truncate', size });
  }

  size(fd: number): number {
    this.#alive();
    return this.#inode(fd).current.length;
  }

  stat(path: string): FileStat | undefined {
    this.#alive();
    const inode = this.#entries.get(path);
    return inode === undefined ? undefined : { size: inode.current.length, isFile: true };
  }

  writable(path: string): boolean {
    return this.#entries.has(path);
  }

  unlink(path: string): void {
    if (!this.#entries.has(path)) throw fsError('ENOENT', path);
    this.#mutate();
    this.#entries.delete(path);
  }

  link(existing: string, newPath: string): void {
    const inode = this.#entries.get(existing);
    if (inode === undefined) throw fsError('ENOENT', existing);
    if (this.#entries.has(newPath)) throw fsError('EEXIST', newPath);
    this.#mutate();
    this.#entries.set(newPath, inode);
  }

  syncDirectory(): void {
    this.#mutate();
    this.#durableEntries = new Map(this.#entries);
  }

  realpath(path: string): string {
    return path;
  }

  mkdirp(): void {}

  #inode(fd: number): Inode {
    const inode = this.#fds.get(fd);
    if (inode === undefined) throw fsError('EBADF', `fd ${fd}`);
    return inode;
  }

  #alive(): void {
    if (this.#image !== undefined) throw new PowerCut('the power is off');
  }

  /** Counts one mutating operation; at the armed one, cuts the power (after `tear` lands half of it). */
  #mutate(tear?: () => void): void {
    this.#alive();
    this.ops += 1;
    if (this.ops < this.crashAt) return;
    if (this.#crashMode === 'tear') tear?.();
    this.#image = this.#imageOf(this.#crashMode);
    throw new PowerCut(`power cut at operation ${this.ops}`);
  }

  #imageOf(mode: CrashMode): DiskImage {
    const entries = mode === 'tear' ? this.#entries : this.#durableEntries;
    const image: DiskImage = new Map();
    for (const [path, inode] of entries) image.set(path, mode === 'tear' ? inode.current.slice() : this.#survivor(inode, mode));
    return image;
  }

  /** A file's content after the cut: its durable content, plus (random mode) some of its unsynced changes. */
  #survivor(inode: Inode, mode: CrashMode): Uint8Array {
    let bytes: Uint8Array = inode.durable.slice();
    if (mode !== 'random') return bytes;
    for (const change of inode.pending) {
      const roll = this.#random();
      if (roll < 0.5) continue;
      if (change.kind === 'truncate') bytes = resized(bytes, change.size);
      else bytes = written(bytes, change.at, roll < 0.6 ? change.bytes.subarray(0, change.bytes.length >> 1) : change.bytes);
    }
    return bytes;
  }
}
