/**
 * The spawn hint (`workerData`): a Node worker starts loading the engine it will open before it
 * loads the host's modules, loads no other engine, and an open that fails still reports the
 * failure itself. Uses the bundled package in dist/ (`npm run build`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'engine-hint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a first query on `engine` in a fresh process; returns the modules it and its worker resolved, in order. */
async function resolvedModules(engine: string): Promise<string[]> {
  const log = join(dir, `${engine}.log`);
  const script = fileURLToPath(new URL('../support/first-query.mjs', import.meta.url));
  const hooks = fileURLToPath(new URL('../support/resolve-log.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', hooks, script, engine], { env: { ...process.env, RESOLVE_LOG: log } });
  expect(JSON.parse(stdout)).toEqual({ one: 1 });
  return readFileSync(log, 'utf8').trim().split('\n');
}

describe('the engine hint a Node worker is spawned with', () => {
  it('has a sqlite-wasm worker import its engine before the host modules', async () => {
    const modules = await resolvedModules('sqlite-wasm');
    const engine = modules.findIndex((url) => /sqlite-wasm-engine/.test(url));
    const protocol = modules.findIndex((url) => /wire-server|open-host/.test(url));
    expect(engine).toBeGreaterThanOrEqual(0);
    expect(protocol).toBeGreaterThan(engine);
    expect(modules.some((url) => url.includes('@sqlite.org/sqlite-wasm'))).toBe(true);
    expect(modules.some((url) => url.includes('/sql.js/'))).toBe(false);
  }, 30_000);

  it('has a sql.js worker import sql.js first and never load sqlite-wasm', async () => {
    const modules = await resolvedModules('sql.js');
    const engine = modules.findIndex((url) => /sqljs-engine/.test(url));
    const protocol = modules.findIndex((url) => /wire-server|open-host/.test(url));
    expect(engine).toBeGreaterThanOrEqual(0);
    expect(protocol).toBeGreaterThan(engine);
    expect(modules.some((url) => url.includes('/sql.js/'))).toBe(true);
    expect(modules.some((url) => /sqlite-wasm/.test(url))).toBe(false);
  }, 30_000);

  it('leaves a failed engine load to the open request, which reports it', async () => {
    const db = DatabaseManager.open(join(dir, 'bad-wasm'), { engine: 'sql.js', storage: 'memory', workerUrl, sqlJsWasmUrl: join(dir, 'missing.wasm') });
    const error: unknown = await db.get('SELECT 1').then(
      () => new Error('expected the open to fail'),
      (e: unknown) => e,
    );
    expect(String(error)).toContain('missing.wasm');
    expect((error as { code?: string }).code).toBe('ENGINE_LOAD_FAILED');
    await db.close();
  }, 30_000);
});
