/**
 * Quick start: `npm run example`.
 *
 * Opens a database (in memory unless a path is given: `node dist/examples/node/quickstart.js`),
 * creates a balance table, runs 200 concurrent transfers through the write lock, shows a
 * nested transaction rolling back on its own, and shows an error keeping its SQLite code
 * across the worker boundary.
 */
import { DatabaseManager, isDatabaseError } from 'alphatrade-db';

const name = process.argv[2] ?? ':memory:';
await using db = DatabaseManager.open(name);
await db.setupDatabase();
await db.exec(`
  CREATE TABLE IF NOT EXISTS accounts(
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL UNIQUE,
    balance_rao INTEGER NOT NULL CHECK (balance_rao >= 0)
  )`);
await db.executeMany('INSERT OR IGNORE INTO accounts(owner, balance_rao) VALUES (?, ?)', [
  ['alice', 1_000_000_000_000n],
  ['bob', 0n],
]);

const started = performance.now();
const transfers = Array.from({ length: 200 }, (_, i) =>
  db.transaction(async (tx) => {
    const amount = BigInt(i + 1) * 1_000_000n;
    await tx.execute('UPDATE accounts SET balance_rao = balance_rao - ? WHERE owner = ?', [amount, 'alice']);
    await tx.execute('UPDATE accounts SET balance_rao = balance_rao + ? WHERE owner = ?', [amount, 'bob']);
  }),
);
await Promise.all(transfers);
const elapsed = performance.now() - started;

await db.transaction(async (tx) => {
  await tx.execute('UPDATE accounts SET balance_rao = balance_rao + 1 WHERE owner = ?', ['bob']);
  await tx
    .transaction(async (inner) => {
      await inner.execute('UPDATE accounts SET balance_rao = 0 WHERE owner = ?', ['alice']);
      throw new Error('changed my mind');
    })
    .catch(() => undefined);
});

try {
  await db.execute('INSERT INTO accounts(owner, balance_rao) VALUES (?, ?)', ['bob', 1n]);
} catch (error) {
  if (!isDatabaseError(error)) throw error;
  console.log(`duplicate owner refused: ${error.code} (${error.message})`);
}

console.log(`engine: ${db.info?.engine}, SQLite ${db.info?.sqliteVersion}, database: ${db.name}`);
console.log(`200 concurrent transfers in ${elapsed.toFixed(1)} ms`);
console.table(await db.query('SELECT owner, balance_rao FROM accounts ORDER BY id'));
const [alice, bob] = await db.query<{ balance_rao: number | bigint }>('SELECT balance_rao FROM accounts ORDER BY id');
const total = BigInt(alice?.balance_rao ?? 0) + BigInt(bob?.balance_rao ?? 0);
console.log(`total supply unchanged: ${total === 1_000_000_000_001n ? 'yes' : 'NO'} (${total} rao)`);
if (total !== 1_000_000_000_001n) process.exitCode = 1;
