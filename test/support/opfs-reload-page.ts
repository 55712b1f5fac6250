// A page that opens the OPFS database named in its query string, reports the rows it finds,
// commits ten more, and reports again to its parent — without closing the database, so a
// reload ends its worker the way a real reload does.
import { DatabaseManager } from '../../src/index.browser.js';

const name = new URLSearchParams(location.search).get('db') ?? 'reload-probe.db';
const report = (message: object): void => parent.postMessage({ source: 'opfs-reload-page', ...message }, '*');

try {
  const db = DatabaseManager.open(name, { storage: 'opfs' });
  await db.exec('CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT)');
  const before = (await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n;
  await db.executeMany(
    'INSERT INTO t(v) VALUES (?)',
    Array.from({ length: 10 }, (_, i) => [`load ${String(before)} row ${i}`]),
  );
  const integrity = (await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check;
  report({ before, after: (await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n, integrity });
} catch (error) {
  report({ error: String(error) });
}
