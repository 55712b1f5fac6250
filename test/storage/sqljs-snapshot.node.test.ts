/**
 * sql.js persistence by atomic snapshots (issue 3 §4): durable before the call returns,
 * native-compatible files, a process lock, CORRUPT_DATABASE at open, DISK_FULL with the
 * previous snapshot intact, and a crash loop of SIGKILLs.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndKill, verify } from '../../bench/crash-trial.js';
import { nodeAtomicWriteFileSystem, writeFileAtomically, type AtomicWriteFileSystem } from '../../src/storage/snapshot/atomic-file.js';
import { rejection } from '../support/rejection.js';
import { seededRandom } from '../support/sim-disk.js';
import { nativeRead, python } from './native.js';

const dir = mkdtempSync(join(tmpdir(), 'alphatrade-sqljs-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = (label: string): string => join(dir, `${label}-${++counter}.db`);
const SQLJS = { engine: 'sql.js' as const, workerUrl };

describe('sql.js snapshots in Node', () => {
  it('saves every acknowledged write before the call returns; the file is a native SQLite database', async () => {
    const path = freshPath('durable');
    const db = DatabaseManager.open(path, SQLJS);
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    await db.execute('INSERT INTO t(v) VALUES (?)', ['one']);
    expect(nativeRead(path, 't')).toEqual({ rows: [[1, 'one']], integrity: 'ok', journalMode: 'delete' });
    await db.transaction(async (s) => {
      await s.execute('INSERT INTO t(v) VALUES (?)', ['two']);
      expect(nativeRead(path, 't').rows).toEqual([[1, 'one']]);
    });
    expect(nativeRead(path, 't').rows).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    await db.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reopens its own file and one written by native SQLite; the sqlite-wasm engine reads its file', async () => {
    const path = freshPath('native');
    python(
      'con = sqlite3.connect(sys.argv[1])\ncon.executescript("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES (\'native\');")\ncon.close()\nprint(1)',
      path,
    );
    const db = DatabaseManager.open(path, SQLJS);
    expect(await db.query('SELECT * FROM t')).toEqual([{ id: 1, v: 'native' }]);
    await db.execute('INSERT INTO t(v) VALUES (?)', ['sql.js']);
    await db.close();
    const again = DatabaseManager.open(path, SQLJS);
    expect(await again.query('SELECT v FROM t ORDER BY id')).toEqual([{ v: 'native' }, { v: 'sql.js' }]);
    await again.close();
    const wasm = DatabaseManager.open(path, { workerUrl });
    expect(await wasm.get('SELECT count(*) AS n FROM t')).toEqual({ n: 2 });
    await wasm.close();
  });

  it('refuses a file that is not a healthy database with CORRUPT_DATABASE and leaves it untouched', async () => {
    const path = freshPath('corrupt');
    writeFileSync(path, 'this is not a database, just some text that is long enough to fill a header');
    const before = readFileSync(path);
    const db = DatabaseManager.open(path, SQLJS);
    expect((await rejection(db.query('SELECT 1'))).code).toBe('CORRUPT_DATABASE');
    expect(readFileSync(path)).toEqual(before);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('gives a second process DATABASE_LOCKED naming this one', async () => {
    const path = freshPath('locked');
    const db = DatabaseManager.open(path, SQLJS);
    await db.exec('CREATE TABLE t(v INTEGER)');
    const script = `import { DatabaseManager } from ${JSON.stringify(new URL('../../dist/src/index.node.js', import.meta.url).href)};
const db = DatabaseManager.open(process.argv[2], { engine: 'sql.js' });
try { await db.query('SELECT 1'); console.log('opened'); } catch (e) { console.log(e.code + ' ' + e.message); }
await db.close();`;
    const scriptPath = join(dir, `second-opener-${counter}.mjs`);
    writeFileSync(scriptPath, script);
    const child = spawn(process.execPath, [scriptPath, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) lines.push(line);
    expect(lines[0]).toMatch(new RegExp(`^DATABASE_LOCKED .*process ${process.pid}`));
    await db.close();
  });

  it('crash loop: 10 SIGKILLs of a sql.js writer lose no acknowledged commit and leave no partial one', { timeout: 120_000 }, async () => {
    const random = seededRandom(7);
    const path = freshPath('crash');
    let floor = 0;
    let guaranteedAcks = 0;
    for (let trial = 1; trial <= 10; trial++) {
      const plan = { beforeFirstAck: trial % 5 === 0, delayMs: Math.floor(random() * 150), afterAcks: 1 + Math.floor(random() * 4) };
      if (!plan.beforeFirstAck) guaranteedAcks += plan.afterAcks;
      const { acks } = await runAndKill(path, 'delete', plan, 'sql.js');
      const result = await verify(path, 'delete', acks, floor);
      expect({ trial, problems: result.problems }).toEqual({ trial, problems: [] });
      floor = result.committedNumbers;
    }
    expect(floor).toBeGreaterThanOrEqual(guaranteedAcks);
    expect(guaranteedAcks).toBeGreaterThan(10);
  });
});

/** A file system that fails the way `fault` says on the n-th write. */
function faulty(fault: 'short' | 'enospc' | 'half'): AtomicWriteFileSystem {
  return {
    ...nodeAtomicWriteFileSystem,
    write(fd, buffer, offset, length, position) {
      if (fault === 'half') return nodeAtomicWriteFileSystem.write(fd, buffer, offset, Math.max(1, length >> 1), position);
      const written = nodeAtomicWriteFileSystem.write(fd, buffer, offset, Math.min(length, 1000), position);
      if (fault === 'enospc' && offset > 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return offset > 0 ? 0 : written;
    },
  };
}

describe('atomic snapshot write', () => {
  const image = new Uint8Array(50_000).map((_, i) => i % 251);
  const old = new Uint8Array([1, 2, 3]);

  it('keeps the permission bits of the file it replaces, and refuses a file this process may not write', () => {
    // 0444 is writable only for root (CI runs as root; elsewhere the refusal below covers it).
    const modes = process.getuid?.() === 0 ? [0o600, 0o640, 0o444] : [0o600, 0o640];
    for (const mode of modes) {
      const path = freshPath(`atomic-mode-${mode.toString(8)}`);
      writeFileSync(path, old);
      chmodSync(path, mode);
      writeFileAtomically(path, image);
      expect({ mode: (statSync(path).mode & 0o7777).toString(8), bytes: readFileSync(path).length }).toEqual({ mode: mode.toString(8), bytes: image.length });
    }
    const path = freshPath('atomic-not-writable');
    writeFileSync(path, old);
    const readOnly: AtomicWriteFileSystem = { ...nodeAtomicWriteFileSystem, permissions: () => ({ mode: 0o444, writable: false }) };
    expect(() => writeFileAtomically(path, image, readOnly)).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    expect(new Uint8Array(readFileSync(path))).toEqual(old);
  });

  it.each(['short', 'enospc'] as const)('%s write → DISK_FULL, the previous file intact, no temporary left', (fault) => {
    const path = freshPath(`atomic-${fault}`);
    writeFileSync(path, old);
    const error = (() => {
      try {
        writeFileAtomically(path, image, faulty(fault));
        return undefined;
      } catch (e) {
        return e as { code?: string };
      }
    })();
    expect(error?.code).toBe('DISK_FULL');
    expect(new Uint8Array(readFileSync(path))).toEqual(old);
    expect(readdirSync(dir).filter((f) => f.includes('atomic') && f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes that make progress in pieces are continued until every byte is written', () => {
    const path = freshPath('atomic-pieces');
    writeFileSync(path, old);
    writeFileAtomically(path, image, faulty('half'));
    expect(new Uint8Array(readFileSync(path))).toEqual(image);
  });
});
