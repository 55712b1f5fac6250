// Opens a file database in this process and holds it: prints "ready <pid>" once open, then
// adds 1 to a counter on every line read from stdin, printing "ack <n>"; exits on "exit".
import { createInterface } from 'node:readline';
import { DatabaseManager } from '../../dist/src/index.node.js';

const db = DatabaseManager.open(process.argv[2]);
await db.exec('CREATE TABLE IF NOT EXISTS counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT OR IGNORE INTO counter VALUES (1, 0);');
process.stdout.write(`ready ${process.pid}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'exit') break;
  await db.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
  const { n } = await db.get('SELECT n FROM counter WHERE id = 1');
  process.stdout.write(`ack ${n}\n`);
}
await db.close();
process.exit(0);
