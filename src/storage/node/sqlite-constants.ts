/**
 * The numbers of SQLite's VFS contract (sqlite3.h) that the Node file VFS speaks. They are
 * part of SQLite's stable ABI, so they are spelled out here rather than read from the module.
 */

/** Result codes a VFS method returns. */
export const RC = {
  OK: 0,
  ERROR: 1,
  BUSY: 5,
  NOMEM: 7,
  IOERR: 10,
  NOTFOUND: 12,
  FULL: 13,
  CANTOPEN: 14,
  IOERR_READ: 10 | (1 << 8),
  IOERR_SHORT_READ: 10 | (2 << 8),
  IOERR_WRITE: 10 | (3 << 8),
  IOERR_FSYNC: 10 | (4 << 8),
  IOERR_DIR_FSYNC: 10 | (5 << 8),
  IOERR_TRUNCATE: 10 | (6 << 8),
  IOERR_FSTAT: 10 | (7 << 8),
  IOERR_UNLOCK: 10 | (8 << 8),
  IOERR_RDLOCK: 10 | (9 << 8),
  IOERR_DELETE: 10 | (10 << 8),
  IOERR_ACCESS: 10 | (13 << 8),
  IOERR_LOCK: 10 | (15 << 8),
  IOERR_SHMOPEN: 10 | (18 << 8),
  IOERR_SHMSIZE: 10 | (19 << 8),
  IOERR_SHMLOCK: 10 | (20 << 8),
  IOERR_SHMMAP: 10 | (21 << 8),
  IOERR_CLOSE: 10 | (16 << 8),
  IOERR_DELETE_NOENT: 10 | (23 << 8),
} as const;

/** SQLite's file lock levels, in order. */
export const LOCK = {
  NONE: 0,
  SHARED: 1,
  RESERVED: 2,
  PENDING: 3,
  EXCLUSIVE: 4,
} as const;

/** A file lock level. */
export type LockLevel = (typeof LOCK)[keyof typeof LOCK];

/** `xOpen` flags. */
export const OPEN = {
  READONLY: 0x1,
  READWRITE: 0x2,
  CREATE: 0x4,
  DELETEONCLOSE: 0x8,
  EXCLUSIVE: 0x10,
  MAIN_DB: 0x100,
  MAIN_JOURNAL: 0x800,
  SUPER_JOURNAL: 0x4000,
  WAL: 0x80000,
} as const;

/** `xSync` flags: the low bits say NORMAL (2) or FULL (3); DATAONLY asks for fdatasync. */
export const SYNC_DATAONLY = 0x10;

/** `xAccess` questions. */
export const ACCESS = { EXISTS: 0, READWRITE: 1, READ: 2 } as const;

/** `xDeviceCharacteristics`: writing a range never damages bytes outside it on power loss. */
export const IOCAP_POWERSAFE_OVERWRITE = 0x1000;

/** The sector size reported to SQLite (SQLite's own default for unix). */
export const SECTOR_SIZE = 4096;
