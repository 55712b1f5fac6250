/**
 * The OPFS home of a snapshot database: two slots, each a file held open through a sync
 * access handle for the connection's life. A save writes the whole image into the slot not in
 * use, flushes it, then writes and flushes that slot's header — generation, length, CRC-32 —
 * which is what makes it current. A crash mid-save leaves a slot whose header or checksum does
 * not match, and the load takes the other one: the OPFS equivalent of write-temp-then-rename
 * (OPFS has no synchronous rename).
 */
import { DatabaseError } from '../../api/database-error.js';
import { holdUnderWebLock, opfsAvailable, retryWhileHandlesBusy } from '../opfs/opfs-exclusion.js';
import { crc32 } from './crc32.js';
import type { SnapshotStore } from './snapshot-store.js';

/** The parts of `FileSystemSyncAccessHandle` used here. */
interface SyncHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

/** A slot's header: magic `ATDBSNP1`, then generation, image length and CRC-32 (little-endian). */
const HEADER_BYTES = 24;
const MAGIC = 'ATDBSNP1';
const SNAPSHOT_ROOT = 'alphatrade-db-snapshots';

interface Slot {
  readonly handle: SyncHandle;
  generation: number;
}

function readHeader(handle: SyncHandle): { generation: number; length: number; crc: number } | undefined {
  const header = new Uint8Array(HEADER_BYTES);
  if (handle.read(header, { at: 0 }) < HEADER_BYTES) return undefined;
  if (new TextDecoder().decode(header.subarray(0, 8)) !== MAGIC) return undefined;
  const view = new DataView(header.buffer);
  return { generation: view.getFloat64(8, true), length: view.getUint32(16, true), crc: view.getUint32(20, true) };
}

/** The slot's image when its header and checksum hold, else undefined. */
function readImage(handle: SyncHandle): { generation: number; image: Uint8Array } | undefined {
  const header = readHeader(handle);
  if (header === undefined) return undefined;
  const image = new Uint8Array(header.length);
  if (handle.read(image, { at: HEADER_BYTES }) !== header.length || crc32(image) !== header.crc) return undefined;
  return { generation: header.generation, image };
}

/**
 * Writes all of `bytes` at `at`. Chromium does not throw when the origin's quota is full: its
 * `write()` returns an error code cast to an unsigned count (2^32 − 8 for "no space", measured),
 * so a count of zero or beyond what was asked is a full quota.
 */
function writeAll(handle: SyncHandle, bytes: Uint8Array, at: number, name: string): void {
  let done = 0;
  while (done < bytes.length) {
    const n = handle.write(bytes.subarray(done), { at: at + done });
    if (n <= 0 || n > bytes.length - done) throw quotaError(name, undefined);
    done += n;
  }
}

/**
 * Writes `bytes` into `slot` under `generation`: image, flush, header, flush. On any failure the
 * slot (never the current one) is emptied: a header that reached the file before a later step
 * failed — a flush refused at a full quota — must not make the slot current behind a save the
 * caller was told failed. Truncating frees space, so it works where writes are refused.
 */
function writeSlot(slot: Slot, bytes: Uint8Array, generation: number, name: string): void {
  try {
    writeAll(slot.handle, bytes, HEADER_BYTES, name);
    slot.handle.truncate(HEADER_BYTES + bytes.length);
    // Past a full quota Chromium's truncate() silently leaves the file shorter than asked.
    if (slot.handle.getSize() !== HEADER_BYTES + bytes.length) throw quotaError(name, undefined);
    slot.handle.flush();
    const header = new Uint8Array(HEADER_BYTES);
    header.set(new TextEncoder().encode(MAGIC));
    const view = new DataView(header.buffer);
    view.setFloat64(8, generation, true);
    view.setUint32(16, bytes.length, true);
    view.setUint32(20, crc32(bytes), true);
    writeAll(slot.handle, header, 0, name);
    slot.handle.flush();
  } catch (error) {
    discardSlot(slot);
    if (error instanceof DatabaseError) throw error;
    if ((error as { name?: unknown }).name === 'QuotaExceededError') throw quotaError(name, error);
    throw new DatabaseError('SQLITE_IOERR', `Could not save "${name}": ${String(error)}. The previous snapshot is intact.`, { cause: error });
  }
}

/** Best effort: empties a slot, so the load skips it and the next save writes it again. */
function discardSlot(slot: Slot): void {
  slot.generation = 0;
  try {
    slot.handle.truncate(0);
    slot.handle.flush();
  } catch {
    // The header's checksum still guards the load against a torn image.
  }
}

function quotaError(name: string, cause: unknown): DatabaseError {
  return new DatabaseError(
    'QUOTA_EXCEEDED',
    `The browser's storage quota is used up while saving "${name}"; the previous snapshot is intact. Free space and retry.`,
    { cause },
  );
}

async function openSlots(name: string): Promise<[Slot, Slot]> {
  let directory = await navigator.storage.getDirectory();
  for (const part of [SNAPSHOT_ROOT, encodeURIComponent(name)]) directory = await directory.getDirectoryHandle(part, { create: true });
  const handles: SyncHandle[] = [];
  try {
    for (const file of ['slot-a', 'slot-b']) {
      const fileHandle = await directory.getFileHandle(file, { create: true });
      const opener = fileHandle as unknown as { createSyncAccessHandle(): Promise<SyncHandle> };
      handles.push(await opener.createSyncAccessHandle());
    }
  } catch (error) {
    for (const handle of handles) handle.close();
    throw error;
  }
  return [
    { handle: handles[0] as SyncHandle, generation: 0 },
    { handle: handles[1] as SyncHandle, generation: 0 },
  ];
}

/**
 * Opens the OPFS snapshot of `name`: its Web Lock, then both slots' access handles, then the
 * newest intact image.
 * @throws DatabaseError `UNSUPPORTED_STORAGE` without OPFS sync access handles; `DATABASE_LOCKED` when another tab or worker holds it; `SQLITE_CANTOPEN`
 */
export async function openOpfsSnapshotStore(name: string): Promise<SnapshotStore> {
  if (!opfsAvailable()) {
    throw new DatabaseError(
      'UNSUPPORTED_STORAGE',
      'OPFS sync access handles are not available here (they need a worker in a current browser); use storage: "memory".',
    );
  }
  const held = await holdUnderWebLock(
    name,
    () => retryWhileHandlesBusy(name, () => openSlots(name)),
    (taken) => taken.forEach((slot) => slot.handle.close()),
  );
  const slots = held.value;
  const found = slots.map((slot) => readImage(slot.handle));
  slots.forEach((slot, i) => (slot.generation = found[i]?.generation ?? 0));
  const newest = found.reduce((best, each) => (each !== undefined && (best === undefined || each.generation > best.generation) ? each : best), undefined);
  return {
    name,
    image: newest?.image,
    save(bytes) {
      const [a, b] = slots;
      const target = a.generation <= b.generation ? a : b;
      const generation = Math.max(a.generation, b.generation) + 1;
      writeSlot(target, bytes, generation, name);
      target.generation = generation;
    },
    release: held.release,
  };
}
