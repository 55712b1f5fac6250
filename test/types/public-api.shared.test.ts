import { DatabaseManager, type DatabaseError, type RunResult, type Session, type SqlValue } from 'alphatrade-db';
import { describe, expectTypeOf, it } from 'vitest';

describe('public API types', () => {
  it('types the manager contract', () => {
    expectTypeOf(DatabaseManager.open).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(DatabaseManager.open).returns.toEqualTypeOf<DatabaseManager>();
    expectTypeOf<DatabaseManager['execute']>().returns.resolves.toEqualTypeOf<RunResult>();
    expectTypeOf<RunResult['lastInsertRowid']>().toEqualTypeOf<bigint>();
    const getDefault = (db: DatabaseManager) => db.get('SELECT 1');
    expectTypeOf(getDefault).returns.resolves.toEqualTypeOf<Record<string, SqlValue> | undefined>();
    expectTypeOf<DatabaseManager['session']>().parameter(0).toEqualTypeOf<(session: Session) => Promise<unknown>>();
    expectTypeOf<DatabaseManager['close']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<DatabaseError['code']>().toMatchTypeOf<string>();
  });

  it('lets callers type their rows', () => {
    const read = (db: DatabaseManager) => db.query<{ id: number }>('SELECT 1 AS id');
    expectTypeOf(read).returns.resolves.toEqualTypeOf<{ id: number }[]>();
    const readOne = (s: Session) => s.get<{ n: bigint }>('SELECT 1 AS n');
    expectTypeOf(readOne).returns.resolves.toEqualTypeOf<{ n: bigint } | undefined>();
  });
});
