/**
 * Backup and restore (see the table in `src/maintenance/README.md`). A backup is one worker call
 * outside any transaction, so it is exactly the state after some committed transaction. A
 * restore checks the image (quick_check, schema version) on a private copy before anything is
 * replaced.
 */
import { DatabaseError } from '../../api/database-error.js';
import { isCorruption } from './corruption.js';
import type { MaintenancePort } from './maintenance-port.js';
import { MAINTENANCE_PROCEDURES } from './procedures.js';
import type { BackupOptions, BackupProgress, BackupReport, RestoreReport } from './types.js';
import type { BackupFiles } from './backup-files.js';

function filesOf(port: MaintenancePort, what: string): BackupFiles {
  if (port.backupFiles === undefined) {
    throw new DatabaseError('UNSUPPORTED_STORAGE', `${what} to or from a file path needs Node; in browsers call backup() for bytes and restore(bytes).`);
  }
  return port.backupFiles;
}

function report(options: BackupOptions, progress: BackupProgress): void {
  options.onProgress?.(progress);
}

/** A consistent image of the database as bytes. */
export async function backupToBytes(port: MaintenancePort, options: BackupOptions = {}): Promise<Uint8Array> {
  report(options, { phase: 'snapshot', bytesDone: 0, bytesTotal: 0 });
  const bytes = await port.exportImage();
  report(options, { phase: 'done', bytesDone: bytes.byteLength, bytesTotal: bytes.byteLength });
  return bytes;
}

/**
 * A consistent copy written to `destination` (Node). A file database is copied by
 * `VACUUM INTO` through the Node VFS (pages stream to disk, never the whole image in memory);
 * a memory database is serialized and written. Either way the file appears atomically.
 * @throws DatabaseError `UNSUPPORTED_STORAGE` outside Node; `INVALID_ARGUMENT` for an empty path; `DISK_FULL`; `SQLITE_IOERR`
 */
export async function backupToFile(port: MaintenancePort, destination: string, options: BackupOptions = {}): Promise<BackupReport> {
  const files = filesOf(port, 'A backup');
  if (typeof destination !== 'string' || destination.length === 0 || destination.includes('\0')) {
    throw new DatabaseError('INVALID_ARGUMENT', 'The backup destination must be a non-empty file path.');
  }
  const target = files.resolve(destination);
  if (target === port.name) throw new DatabaseError('INVALID_ARGUMENT', 'The backup destination is the database itself; choose another path.');
  let bytes: number;
  if (port.storage === 'file') {
    const temporary = files.temporaryBeside(target);
    report(options, { phase: 'snapshot', bytesDone: 0, bytesTotal: 0 });
    try {
      await port.execute('VACUUM INTO ?', [temporary]);
    } catch (error) {
      files.remove(temporary);
      throw error;
    }
    bytes = files.commitTemporary(temporary, target);
    report(options, { phase: 'write', bytesDone: bytes, bytesTotal: bytes });
  } else {
    const image = await backupToBytes(port, { onProgress: (p) => p.phase === 'snapshot' && report(options, p) });
    bytes = image.byteLength;
    report(options, { phase: 'write', bytesDone: 0, bytesTotal: bytes });
    files.writeAtomically(target, image);
  }
  report(options, { phase: 'done', bytesDone: bytes, bytesTotal: bytes });
  return { destination: target, bytes };
}

/** True when the database file is too damaged to open (its open is refused with CORRUPT_DATABASE). */
async function refusedAtOpen(port: MaintenancePort): Promise<boolean> {
  try {
    await port.query('SELECT 1');
    return false;
  } catch (error) {
    if (isCorruption(error)) return true;
    throw error;
  }
}

/**
 * Replaces the database with a checked backup (bytes, or a file path in Node), then applies the
 * migrations the backup predates.
 * @throws DatabaseError `CORRUPT_DATABASE` when the backup fails quick_check; `INVALID_ARGUMENT` for a backup without (or with a newer) schema, or a bad source; nothing is replaced then
 */
export async function restore(port: MaintenancePort, source: string | Uint8Array): Promise<RestoreReport> {
  let bytes: Uint8Array;
  if (typeof source === 'string') bytes = filesOf(port, 'A restore').read(source);
  else if (source instanceof Uint8Array) bytes = source;
  else throw new DatabaseError('INVALID_ARGUMENT', 'restore() takes the bytes of a backup (Uint8Array) or, in Node, its file path.');
  const restored = port.storage === 'file' && (await refusedAtOpen(port)) ? await restoreClosed(port, bytes) : await restoreOpen(port, bytes);
  return { ...restored, migrationsApplied: await port.migrate() };
}

/** Checks the image on a scratch database, then writes it over the closed file. */
async function restoreClosed(port: MaintenancePort, bytes: Uint8Array): Promise<Omit<RestoreReport, 'migrationsApplied'>> {
  const scratch = port.openScratch();
  let checked: RestoreReport;
  try {
    checked = await scratch.maintenance.restore(bytes);
  } finally {
    await scratch.close();
  }
  filesOf(port, 'A restore').replaceClosedDatabase(port.name, bytes);
  return { schemaVersion: checked.schemaVersion, bytes: checked.bytes, mode: 'offline' };
}

/** Checks and imports the image through the open connection. */
async function restoreOpen(port: MaintenancePort, bytes: Uint8Array): Promise<Omit<RestoreReport, 'migrationsApplied'>> {
  const info = await port.importImage(bytes, MAINTENANCE_PROCEDURES.checkImage, { maxVersion: port.schemaVersion });
  return { schemaVersion: info.schemaVersion, bytes: bytes.byteLength, mode: 'online' };
}
