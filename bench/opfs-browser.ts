/**
 * OPFS in Chromium: `node dist/bench/opfs-browser.js`. Serves `bench/opfs/page.html` with
 * Vite, opens it in Debian's Chromium through playwright-core, and prints the page's figures
 * as one JSON line: 5,000 point reads in one session and as separate calls, and the median
 * latency of a single-statement commit, on OPFS (both VFSes) and on a memory database in the
 * same page.
 */
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args.js';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PAGE_TIMEOUT_MS = 180_000;

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  // Cross-origin isolated, so the page can measure the `opfs` VFS (it needs SharedArrayBuffer).
  server: {
    host: '127.0.0.1',
    port: 5190,
    strictPort: false,
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  worker: { format: 'es' },
});
await server.listen();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [...CHROMIUM_ARGS],
});
try {
  const page = await browser.newPage();
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5190/';
  await page.goto(new URL('bench/opfs/page.html', base).href);
  const handle = await page.waitForFunction(() => (window as { benchResult?: object }).benchResult, undefined, { timeout: PAGE_TIMEOUT_MS, polling: 250 });
  const result = (await handle.jsonValue()) as object;
  if ('error' in result) throw new Error(`the OPFS bench page failed: ${String(result.error)}`);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
