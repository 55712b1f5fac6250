/**
 * `maintenance.checkImage`: the check a database image must pass before it replaces anything.
 * It runs on a private in-memory copy of the image (see `EngineHost.importImage`).
 */
import { DatabaseError } from '../../api/database-error.js';
import type { ProcedureContext } from '../../host/procedures.js';
import { isCorruption, structureCheck } from './corruption.js';

/** Arguments of `maintenance.checkImage`. */
export interface ImageCheckArgs {
  /** The library's latest schema version. */
  readonly maxVersion: number;
}

/** What a checked image is. */
export interface ImageInfo {
  /** Its `user_version`. */
  readonly schemaVersion: number;
}

/**
 * Refuses an image that fails `quick_check` or whose schema version is not between 1 and
 * `maxVersion` (the library's latest).
 * @throws DatabaseError `CORRUPT_DATABASE`; `INVALID_ARGUMENT` for a wrong schema version
 */
export async function checkImage(ctx: ProcedureContext, args: unknown): Promise<ImageInfo> {
  const maxVersion = Number((args as { maxVersion?: unknown } | null)?.maxVersion);
  const problems = await structureCheck(ctx, false);
  if (!(problems.length === 1 && problems[0] === 'ok')) {
    throw new DatabaseError(
      'CORRUPT_DATABASE',
      `The backup failed quick_check (${problems.slice(0, 3).join('; ')}); nothing was replaced. Restore another backup.`,
    );
  }
  let schemaVersion: number;
  try {
    schemaVersion = Number((await ctx.query('PRAGMA user_version')).rows[0]?.[0] ?? 0);
  } catch (error) {
    if (isCorruption(error)) throw new DatabaseError('CORRUPT_DATABASE', `The backup cannot be read: ${error.message}`, { cause: error });
    throw error;
  }
  if (schemaVersion < 1 || schemaVersion > maxVersion) {
    const why =
      schemaVersion < 1 ? 'has no alphatrade-db schema (user_version 0)' : `has schema version ${schemaVersion}, newer than this library's ${maxVersion}`;
    throw new DatabaseError('INVALID_ARGUMENT', `The backup ${why}; nothing was replaced.`);
  }
  return { schemaVersion };
}
