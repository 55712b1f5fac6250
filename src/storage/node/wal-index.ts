/**
 * SQLite's shared-memory wal-index (`<db>-shm`) for the Node VFS, coherent with native
 * processes that `mmap` the same file. WebAssembly cannot map a file, so each connection keeps
 * its regions in the wasm heap (where SQLite reads and writes them) beside a shadow copy of
 * what it last exchanged with the file, and copies words in and out:
 * - **in** when a shm lock is taken and at each barrier: words of the file that changed since
 *   the shadow are copied to the heap (skipped when the 136-byte header did not change: the
 *   index does not change without it);
 * - **out** before an exclusive shm lock is released and at each barrier: words the connection
 *   changed since the shadow are written to the file, and only those, so words that other
 *   connections change under their own locks are never overwritten. SQLite writes the index
 *   only under an exclusive shm lock (the write lock for the header and hash tables, a read
 *   slot's lock for its mark, the checkpoint lock for the backfill count), so copying out is
 *   skipped while no exclusive lock has been held since the last copy. The shadow takes a word
 *   only once it is written, and the lock is released whatever happens; a failed write marks
 *   the index failed: every later shm call reports an I/O error, so SQLite stops trusting it.
 * This is the protocol ncruces/go-sqlite3 uses where it cannot map wasm memory: the header's two
 * copies are checksummed and read between barriers, the checkpoint words are 4-byte aligned,
 * and the hash tables change only under the exclusive WAL write lock.
 *
 * Locks are the unix VFS's: byte-range locks on the `-shm` file at 120 + slot (8 slots), and the
 * "dead man's switch" byte at 128, read-locked while the connection has the index open. The first
 * connection to open it (it gets the DMS byte exclusively) truncates what a crash left.
 */
import type { LastError, SyncFileSystem } from './file-system.js';
import { tryRange, type ByteRangeLocks } from './file-locks.js';
import { RC } from './sqlite-constants.js';

/** The wasm memory and allocator the regions live in. */
export interface WalIndexMemory {
  heap8u(): Uint8Array;
  malloc(bytes: number): number;
  free(pointer: number): void;
}

const HEADER_BYTES = 136;
const LOCK_BASE = 120;
const DMS_BYTE = 128;
const SHM_UNLOCK = 1;
const SHM_LOCK = 2;
const SHM_EXCLUSIVE = 8;

/** One mapped region: where SQLite sees it, and what was last exchanged with the file. */
interface Region {
  readonly pointer: number;
  readonly shadow: Uint8Array;
}

/** The wal-index of one database connection. */
export class WalIndex {
  readonly #fs: SyncFileSystem;
  readonly #locks: ByteRangeLocks;
  readonly #memory: WalIndexMemory;
  readonly #path: string;
  readonly #lastError: LastError;
  #fd: number | undefined;
  #regions: Region[] = [];
  #regionBytes = 0;
  /** Set once the file could not be written: the index no longer matches it. */
  #failed: unknown;
  /** Shm lock slots held exclusively now. */
  #exclusiveSlots = 0;
  /** An exclusive lock was held since the last copy out: the heap may hold words to write. */
  #dirty = false;

  /**
   * @param fs - the file system
   * @param locks - byte-range locks
   * @param memory - the wasm heap and allocator
   * @param path - the `-shm` file's path
   * @param lastError - where failures are recorded
   */
  constructor(fs: SyncFileSystem, locks: ByteRangeLocks, memory: WalIndexMemory, path: string, lastError: LastError) {
    this.#fs = fs;
    this.#locks = locks;
    this.#memory = memory;
    this.#path = path;
    this.#lastError = lastError;
  }

  /**
   * xShmMap: the heap address of region `index` (`bytes` long), growing the file when `extend`;
   * 0 when the region does not exist and may not be created.
   */
  map(index: number, bytes: number, extend: boolean): { rc: number; pointer: number } {
    if (this.#failed !== undefined) return { rc: RC.IOERR_SHMMAP, pointer: 0 };
    let fd: number | undefined;
    try {
      fd = this.#open();
    } catch (error) {
      this.#lastError.error = error;
      return { rc: RC.IOERR_SHMOPEN, pointer: 0 };
    }
    if (fd === undefined) return { rc: RC.BUSY, pointer: 0 };
    try {
      this.#regionBytes = bytes;
      if (index >= this.#regions.length) {
        const needed = (index + 1) * bytes;
        const size = this.#fs.size(fd);
        if (size < needed) {
          if (!extend) return { rc: RC.OK, pointer: 0 };
          this.#grow(fd, size, needed);
        }
      }
    } catch (error) {
      this.#lastError.error = error;
      return { rc: RC.IOERR_SHMSIZE, pointer: 0 };
    }
    try {
      while (this.#regions.length <= index) this.#addRegion(fd, this.#regions.length, bytes);
      return { rc: RC.OK, pointer: (this.#regions[index] as Region).pointer };
    } catch (error) {
      this.#lastError.error = error;
      return { rc: RC.IOERR_SHMMAP, pointer: 0 };
    }
  }

  /** xShmLock: takes or releases shm lock slots `offset…offset+n`, keeping the heap coherent. */
  lock(offset: number, n: number, flags: number): number {
    const fd = this.#fd;
    if (fd === undefined) return RC.IOERR_SHMLOCK;
    const exclusive = (flags & SHM_EXCLUSIVE) !== 0;
    if ((flags & SHM_UNLOCK) !== 0) {
      let rc: number = RC.OK;
      try {
        if (exclusive) this.#copyOut(fd);
      } catch (error) {
        this.#fail(error);
        rc = RC.IOERR_SHMLOCK;
      } finally {
        this.#locks.unlock(fd, LOCK_BASE + offset, n);
        if (exclusive) this.#exclusiveSlots = Math.max(0, this.#exclusiveSlots - n);
      }
      return rc;
    }
    if (this.#failed !== undefined || (flags & SHM_LOCK) === 0) return RC.IOERR_SHMLOCK;
    try {
      if (!this.#try(fd, LOCK_BASE + offset, n, !exclusive)) return RC.BUSY;
      if (exclusive) {
        this.#exclusiveSlots += n;
        this.#dirty = true;
      }
    } catch (error) {
      this.#lastError.error = error;
      return RC.IOERR_SHMLOCK;
    }
    try {
      this.#copyIn(fd);
      return RC.OK;
    } catch (error) {
      this.#locks.unlock(fd, LOCK_BASE + offset, n);
      this.#lastError.error = error;
      return RC.IOERR_SHMLOCK;
    }
  }

  /**
   * Brings the heap up to date with what other connections wrote, between transactions (no shm
   * lock held): SQLite reads the header's first copy before its first barrier, so without this
   * a reader finds the header "changed" after every foreign commit and takes the write lock to
   * read it again.
   */
  refresh(): void {
    const fd = this.#fd;
    if (fd === undefined || this.#failed !== undefined || this.#dirty) return;
    try {
      this.#copyIn(fd);
    } catch (error) {
      this.#lastError.error = error;
    }
  }

  /** xShmBarrier: what others wrote comes in, what this connection wrote goes out. */
  barrier(): void {
    const fd = this.#fd;
    if (fd === undefined) return;
    try {
      this.#copyIn(fd);
      this.#copyOut(fd);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** xShmUnmap: writes back, frees the regions, closes the file (its locks go with it), and removes it when `remove`. */
  unmap(remove: boolean): number {
    const fd = this.#fd;
    if (fd === undefined) return RC.OK;
    try {
      this.#copyOut(fd);
    } catch (error) {
      this.#lastError.error = error;
    }
    for (const region of this.#regions) this.#memory.free(region.pointer);
    this.#regions = [];
    this.#fd = undefined;
    try {
      this.#fs.close(fd);
      if (remove) this.#fs.unlink(this.#path);
      return RC.OK;
    } catch (error) {
      this.#lastError.error = error;
      return RC.IOERR_SHMMAP;
    }
  }

  /** Opens the `-shm` file and holds the DMS byte shared; undefined while another connection is resetting it. */
  #open(): number | undefined {
    if (this.#fd !== undefined) return this.#fd;
    const fd = this.#fs.open(this.#path, 'create');
    try {
      if (this.#try(fd, DMS_BYTE, 1, false)) {
        this.#fs.truncate(fd, 0);
        if (!this.#try(fd, DMS_BYTE, 1, true)) throw new Error('Could not keep the wal-index open (its DMS lock).');
      } else if (!this.#try(fd, DMS_BYTE, 1, true)) {
        this.#fs.close(fd);
        return undefined;
      }
    } catch (error) {
      this.#fs.close(fd);
      throw error;
    }
    this.#fd = fd;
    return fd;
  }

  /** Records that the index no longer matches its file. */
  #fail(error: unknown): void {
    this.#failed = error;
    this.#lastError.error = error;
  }

  /**
   * Grows the file to `needed` bytes by writing zeros (not `ftruncate`: a file with holes can
   * fail a later write into a hole with ENOSPC, after SQLite believed the space was there).
   */
  #grow(fd: number, from: number, needed: number): void {
    const zeros = new Uint8Array(Math.min(needed - from, 32 * 1024));
    for (let at = from; at < needed; at += zeros.length) this.#write(fd, zeros.subarray(0, Math.min(zeros.length, needed - at)), at);
  }

  #addRegion(fd: number, index: number, bytes: number): void {
    const pointer = this.#memory.malloc(bytes);
    if (pointer === 0) throw new Error('Out of memory mapping the wal-index.');
    const shadow = new Uint8Array(bytes);
    this.#read(fd, shadow, index * bytes);
    this.#memory.heap8u().set(shadow, pointer);
    this.#regions.push({ pointer, shadow });
  }

  /** Copies the words of the file that changed since the shadow into the heap. */
  #copyIn(fd: number): void {
    if (this.#regions.length === 0) return;
    const header = new Uint8Array(HEADER_BYTES);
    this.#read(fd, header, 0);
    if (sameBytes(header, (this.#regions[0] as Region).shadow, HEADER_BYTES)) return;
    const file = new Uint8Array(this.#regionBytes);
    const fileWords = new Int32Array(file.buffer);
    const heap = this.#memory.heap8u();
    this.#regions.forEach((region, index) => {
      this.#read(fd, file, index * this.#regionBytes);
      const shadow = new Int32Array(region.shadow.buffer);
      const mine = new Int32Array(heap.buffer, region.pointer, shadow.length);
      for (let i = 0; i < shadow.length; i++) {
        const word = fileWords[i] as number;
        if (shadow[i] !== word) {
          shadow[i] = word;
          mine[i] = word;
        }
      }
    });
  }

  /**
   * Writes the words this connection changed since the shadow to the file, run by run, the
   * first region (the header) last; the shadow takes each run once it is written.
   */
  #copyOut(fd: number): void {
    if (!this.#dirty) return;
    const heap = this.#memory.heap8u();
    for (let index = this.#regions.length - 1; index >= 0; index--) {
      const region = this.#regions[index] as Region;
      const shadow = new Int32Array(region.shadow.buffer);
      const mine = new Int32Array(heap.buffer, region.pointer, shadow.length);
      let run = -1;
      for (let i = 0; i <= shadow.length; i++) {
        const changed = i < shadow.length && shadow[i] !== mine[i];
        if (changed && run < 0) run = i;
        if (!changed && run >= 0) {
          const bytes = new Uint8Array(mine.buffer, region.pointer + run * 4, (i - run) * 4).slice();
          this.#write(fd, bytes, index * this.#regionBytes + run * 4);
          region.shadow.set(bytes, run * 4);
          run = -1;
        }
      }
    }
    if (this.#exclusiveSlots === 0) this.#dirty = false;
  }

  #read(fd: number, into: Uint8Array, position: number): void {
    let got = 0;
    while (got < into.length) {
      const n = this.#fs.read(fd, into, got, into.length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    into.fill(0, got);
  }

  #write(fd: number, bytes: Uint8Array, position: number): void {
    let done = 0;
    while (done < bytes.length) {
      const n = this.#fs.write(fd, bytes, done, bytes.length - done, position + done);
      if (n <= 0) throw Object.assign(new Error('short write to the wal-index'), { code: 'ENOSPC' });
      done += n;
    }
  }

  /** A read (`shared`) or write lock on a byte range without waiting; false on a conflict. */
  #try(fd: number, offset: number, length: number, shared: boolean): boolean {
    return tryRange(this.#locks, fd, offset, length, shared);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
