import { DatabaseError, type DatabaseManager, type Session } from 'alphatrade-db';
import { environment } from 'test-env';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openDb } from '../support/open-db.js';
import { delay, rejection } from '../support/rejection.js';

describe.each(ENGINES)('write-lock transactions (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  const open = (lockTimeoutMs?: number) => {
    const db = openDb(engine, lockTimeoutMs === undefined ? {} : { lockTimeoutMs });
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  // The last of the 1,000 waits for the lock about as long as the whole test runs (11 s seen on a loaded CI machine).
  it('1,000 concurrent read-modify-write transactions end at n = 1,000; 1,000 outside statements never run inside one', { timeout: 180_000 }, async () => {
    const db = open(180_000);
    await db.exec('CREATE TABLE counter(n INTEGER NOT NULL); INSERT INTO counter VALUES (0); CREATE TABLE log(i INTEGER);');
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      work.push(
        db.transaction(async (tx) => {
          const logged = await tx.get<{ c: number }>('SELECT count(*) AS c FROM log');
          const row = await tx.get<{ n: number }>('SELECT n FROM counter');
          await tx.execute('UPDATE counter SET n = ?', [(row?.n ?? 0) + 1]);
          expect(await tx.get('SELECT count(*) AS c FROM log')).toEqual(logged);
        }),
      );
      work.push(i % 2 === 0 ? db.execute('INSERT INTO log VALUES (?)', [i]) : db.get('SELECT n FROM counter'));
    }
    await Promise.all(work);
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 1000 });
    expect(await db.get('SELECT count(*) AS c FROM log')).toEqual({ c: 500 });
  });

  it('outside statements issued while transactions fail are never rolled back with them', async () => {
    const db = open();
    await db.exec('CREATE TABLE counter(n INTEGER NOT NULL); INSERT INTO counter VALUES (0); CREATE TABLE log(i INTEGER);');
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      work.push(
        db
          .transaction(async (tx) => {
            await tx.execute('UPDATE counter SET n = n + 1');
            throw new Error('planned failure');
          })
          .catch(() => undefined),
      );
      work.push(db.execute('INSERT INTO log VALUES (?)', [i]));
    }
    await Promise.all(work);
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 0 });
    expect(await db.get('SELECT count(*) AS c FROM log')).toEqual({ c: 200 });
  });

  it('runs calls in the order they were made, before and after the worker is up', async () => {
    for (const warm of [false, true]) {
      const db = open();
      const table = warm ? 'o_warm' : 'o_cold';
      if (warm) await db.get('SELECT 1');
      const tx = db.transaction(async (s) => {
        await s.execute(`CREATE TABLE ${table}(v INTEGER)`);
        await s.execute(`INSERT INTO ${table} VALUES (1)`);
      });
      const read = db.query(`SELECT v FROM ${table}`, [], { rowMode: 'array' });
      const write = db.execute(`INSERT INTO ${table} VALUES (2)`);
      const readAgain = db.query(`SELECT v FROM ${table} ORDER BY v`, [], { rowMode: 'array' });
      await tx;
      expect(await read).toEqual([[1]]);
      await write;
      expect(await readAgain).toEqual([[1], [2]]);
    }
  });

  it('a failure at depth 3 of 5 nested savepoints rolls back only that level and its children', async () => {
    const db = open();
    await db.exec('CREATE TABLE levels(depth INTEGER)');
    const nest = async (session: Session, depth: number): Promise<void> => {
      await session.execute('INSERT INTO levels VALUES (?)', [depth]);
      if (depth < 5) {
        const inner = session.transaction((child) => nest(child, depth + 1));
        if (depth === 2) await inner.catch(() => undefined);
        else await inner;
      }
      if (depth === 3) throw new Error('level 3 fails after its children succeeded');
    };
    await db.transaction(async (tx) => {
      await nest(tx, 1);
      expect(await tx.query('SELECT depth FROM levels ORDER BY depth', [], { rowMode: 'array' })).toEqual([[1], [2]]);
    });
    expect(await db.query('SELECT depth FROM levels ORDER BY depth', [], { rowMode: 'array' })).toEqual([[1], [2]]);
  });

  it('a caught statement error keeps the transaction open, as SQLite does', async () => {
    const db = open();
    await db.exec('CREATE TABLE u(k TEXT UNIQUE)');
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO u VALUES (?)', ['a']);
      expect((await rejection(tx.execute('INSERT INTO u VALUES (?)', ['a']))).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
      await tx.execute('INSERT INTO u VALUES (?)', ['b']);
    });
    expect(await db.query('SELECT k FROM u ORDER BY k', [], { rowMode: 'array' })).toEqual([['a'], ['b']]);
  });

  it('INSERT OR ROLLBACK: SQLite rolls back by itself and no stray "cannot commit" error appears', async () => {
    const db = open();
    await db.exec('CREATE TABLE u(k TEXT UNIQUE)');
    await db.execute('INSERT INTO u VALUES (?)', ['a']);
    const thrown = await rejection(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO u VALUES (?)', ['b']);
        await tx.execute('INSERT OR ROLLBACK INTO u VALUES (?)', ['a']);
      }),
    );
    expect(thrown.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    const swallowed = await rejection(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO u VALUES (?)', ['c']);
        await tx.execute('INSERT OR ROLLBACK INTO u VALUES (?)', ['a']).catch(() => undefined);
        expect((await rejection(tx.execute('INSERT INTO u VALUES (?)', ['d']))).code).toBe('TX_ROLLED_BACK');
      }),
    );
    expect(swallowed.code).toBe('TX_ROLLED_BACK');
    expect(await db.query('SELECT k FROM u', [], { rowMode: 'array' })).toEqual([['a']]);
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO u VALUES (?)', ['e']);
    });
    expect(await db.get('SELECT count(*) AS n FROM u')).toEqual({ n: 2 });
  });

  it('a COMMIT that fails (a deferred foreign key) rolls the transaction back: the row is gone and the next transaction works', async () => {
    const db = open();
    await db.exec('CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
    const failed = await rejection(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO c VALUES (42)');
      }),
    );
    expect(failed).toBeInstanceOf(DatabaseError);
    expect(failed.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(await db.query('SELECT pid FROM c')).toEqual([]);
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO p VALUES (7)');
      await tx.execute('INSERT INTO c VALUES (7)');
    });
    await db.execute('INSERT INTO p VALUES (8)');
    expect(await db.query('SELECT pid FROM c')).toEqual([{ pid: 7 }]);
    expect(await db.query('SELECT id FROM p ORDER BY id')).toEqual([{ id: 7 }, { id: 8 }]);
  });

  it('transaction control smuggled past the filter or left by a failed script never desynchronises the state', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(v INTEGER)');
    for (const sql of ['; BEGIN', '  ;; /* x */ BEGIN IMMEDIATE', ';COMMIT', '\n;END']) {
      expect((await rejection(db.execute(sql))).code).toBe('INVALID_ARGUMENT');
    }
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t VALUES (1)');
      expect((await rejection(tx.execute(';COMMIT'))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(tx.execute('; ROLLBACK'))).code).toBe('INVALID_ARGUMENT');
    });
    expect((await rejection(db.exec('CREATE TABLE a(x); SAVEPOINT s; INSERT INTO nope VALUES (1)'))).code).toBe('INVALID_ARGUMENT');
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t VALUES (2)');
      expect((await rejection(tx.execute('INSERT INTO t VALUES (3); COMMIT'))).code).toBe('INVALID_ARGUMENT');
    });
    expect(await db.query('SELECT v FROM t ORDER BY v', [], { rowMode: 'array' })).toEqual([[1], [2]]);
    expect(await db.query("SELECT name FROM sqlite_schema WHERE name = 'a'")).toEqual([]);
  });

  it('a script may hold a trigger, whose BEGIN … END body (with its own ; and CASE … END) is not transaction control', async () => {
    const db = open();
    await db.exec(`CREATE TABLE t(v INTEGER); CREATE TABLE log(v TEXT);
      CREATE TRIGGER t_log AFTER INSERT ON t BEGIN
        INSERT INTO log VALUES (CASE WHEN new.v > 1 THEN 'big' ELSE 'small' END);
        INSERT INTO log VALUES ('end');
      END;
      INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);`);
    expect(await db.query('SELECT v FROM log ORDER BY rowid', [], { rowMode: 'array' })).toEqual([['small'], ['end'], ['big'], ['end']]);
    expect((await rejection(db.exec('CREATE TRIGGER t_x AFTER DELETE ON t BEGIN SELECT 1; END; END'))).code).toBe('INVALID_ARGUMENT');
  });

  it('a failed nested transaction takes an unawaited inner one down with it', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(v TEXT)');
    let grandchild: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t VALUES (?)', ['outer']);
      const failed = await rejection(
        tx.transaction(async (child) => {
          await child.execute('INSERT INTO t VALUES (?)', ['child']);
          grandchild = child.transaction(async (inner) => {
            await inner.execute('INSERT INTO t VALUES (?)', ['grandchild']);
            await delay(30);
            await inner.execute('INSERT INTO t VALUES (?)', ['grandchild later']);
          });
          grandchild.catch(() => undefined);
          throw new DatabaseError('INVALID_ARGUMENT', 'child fails');
        }),
      );
      expect(failed.message).toBe('child fails');
      expect((await rejection(grandchild!)).code).toBe('TX_CLOSED');
    });
    expect(await db.query('SELECT v FROM t', [], { rowMode: 'array' })).toEqual([['outer']]);
  });

  it('accepts a synchronous callback, and rolls back a synchronous throw', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(v INTEGER)');
    expect(await db.transaction((() => 5) as never)).toBe(5);
    const error = await db
      .transaction(((tx: Session) => {
        void tx.execute('INSERT INTO t VALUES (1)');
        throw new Error('sync failure');
      }) as never)
      .catch((e: Error) => e);
    expect((error as Error).message).toBe('sync failure');
    expect(await db.query('SELECT v FROM t')).toEqual([]);
  });

  it('an abort ends a stuck transaction at once: rolled back, lock released', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(v INTEGER)');
    const controller = new AbortController();
    let inside!: () => void;
    const insideTx = new Promise<void>((resolve) => (inside = resolve));
    const stuck = db.transaction(
      async (tx) => {
        await tx.execute('INSERT INTO t VALUES (1)');
        inside();
        await new Promise(() => undefined);
      },
      { signal: controller.signal },
    );
    await insideTx;
    controller.abort();
    expect((await rejection(stuck)).code).toBe('ABORTED');
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t VALUES (2)');
    });
    expect(await db.query('SELECT v FROM t', [], { rowMode: 'array' })).toEqual([[2]]);
  });

  it('a session used after its transaction ended throws TX_CLOSED', async () => {
    const db = open();
    let leaked: Session | undefined;
    await db.session(async (s) => {
      leaked = s;
    });
    expect((await rejection(leaked!.query('SELECT 1'))).code).toBe('TX_CLOSED');
    let leakedInner: Session | undefined;
    await db.transaction(async (tx) => {
      await tx.transaction(async (inner) => {
        leakedInner = inner;
        expect((await rejection(tx.query('SELECT 1'))).code).toBe('TX_REENTRANT');
      });
      expect((await rejection(leakedInner!.query('SELECT 1'))).code).toBe('TX_CLOSED');
    });
  });

  it('calling the database from inside its own transaction fails instead of hanging', async () => {
    const db = open(300);
    await db.get('SELECT 1');
    const started = Date.now();
    const error = await rejection(
      db.transaction(async () => {
        await db.query('SELECT 1');
      }),
    );
    expect(error.code).toBe(environment === 'node' ? 'TX_REENTRANT' : 'LOCK_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await db.get('SELECT 1 AS ok')).toEqual({ ok: 1 });
  });

  it('a queued writer with an AbortSignal rejects without running; a long wait gives LOCK_TIMEOUT', async () => {
    const db = open(150);
    await db.exec('CREATE TABLE w(v TEXT)');
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const insideTx = new Promise<void>((resolve) => (inside = resolve));
    const long = db.transaction(async (tx) => {
      await tx.execute('INSERT INTO w VALUES (?)', ['long']);
      inside();
      await holding;
    });
    await insideTx;
    const aborted = db.transaction(
      async (tx) => {
        await tx.execute('INSERT INTO w VALUES (?)', ['aborted']);
      },
      { signal: AbortSignal.timeout(100), timeoutMs: 5000 },
    );
    const timedOut = db.transaction(async (tx) => {
      await tx.execute('INSERT INTO w VALUES (?)', ['timed out']);
    });
    expect((await rejection(aborted)).code).toBe('ABORTED');
    expect((await rejection(timedOut)).code).toBe('LOCK_TIMEOUT');
    expect((await rejection(db.query('SELECT 1'))).code).toBe('LOCK_TIMEOUT');
    release();
    await long;
    expect(await db.query('SELECT v FROM w', [], { rowMode: 'array' })).toEqual([['long']]);
  });

  it('an abort while the transaction runs rolls it back', async () => {
    const db = open();
    await db.exec('CREATE TABLE w(v TEXT)');
    const controller = new AbortController();
    const error = await rejection(
      db.transaction(
        async (tx) => {
          await tx.execute('INSERT INTO w VALUES (?)', ['x']);
          controller.abort(new Error('user cancelled'));
          await tx.execute('INSERT INTO w VALUES (?)', ['y']);
        },
        { signal: controller.signal },
      ),
    );
    expect(error.code).toBe('ABORTED');
    expect(await db.query('SELECT v FROM w')).toEqual([]);
  });

  it('setupDatabase is idempotent and runs with foreign keys enforced', async () => {
    const db = open();
    await db.setupDatabase();
    await db.setupDatabase();
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    await db.exec('CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id));');
    expect((await rejection(db.execute('INSERT INTO c VALUES (7)'))).code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
  });
});
