/**
 * Whole-database images for the sqlite-wasm adapter: serialize a connection's `main` to bytes,
 * load bytes into a connection (`sqlite3_deserialize`), and copy one connection's content into
 * another (the online backup API), which writes through the destination's VFS and journal.
 */
import { DatabaseError } from '../../api/database-error.js';
import type { WasmHelpers } from './wasm-binding.js';

/** The C API calls the image functions use. */
export interface ImageCapi {
  sqlite3_js_db_export(db: number, schema?: number): Uint8Array;
  sqlite3_deserialize(db: number, schema: string, data: number, size: number, bufferSize: number, flags: number): number;
  sqlite3_backup_init(dest: number, destName: string, source: number, sourceName: string): number;
  sqlite3_backup_step(backup: number, pages: number): number;
  sqlite3_backup_finish(backup: number): number;
  sqlite3_errcode(db: number): number;
  sqlite3_js_rc_str(rc: number): string | undefined;
}

/** Turns a failing result code into the adapter's error (CORRUPT_DATABASE, DISK_FULL, …). */
export type ErrorOf = (db: number, rc: number) => DatabaseError;

const SQLITE_OK = 0;
const SQLITE_DONE = 101;
const SQLITE_DESERIALIZE_FREEONCLOSE = 1;
const SQLITE_DESERIALIZE_RESIZEABLE = 2;
/** Header bytes 18–19: the file format versions, 2/2 for a WAL database (memory images need 1/1, a rollback journal). */
const WAL_VERSION_OFFSET = 18;
/** The smallest file image: one page of the smallest page size is more than the 100-byte header. */
const MIN_IMAGE_BYTES = 512;

/**
 * A consistent copy of `db`'s main database (SQLite reads it inside one read transaction).
 * @throws DatabaseError with SQLite's code when the pages cannot be read
 */
export function serializeMain(capi: ImageCapi, db: number, errorOf: ErrorOf): Uint8Array {
  try {
    return capi.sqlite3_js_db_export(db);
  } catch (error) {
    const rc = capi.sqlite3_errcode(db);
    if (rc !== SQLITE_OK) throw errorOf(db, rc);
    throw new DatabaseError('SQLITE_ERROR', `The database could not be serialized: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Makes `bytes` the content of `db`'s main database, as a resizable in-memory image owned by
 * SQLite. The image of a WAL database is loaded as a rollback-journal one (memory has no WAL).
 * The image is not checked here: a damaged one fails on first read.
 * @throws DatabaseError `CORRUPT_DATABASE` for fewer bytes than a database can have; SQLite's code otherwise
 */
export function deserializeMain(capi: ImageCapi, wasm: WasmHelpers, db: number, bytes: Uint8Array, errorOf: ErrorOf): void {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < MIN_IMAGE_BYTES) {
    throw new DatabaseError(
      'CORRUPT_DATABASE',
      `A database image needs at least ${MIN_IMAGE_BYTES} bytes; got ${bytes?.byteLength ?? 0}. Use a backup made by backup().`,
    );
  }
  const pointer = wasm.exports.sqlite3_malloc(bytes.byteLength);
  if (pointer === 0) throw new DatabaseError('SQLITE_NOMEM', `Out of memory loading a ${bytes.byteLength}-byte image.`);
  const heap = wasm.heap8u();
  heap.set(bytes, pointer);
  if (heap[pointer + WAL_VERSION_OFFSET] === 2 && heap[pointer + WAL_VERSION_OFFSET + 1] === 2) {
    heap[pointer + WAL_VERSION_OFFSET] = 1;
    heap[pointer + WAL_VERSION_OFFSET + 1] = 1;
  }
  const flags = SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE;
  const rc = capi.sqlite3_deserialize(db, 'main', pointer, bytes.byteLength, bytes.byteLength, flags);
  if (rc !== SQLITE_OK) throw errorOf(db, rc);
}

/**
 * Copies `source`'s main database over `dest`'s in one step: one write transaction on the
 * destination, journaled by its storage, so a crash leaves the old content or the new.
 * @throws DatabaseError SQLite's code (e.g. `SQLITE_READONLY` when a WAL destination has another page size)
 */
export function copyMain(capi: ImageCapi, dest: number, source: number, errorOf: ErrorOf): void {
  const backup = capi.sqlite3_backup_init(dest, 'main', source, 'main');
  if (backup === 0) throw errorOf(dest, capi.sqlite3_errcode(dest));
  const stepped = capi.sqlite3_backup_step(backup, -1);
  const finished = capi.sqlite3_backup_finish(backup);
  if (stepped !== SQLITE_DONE) throw errorOf(dest, stepped);
  if (finished !== SQLITE_OK) throw errorOf(dest, finished);
}
