/**
 * The lock-file fallback (`fileLocking: 'lock-file'`, what a platform without SQLite-compatible
 * OS locks gets): a second process (or worker) opening the same file gets `DATABASE_LOCKED`
 * naming the holder's pid — never a second writer and lost updates; a lock left by a SIGKILLed
 * process or a terminated worker does not block. The OS locks are os-locks.node.test.ts.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';

const holder = fileURLToPath(new URL('../support/hold-db.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alphatrade-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { workerUrl, fileLocking: 'lock-file' as const };

/** Starts a process holding `path`; resolves once it has the database open. */
async function startHolder(path: string): Promise<{ child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, [holder, path, 'lock-file'], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  expect(first.value).toBe(`ready ${child.pid}`);
  return { child, lines };
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<void> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('lock-file fallback: one process per database file', () => {
  it('a second process gets DATABASE_LOCKED naming the holder pid; the holder keeps counting', async () => {
    const path = join(dir, 'shared.db');
    const { child, lines } = await startHolder(path);
    const db = DatabaseManager.open(path, options);
    const error = await rejection(db.query('SELECT n FROM counter'));
    expect(error.code).toBe('DATABASE_LOCKED');
    expect(error.message).toContain(`process ${child.pid}`);
    child.stdin.write('+\n+\n');
    expect((await lines.next()).value).toBe('ack 1');
    expect((await lines.next()).value).toBe('ack 2');
    child.stdin.write('exit\n');
    await exited(child);
    expect(existsSync(`${path}.lock`)).toBe(false);
    const again = DatabaseManager.open(path, options);
    expect(await again.get('SELECT n FROM counter')).toEqual({ n: 2 });
    await again.close();
  });

  it('a lock left by a SIGKILLed process is taken over at once', async () => {
    const path = join(dir, 'killed.db');
    const { child, lines } = await startHolder(path);
    child.stdin.write('+\n');
    expect((await lines.next()).value).toBe('ack 1');
    child.kill('SIGKILL');
    await exited(child);
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: child.pid, hostname: hostname() });
    const db = DatabaseManager.open(path, options);
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 1 });
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
    await db.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a lock naming a pid that is not running is taken over; a torn lock file too', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const path = join(dir, 'stale.db');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: dead, hostname: hostname(), threadId: 0, startedAt: '2020-01-01T00:00:00Z' }));
    const db = DatabaseManager.open(path, options);
    await db.exec('CREATE TABLE t(x)');
    await db.close();
    writeFileSync(`${path}.lock`, '{"pid": 12');
    const again = DatabaseManager.open(path, options);
    expect(await again.query("SELECT name FROM sqlite_schema WHERE name = 't'")).toEqual([{ name: 't' }]);
    await again.close();
  });

  it('a lock held by a live process on another host is respected', async () => {
    const path = join(dir, 'remote.db');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 1, hostname: 'elsewhere.example', threadId: 0, startedAt: '2020-01-01T00:00:00Z' }));
    const db = DatabaseManager.open(path, options);
    const error = await rejection(db.query('SELECT 1'));
    expect(error.code).toBe('DATABASE_LOCKED');
    expect(error.message).toContain('elsewhere.example');
    await db.close();
  });

  it('in one process, the same file under another name is refused; a terminated worker leaves no lock behind', async () => {
    const path = join(dir, 'threads.db');
    const link = join(dir, 'threads-link.db');
    const db = DatabaseManager.open(path, options);
    await db.exec('CREATE TABLE t(x)');
    symlinkSync(path, link);
    const viaLink = DatabaseManager.open(link, options);
    const error = await rejection(viaLink.query('SELECT 1'));
    expect(error.code).toBe('DATABASE_LOCKED');
    expect(error.message).toContain(`process ${process.pid} (this process`);
    await viaLink.close();
    await db.terminate();
    expect(existsSync(`${path}.lock`)).toBe(false);
    const reopened = DatabaseManager.open(path, options);
    expect(await reopened.query('SELECT * FROM t')).toEqual([]);
    await reopened.close();
  });
});
