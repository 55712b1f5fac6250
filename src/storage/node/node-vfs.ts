import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { errorCode, type LastError, type SyncFileSystem } from './file-system.js';
import type { FileLocks } from './file-locks.js';
import { ACCESS, IOCAP_POWERSAFE_OVERWRITE, OPEN, RC, SECTOR_SIZE, SYNC_DATAONLY } from './sqlite-constants.js';
import { lockLevel, VfsFile } from './vfs-file.js';
import { WalIndex, type WalIndexMemory } from './wal-index.js';
import type { VfsModule } from './wasm-vfs-api.js';

/** Longest path the VFS accepts, in UTF-8 bytes including the NUL. */
const MAX_PATHNAME = 1024;
/** Julian day number of the Unix epoch, and the same in milliseconds. */
const UNIX_EPOCH_JULIAN_DAYS = 2440587.5;
const UNIX_EPOCH_JULIAN_MS = 210866760000000n;

const encoder = new TextEncoder();

/** Journal and WAL files: removing one is (part of) a commit, so the removal is made durable. */
function isJournal(path: string): boolean {
  return path.endsWith('-journal') || path.endsWith('-wal');
}

/**
 * Installs a VFS named `name` over `fs` into the sqlite-wasm module: synchronous page-level
 * I/O, SQLite's lock levels taken through `locks`. With OS locks, `sqlite3_io_methods` version 2:
 * the `-shm` wal-index shared with every other connection, native ones included
 * ({@link WalIndex}); with the lock-file fallback, version 1 (no shared memory: WAL works only
 * with `locking_mode=EXCLUSIVE`). Modelled on the module's own `opfs-sahpool`.
 * @returns `refresh()`: brings every open wal-index of this VFS up to date between transactions ({@link WalIndex.refresh})
 * @throws Error from the module when a VFS of that name exists or installation fails
 */
export function installNodeVfs(sqlite3: VfsModule, name: string, fs: SyncFileSystem, locks: FileLocks): { refresh(): void } {
  const { wasm, capi } = sqlite3;
  const files = new Map<number, VfsFile>();
  const lastError: LastError = { error: undefined };
  const sleepCell = new Int32Array(new SharedArrayBuffer(4));
  const file = (pFile: number): VfsFile => files.get(pFile) as VfsFile;
  const byteRanges = locks.byteRanges;
  const walIndexes = new Map<number, WalIndex>();
  const memory: WalIndexMemory = {
    heap8u: () => wasm.heap8u(),
    malloc: (bytes) => wasm.exports.sqlite3_malloc(bytes),
    free: (pointer) => wasm.exports.sqlite3_free(pointer),
  };
  const walIndex = (pFile: number): WalIndex | undefined => {
    let index = walIndexes.get(pFile);
    if (index === undefined && byteRanges !== undefined) {
      index = new WalIndex(fs, byteRanges, memory, `${file(pFile).path}-shm`, lastError);
      walIndexes.set(pFile, index);
    }
    return index;
  };
  const fail = (error: unknown, rc: number): number => {
    lastError.error = error;
    return rc;
  };

  const io = {
    xCheckReservedLock(pFile: number, pOut: number): number {
      wasm.poke32(pOut, file(pFile).reserved() ? 1 : 0);
      return RC.OK;
    },
    xClose(pFile: number): number {
      const f = file(pFile);
      files.delete(pFile);
      walIndexes.get(pFile)?.unmap(false);
      walIndexes.delete(pFile);
      return f.close();
    },
    xDeviceCharacteristics: (): number => IOCAP_POWERSAFE_OVERWRITE,
    xFileControl: (): number => RC.NOTFOUND,
    xFileSize(pFile: number, pSize: number): number {
      const size = file(pFile).size();
      if (size === undefined) return RC.IOERR_FSTAT;
      wasm.poke64(pSize, BigInt(size));
      return RC.OK;
    },
    xLock: (pFile: number, level: number): number => file(pFile).lock(lockLevel(level)),
    xRead: (pFile: number, pDest: number, n: number, offset: bigint): number => file(pFile).read(wasm.heap8u(), pDest, n, Number(offset)),
    xSectorSize: (): number => SECTOR_SIZE,
    xSync: (pFile: number, flags: number): number => file(pFile).sync((flags & SYNC_DATAONLY) !== 0),
    xTruncate: (pFile: number, size: bigint): number => file(pFile).truncate(Number(size)),
    xUnlock: (pFile: number, level: number): number => file(pFile).unlock(lockLevel(level)),
    xWrite: (pFile: number, pSrc: number, n: number, offset: bigint): number => file(pFile).write(wasm.heap8u(), pSrc, n, Number(offset)),
  };
  const sharedMemory = {
    xShmMap(pFile: number, region: number, bytes: number, extend: number, pp: number): number {
      const mapped = walIndex(pFile)?.map(region, bytes, extend !== 0) ?? { rc: RC.IOERR_SHMMAP, pointer: 0 };
      wasm.pokePtr(pp, mapped.pointer);
      return mapped.rc;
    },
    xShmLock: (pFile: number, offset: number, n: number, flags: number): number => walIndex(pFile)?.lock(offset, n, flags) ?? RC.IOERR_SHMLOCK,
    xShmBarrier(pFile: number): void {
      walIndexes.get(pFile)?.barrier();
    },
    xShmUnmap(pFile: number, deleteFlag: number): number {
      const index = walIndexes.get(pFile);
      walIndexes.delete(pFile);
      return index?.unmap(deleteFlag !== 0) ?? RC.OK;
    },
  };
  const ioStruct = new capi.sqlite3_io_methods();
  ioStruct.$iVersion = byteRanges === undefined ? 1 : 2;
  sqlite3.vfs.installVfs({ io: { struct: ioStruct, methods: byteRanges === undefined ? io : { ...io, ...sharedMemory } } });

  const vfs = {
    xOpen(_pVfs: number, zName: number, pFile: number, flags: number, pOutFlags: number): number {
      wasm.pokePtr(pFile, 0);
      const path = zName === 0 ? join(tmpdir(), `alphatrade-${randomBytes(8).toString('hex')}.tmp`) : wasm.cstrToJs(zName);
      const fileFlags = zName === 0 ? flags | OPEN.DELETEONCLOSE : flags;
      try {
        const existed = fs.stat(path) !== undefined;
        const mode =
          (fileFlags & OPEN.READWRITE) === 0
            ? 'read'
            : (fileFlags & OPEN.CREATE) === 0
              ? 'readwrite'
              : (fileFlags & OPEN.EXCLUSIVE) !== 0
                ? 'create-new'
                : 'create';
        const fd = fs.open(path, mode);
        files.set(pFile, new VfsFile(fs, fd, path, fileFlags, !existed, locks, lastError));
        wasm.pokePtr(pFile, ioStruct.pointer);
        if (pOutFlags !== 0) wasm.poke32(pOutFlags, fileFlags);
        return RC.OK;
      } catch (error) {
        return fail(error, RC.CANTOPEN);
      }
    },
    xDelete(_pVfs: number, zName: number, syncDir: number): number {
      const path = wasm.cstrToJs(zName);
      try {
        fs.unlink(path);
      } catch (error) {
        return fail(error, errorCode(error) === 'ENOENT' ? RC.IOERR_DELETE_NOENT : RC.IOERR_DELETE);
      }
      if (syncDir === 0 && !isJournal(path)) return RC.OK;
      try {
        fs.syncDirectory(dirname(path));
        return RC.OK;
      } catch (error) {
        return fail(error, RC.IOERR_DIR_FSYNC);
      }
    },
    xAccess(_pVfs: number, zName: number, flags: number, pOut: number): number {
      const path = wasm.cstrToJs(zName);
      try {
        const stat = fs.stat(path);
        const yes =
          flags === ACCESS.READWRITE
            ? stat !== undefined && fs.writable(path)
            : stat !== undefined && (!stat.isFile || stat.size > 0 || flags !== ACCESS.EXISTS);
        wasm.poke32(pOut, yes ? 1 : 0);
        return RC.OK;
      } catch (error) {
        wasm.poke32(pOut, 0);
        return fail(error, RC.IOERR_ACCESS);
      }
    },
    xFullPathname(_pVfs: number, zName: number, nOut: number, pOut: number): number {
      const bytes = encoder.encode(resolve(wasm.cstrToJs(zName)));
      if (bytes.length + 1 > nOut) return RC.CANTOPEN;
      const heap = wasm.heap8u();
      heap.set(bytes, pOut);
      heap[pOut + bytes.length] = 0;
      return RC.OK;
    },
    xGetLastError(_pVfs: number, nOut: number, pOut: number): number {
      const error = lastError.error;
      if (nOut > 0) {
        const bytes = encoder.encode(error instanceof Error ? error.message : '').subarray(0, nOut - 1);
        const heap = wasm.heap8u();
        heap.set(bytes, pOut);
        heap[pOut + bytes.length] = 0;
      }
      const errno = (error as { errno?: unknown } | undefined)?.errno;
      return typeof errno === 'number' ? Math.abs(errno) : 0;
    },
    xRandomness(_pVfs: number, n: number, pOut: number): number {
      wasm.heap8u().set(randomBytes(n), pOut);
      return n;
    },
    xSleep(_pVfs: number, microseconds: number): number {
      Atomics.wait(sleepCell, 0, 0, microseconds / 1000);
      return microseconds;
    },
    xCurrentTime(_pVfs: number, pOut: number): number {
      wasm.poke64f(pOut, UNIX_EPOCH_JULIAN_DAYS + Date.now() / 86_400_000);
      return RC.OK;
    },
    xCurrentTimeInt64(_pVfs: number, pOut: number): number {
      wasm.poke64(pOut, UNIX_EPOCH_JULIAN_MS + BigInt(Date.now()));
      return RC.OK;
    },
  };
  const vfsStruct = new capi.sqlite3_vfs();
  vfsStruct.$iVersion = 2;
  vfsStruct.$szOsFile = capi.sqlite3_file.structInfo.sizeof;
  vfsStruct.$mxPathname = MAX_PATHNAME;
  sqlite3.vfs.installVfs({ vfs: { struct: vfsStruct, methods: vfs, name } });
  return {
    refresh() {
      for (const index of walIndexes.values()) index.refresh();
    },
  };
}
