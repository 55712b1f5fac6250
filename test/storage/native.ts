/** Native SQLite for the storage suites: python3's sqlite3 module, run as a child process. */
import { execFileSync } from 'node:child_process';

/**
 * Runs a python3 script with `sqlite3`, `json` and `sys` imported; `args` arrive in
 * `sys.argv[1:]`. Returns what the script printed, parsed as JSON.
 */
export function python<T>(script: string, ...args: string[]): T {
  const out = execFileSync('python3', ['-c', `import sqlite3, json, sys\n${script}`, ...args], { encoding: 'utf8' });
  return JSON.parse(out) as T;
}

/** Reads every row of `table` (ordered by rowid) and integrity_check, with native SQLite. Blobs come back as hex. */
export function nativeRead(path: string, table: string): { rows: unknown[][]; integrity: string; journalMode: string } {
  return python(
    `
con = sqlite3.connect(sys.argv[1])
rows = [[v.hex() if isinstance(v, bytes) else v for v in r] for r in con.execute('SELECT * FROM "' + sys.argv[2] + '" ORDER BY rowid')]
print(json.dumps({'rows': rows, 'integrity': con.execute('PRAGMA integrity_check').fetchone()[0], 'journalMode': con.execute('PRAGMA journal_mode').fetchone()[0]}))
con.close()
`,
    path,
    table,
  );
}
