import { createClient } from '@libsql/client';

/**
 * Empties a libSQL server's database between tests (the behaviour suites expect a fresh
 * database per test): drops every table, view, index and trigger and resets `user_version`,
 * in one write transaction with foreign keys deferred.
 */
export async function wipeServer(url: string): Promise<void> {
  const client = createClient({ url });
  try {
    const { rows } = await client.execute(
      "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream%' AND name NOT LIKE 'libsql_%'",
    );
    const order = ['trigger', 'view', 'index', 'table'];
    const drops = [...rows]
      .sort((a, b) => order.indexOf(String(a[0])) - order.indexOf(String(b[0])))
      .map((row) => `DROP ${String(row[0]).toUpperCase()} IF EXISTS "${String(row[1]).replaceAll('"', '""')}"`);
    const tx = await client.transaction('write');
    try {
      await tx.execute('PRAGMA defer_foreign_keys = ON');
      for (const drop of drops) await tx.execute(drop);
      await tx.execute('PRAGMA user_version = 0');
      await tx.commit();
    } finally {
      tx.close();
    }
  } finally {
    client.close();
  }
}
