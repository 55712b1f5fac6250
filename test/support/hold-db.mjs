// Opens a file database in this process and holds it: prints "ready <pid>" once open, then
// obeys one command per line of stdin: "+" adds 1 to a counter and prints "ack <n>"; "hold"
// opens a write transaction that adds 1 and prints "holding", and "commit" ends it ("ack <n>");
// "exit" closes the database and exits.
// Usage: hold-db.mjs <db> [fileLocking]
import { createInterface } from 'node:readline';
import { DatabaseManager } from '../../dist/src/index.node.js';

const [path, fileLocking] = process.argv.slice(2);
const db = DatabaseManager.open(path, fileLocking === undefined ? {} : { fileLocking });
await db.exec('CREATE TABLE IF NOT EXISTS counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT OR IGNORE INTO counter VALUES (1, 0);');
process.stdout.write(`ready ${process.pid}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const increment = 'UPDATE counter SET n = n + 1 WHERE id = 1 RETURNING n';
for (let line = await lines.next(); !line.done && line.value !== 'exit'; line = await lines.next()) {
  if (line.value === '+') {
    const { n } = await db.get(increment);
    process.stdout.write(`ack ${n}\n`);
  } else if (line.value === 'hold') {
    const n = await db.transaction(async (s) => {
      const row = await s.get(increment);
      process.stdout.write('holding\n');
      while ((await lines.next()).value !== 'commit');
      return row.n;
    });
    process.stdout.write(`ack ${n}\n`);
  }
}
await db.close();
process.exit(0);
