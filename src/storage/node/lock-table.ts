import type { FileLock, FileLocks } from './file-locks.js';
import { LOCK, RC, type LockLevel } from './sqlite-constants.js';

/**
 * SQLite's file lock levels (SHARED, RESERVED, PENDING, EXCLUSIVE) for every file the VFS has
 * open, kept in a SharedArrayBuffer. Today one connection uses it; a reader pool can hand the
 * same buffer to other worker threads ({@link LockTable.fromBuffer}) so that their connections
 * exclude each other exactly as SQLite's locking protocol requires.
 *
 * Layout (Int32 words): a header, then one slot per locked file:
 * `[mutex, key, refs, shared, writer, writerLevel, -, -]`. `key` is a 32-bit hash of the path
 * (two paths with the same hash share a slot: more contention, never less exclusion);
 * `shared` counts holders of SHARED or more; `writer` is the one owner holding RESERVED,
 * PENDING or EXCLUSIVE, at `writerLevel`.
 */
const HEADER_WORDS = 4;
const SLOT_WORDS = 8;
const H_NEXT_OWNER = 0;
const H_TABLE_MUTEX = 1;
const S_MUTEX = 0;
const S_KEY = 1;
const S_REFS = 2;
const S_SHARED = 3;
const S_WRITER = 4;
const S_WRITER_LEVEL = 5;
const DEFAULT_SLOTS = 64;

/** One open file's place in the table, held by one thread. */
interface LockHandle {
  /** The owner id, unique across every thread sharing the table. */
  readonly owner: number;
  /** The slot's first word. */
  readonly slot: number;
  /** The level this handle holds. */
  level: LockLevel;
}

/** Hashes a path to a non-zero 32-bit key (FNV-1a over UTF-16 code units). */
function keyOf(path: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    hash ^= path.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0 || 1;
}

/**
 * A lock table over shared memory; see the module comment for the layout. It is the `lock-file`
 * mechanism's lock levels between this process's threads (the lock file keeps other processes out).
 */
export class LockTable implements FileLocks {
  readonly kind = 'lock-file';
  readonly #words: Int32Array;
  readonly #slots: number;

  private constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer);
    this.#slots = (this.#words.length - HEADER_WORDS) / SLOT_WORDS;
  }

  /** A new, empty table with room for `slots` files open at once. */
  static create(slots = DEFAULT_SLOTS): LockTable {
    return new LockTable(new SharedArrayBuffer((HEADER_WORDS + slots * SLOT_WORDS) * 4));
  }

  /**
   * The table over a buffer another thread created (post {@link LockTable.buffer} to it).
   * @throws RangeError for a buffer that cannot be a lock table
   */
  static fromBuffer(buffer: SharedArrayBuffer): LockTable {
    if (buffer.byteLength < (HEADER_WORDS + SLOT_WORDS) * 4 || (buffer.byteLength / 4 - HEADER_WORDS) % SLOT_WORDS !== 0) {
      throw new RangeError('Not a lock table buffer.');
    }
    return new LockTable(buffer);
  }

  /** The shared memory, to hand to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#words.buffer as SharedArrayBuffer;
  }

  /**
   * Registers an open file and returns its lock at level NONE.
   * @throws RangeError when every slot is in use
   */
  attach(path: string): FileLock {
    const handle = this.#attach(path);
    return {
      get level() {
        return handle.level;
      },
      lock: (level) => this.#lock(handle, level),
      unlock: (level) => this.#unlock(handle, level),
      reserved: () => this.#reserved(handle),
      detach: () => this.#detach(handle),
    };
  }

  #attach(path: string): LockHandle {
    const key = keyOf(path);
    const owner = Atomics.add(this.#words, H_NEXT_OWNER, 1) + 1;
    return this.#withMutex(H_TABLE_MUTEX, () => {
      let free = -1;
      for (let i = 0; i < this.#slots; i++) {
        const slot = HEADER_WORDS + i * SLOT_WORDS;
        const slotKey = Atomics.load(this.#words, slot + S_KEY);
        if (slotKey === key) {
          Atomics.add(this.#words, slot + S_REFS, 1);
          return { owner, slot, level: LOCK.NONE };
        }
        if (slotKey === 0 && free < 0) free = slot;
      }
      if (free < 0) throw new RangeError(`The lock table is full (${this.#slots} files open).`);
      Atomics.store(this.#words, free + S_KEY, key);
      Atomics.store(this.#words, free + S_REFS, 1);
      return { owner, slot: free, level: LOCK.NONE };
    });
  }

  /** Drops every lock of `handle` and unregisters it. */
  #detach(handle: LockHandle): void {
    this.#unlock(handle, LOCK.NONE);
    this.#withMutex(H_TABLE_MUTEX, () => {
      if (Atomics.sub(this.#words, handle.slot + S_REFS, 1) === 1) {
        Atomics.store(this.#words, handle.slot + S_KEY, 0);
        Atomics.store(this.#words, handle.slot + S_SHARED, 0);
        Atomics.store(this.#words, handle.slot + S_WRITER, 0);
        Atomics.store(this.#words, handle.slot + S_WRITER_LEVEL, 0);
      }
    });
  }

  /**
   * xLock: raises `handle` to `level` (SHARED, RESERVED or EXCLUSIVE) following SQLite's
   * protocol, or returns SQLITE_BUSY. A failed EXCLUSIVE leaves the handle at PENDING, which
   * keeps new readers out until the present ones leave.
   */
  #lock(handle: LockHandle, level: LockLevel): number {
    if (handle.level >= level) return RC.OK;
    const w = this.#words;
    const s = handle.slot;
    return this.#withMutex(s + S_MUTEX, () => {
      const writer = w[s + S_WRITER] as number;
      const otherWriter = writer !== 0 && writer !== handle.owner;
      if (level === LOCK.SHARED) {
        if (otherWriter && (w[s + S_WRITER_LEVEL] as number) >= LOCK.PENDING) return RC.BUSY;
        w[s + S_SHARED] = (w[s + S_SHARED] as number) + 1;
        handle.level = LOCK.SHARED;
        return RC.OK;
      }
      if (otherWriter) return RC.BUSY;
      w[s + S_WRITER] = handle.owner;
      if (level === LOCK.RESERVED) {
        w[s + S_WRITER_LEVEL] = LOCK.RESERVED;
        handle.level = LOCK.RESERVED;
        return RC.OK;
      }
      if ((w[s + S_SHARED] as number) > 1) {
        w[s + S_WRITER_LEVEL] = LOCK.PENDING;
        handle.level = LOCK.PENDING;
        return RC.BUSY;
      }
      w[s + S_WRITER_LEVEL] = LOCK.EXCLUSIVE;
      handle.level = LOCK.EXCLUSIVE;
      return RC.OK;
    });
  }

  /** xUnlock: lowers `handle` to SHARED or NONE. */
  #unlock(handle: LockHandle, level: LockLevel): number {
    if (handle.level <= level) return RC.OK;
    const w = this.#words;
    const s = handle.slot;
    this.#withMutex(s + S_MUTEX, () => {
      if (handle.level > LOCK.SHARED && w[s + S_WRITER] === handle.owner) {
        w[s + S_WRITER] = 0;
        w[s + S_WRITER_LEVEL] = LOCK.NONE;
      }
      if (level === LOCK.NONE && handle.level >= LOCK.SHARED) w[s + S_SHARED] = (w[s + S_SHARED] as number) - 1;
      handle.level = level;
    });
    return RC.OK;
  }

  /** xCheckReservedLock: true when any connection holds RESERVED or more on the file. */
  #reserved(handle: LockHandle): boolean {
    return this.#withMutex(handle.slot + S_MUTEX, () => (this.#words[handle.slot + S_WRITER] as number) !== 0);
  }

  /** Runs `work` holding the spin mutex at word `index` (held for a few instructions only). */
  #withMutex<T>(index: number, work: () => T): T {
    const w = this.#words;
    while (Atomics.compareExchange(w, index, 0, 1) !== 0) Atomics.wait(w, index, 1, 1);
    try {
      return work();
    } finally {
      Atomics.store(w, index, 0);
      Atomics.notify(w, index, 1);
    }
  }
}
