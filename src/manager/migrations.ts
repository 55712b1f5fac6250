import { DatabaseError } from '../api/database-error.js';
import type { Session } from '../api/session.js';
import type { Migration } from '../api/migration.js';

/** Something that can run a transaction: the manager or its connection. */
export interface TransactionRunner {
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
}

/**
 * Brings the schema to the newest version: each pending migration runs in its own transaction
 * together with the `user_version` bump, so a failure leaves the database at the previous
 * version. Running it again on an up-to-date database does nothing.
 * @returns the versions applied
 * @throws DatabaseError `INVALID_ARGUMENT` for a malformed migration list; `SCHEMA_TOO_NEW` for a database a newer library wrote (nothing is changed); what a migration threw
 */
export async function applyMigrations(runner: TransactionRunner, migrations: readonly Migration[]): Promise<number[]> {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new DatabaseError('INVALID_ARGUMENT', `Migration "${migration.name}" has version ${migration.version}; expected ${index + 1}.`);
    }
  });
  const applied: number[] = [];
  const latest = migrations.length;
  for (const migration of migrations) {
    const ran = await runner.transaction(async (session) => {
      const current = (await session.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
      if (current > latest) {
        throw new DatabaseError(
          'SCHEMA_TOO_NEW',
          `The database has schema version ${current}; this version of alphatrade-db knows up to ${latest}. Upgrade alphatrade-db to use it; nothing was changed.`,
        );
      }
      if (current >= migration.version) return false;
      await migration.up(session);
      await session.execute(`PRAGMA user_version = ${migration.version}`);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
