// Commits numbered transactions into a file database until it is killed. Each transaction
// inserts 3 rows with the same number n (and padding of varying size, so commits touch
// several pages); after each commit it prints "ack <n>" and reads the commit back (on a reader of
// the pool under OS locks), exiting with code 3 if it is not all there.
// Usage: crash-writer.mjs <db> <journal> [engine] [fileLocking]  (engine sql.js: snapshots, journal ignored)
import { DatabaseManager } from '../../dist/src/index.node.js';

const [path, journalMode = 'delete', engine = 'sqlite-wasm', fileLocking = 'os'] = process.argv.slice(2);
// Under OS locks the writer gets a reader of the pool, which reads back each acknowledged commit.
const db = DatabaseManager.open(path, engine === 'sql.js' ? { engine } : fileLocking === 'os' ? { journalMode, readers: 1 } : { journalMode, fileLocking });
await db.exec('CREATE TABLE IF NOT EXISTS tx(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, part INTEGER NOT NULL, pad BLOB)');
let n = (await db.get('SELECT coalesce(max(n), 0) AS n FROM tx')).n;
process.stdout.write('ready\n');
for (;;) {
  n += 1;
  const size = 2000 + ((n * 7919) % 120_000);
  await db.transaction(async (s) => {
    for (let part = 0; part < 3; part++) await s.execute('INSERT INTO tx(n, part, pad) VALUES (?, ?, randomblob(?))', [n, part, size]);
  });
  process.stdout.write(`ack ${n}\n`);
  const { parts } = await db.get('SELECT count(*) AS parts FROM tx WHERE n = ?', [n]);
  if (parts !== 3) {
    process.stderr.write(`read back ${parts} of 3 rows of acknowledged transaction ${n}\n`);
    process.exit(3);
  }
}
