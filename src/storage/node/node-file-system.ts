import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  accessSync,
  linkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errorCode, type OpenMode, type SyncFileSystem } from './file-system.js';

const OPEN_FLAGS: Record<OpenMode, number> = {
  read: constants.O_RDONLY,
  readwrite: constants.O_RDWR,
  create: constants.O_RDWR | constants.O_CREAT,
  'create-new': constants.O_RDWR | constants.O_CREAT | constants.O_EXCL,
};

/** Errors a directory fsync may give on file systems that do not support it; ignored, as SQLite's unix VFS does. */
const UNSUPPORTED_DIRECTORY_SYNC = new Set(['EINVAL', 'EISDIR', 'ENOTSUP', 'EPERM', 'EACCES']);

/**
 * The real file system: `node:fs` synchronous calls, one for one. Only Node code may import
 * this module.
 */
export const nodeFileSystem: SyncFileSystem = {
  open: (path, mode) => openSync(path, OPEN_FLAGS[mode], 0o644),
  close: (fd) => closeSync(fd),
  read: (fd, buffer, offset, length, position) => readSync(fd, buffer, offset, length, position),
  write: (fd, buffer, offset, length, position) => writeSync(fd, buffer, offset, length, position),
  sync: (fd, dataOnly) => (dataOnly ? fdatasyncSync(fd) : fsyncSync(fd)),
  truncate: (fd, size) => ftruncateSync(fd, size),
  size: (fd) => fstatSync(fd).size,
  stat(path) {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats === undefined ? undefined : { size: stats.size, isFile: stats.isFile(), links: stats.nlink };
  },
  writable(path) {
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  unlink: (path) => unlinkSync(path),
  link: (existing, newPath) => linkSync(existing, newPath),
  syncDirectory(path) {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY);
    } catch (error) {
      if (UNSUPPORTED_DIRECTORY_SYNC.has(errorCode(error) ?? '')) return;
      throw error;
    }
    try {
      fsyncSync(fd);
    } catch (error) {
      if (!UNSUPPORTED_DIRECTORY_SYNC.has(errorCode(error) ?? '')) throw error;
    } finally {
      closeSync(fd);
    }
  },
  realpath(path) {
    try {
      return realpathSync(path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      return join(realpathSync(dirname(path)), basename(path));
    }
  },
  mkdirp: (path) => void mkdirSync(path, { recursive: true }),
};
