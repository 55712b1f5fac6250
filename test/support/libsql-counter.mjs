// One process of the two-process test: its own DatabaseManager on the libSQL primary at
// argv[2], running argv[3] concurrent read-modify-write transactions on counter(n).
import { DatabaseManager } from '../../dist/src/index.node.js';

const [url, count] = [process.argv[2], Number(process.argv[3])];
const db = DatabaseManager.open(`counter-${process.pid}`, { engine: 'libsql', url });
const increment = () =>
  db.transaction(async (s) => {
    const { n } = await s.get('SELECT n FROM counter WHERE id = 1');
    await s.execute('UPDATE counter SET n = ? WHERE id = 1', [n + 1]);
  });
const outcomes = await Promise.allSettled(Array.from({ length: count }, increment));
const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => `${o.reason?.code}: ${o.reason?.message}`);
await db.close();
process.stdout.write(JSON.stringify({ committed: count - failed.length, failed: failed.slice(0, 5) }));
