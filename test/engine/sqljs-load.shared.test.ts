import { DatabaseManager } from 'alphatrade-db';
import { environment, sqlJsWasmUrl, workerUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';

/** A wasm location that does not exist here: a file path in Node, a URL the test server does not serve in Chromium. */
const missingWasm = environment === 'node' ? '/nonexistent-dir/missing-sql-wasm.wasm' : new URL('/no-such-dir/missing-sql-wasm.wasm', location.href).href;

describe('loading sql.js from sqlJsWasmUrl', () => {
  it('reports a wasm that cannot be read as ENGINE_LOAD_FAILED naming it, and the name opens again with a good one', async () => {
    const name = `sqljs-bad-wasm-${Date.now()}`;
    const bad = DatabaseManager.open(name, { engine: 'sql.js', storage: 'memory', workerUrl, sqlJsWasmUrl: missingWasm });
    const error = await rejection(bad.get('SELECT 1'));
    expect(error.code).toBe('ENGINE_LOAD_FAILED');
    expect(error.message).toContain('missing-sql-wasm.wasm');
    await bad.close();

    const good = DatabaseManager.open(name, { engine: 'sql.js', storage: 'memory', workerUrl, sqlJsWasmUrl });
    expect(await good.get('SELECT 6 * 7 AS answer')).toEqual({ answer: 42 });
    await good.close();
  });

  it('refuses a file that is not WebAssembly with ENGINE_LOAD_FAILED', async () => {
    const notWasm = environment === 'node' ? new URL('../../package.json', import.meta.url).href : new URL('/package.json', location.href).href;
    const db = DatabaseManager.open(`sqljs-not-wasm-${Date.now()}`, { engine: 'sql.js', storage: 'memory', workerUrl, sqlJsWasmUrl: notWasm });
    const error = await rejection(db.get('SELECT 1'));
    expect(error.code).toBe('ENGINE_LOAD_FAILED');
    await db.close();
  });
});
