/**
 * The package as users receive it: `npm pack`, the tarball installed into a fresh project
 * outside the repository (dependencies from the npm cache that `npm ci` filled), then
 * (a) imported from Node ESM against a database file, (b) bundled by Vite for the browser, with
 * no configuration (workers as classic iife scripts) and with ES-module workers, and run in
 * Chromium — with the package's default worker and with its `./worker` export — and
 * (c) served by the Vite dev server; neither Vite run may log a warning.
 * Needs the built `dist/` (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, createLogger, createServer, type Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium } from '../support/chromium.js';
import { serveStatic } from '../support/static-server.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'alphatrade-packed-'));

/** The environment without the npm_* variables of the `npm test` that runs this file. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env: cleanEnv, maxBuffer: 16 * 1024 * 1024 });

const NODE_APP = `
import { DatabaseManager } from 'alphatrade-db';
const db = DatabaseManager.open(process.argv[2]);
await db.setupDatabase();
await db.exec('CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, label TEXT NOT NULL, rao INTEGER NOT NULL)');
await db.execute('INSERT INTO runs(label, rao) VALUES (?, ?)', [process.argv[3], 2n ** 60n + BigInt(process.argv[4])]);
const rows = await db.query('SELECT label, rao FROM runs ORDER BY id');
await db.close();
console.log(JSON.stringify({ engine: db.info?.engine, rows }, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
`;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>packed</title></head>
<body><pre id="out">running</pre><script type="module" src="./main.js"></script></body></html>`;

const BROWSER_APP = `
import { DatabaseManager } from 'alphatrade-db';
import exportedWorkerUrl from 'alphatrade-db/worker?worker&url';

async function roundTrip(name, options) {
  const db = DatabaseManager.open(name, options);
  await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  await db.executeMany('INSERT INTO t(name) VALUES (?)', [['a'], ['b'], ['c']]);
  const row = await db.get('SELECT group_concat(name, \\',\\') AS names, sum(id) AS total FROM t');
  const engine = db.info?.engine;
  await db.close();
  return { ...row, engine };
}

const out = document.getElementById('out');
try {
  const defaultWorker = await roundTrip(':memory:');
  const exportedWorker = await roundTrip(':memory:', { workerUrl: exportedWorkerUrl });
  out.textContent = JSON.stringify({ defaultWorker, exportedWorker });
} catch (error) {
  out.textContent = JSON.stringify({ error: String(error), code: error?.code });
}
`;

/** A Vite logger that records warnings and errors instead of printing them. */
function recordingLogger(problems: string[]): Logger {
  const logger = createLogger('warn');
  return {
    ...logger,
    warn: (message) => problems.push(message),
    warnOnce: (message) => problems.push(message),
    error: (message) => problems.push(message),
  };
}

/** Rolldown settings of the app build and its worker build: no bundler timing reports. */
const QUIET = { checks: { pluginTimings: false } } as const;

/** Writes the page and its script into a new directory `name` of the consumer project. */
function writeWebApp(name: string): string {
  const root = join(project, name);
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), PAGE);
  writeFileSync(join(root, 'main.js'), BROWSER_APP);
  return root;
}

/** Opens the page at `origin` in Chromium and checks both round trips and a clean console. */
async function expectPageWorks(origin: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', undefined, { timeout: 30_000 });
    const result = JSON.parse((await page.textContent('#out')) ?? '{}');
    const expected = { names: 'a,b,c', total: 6, engine: 'sqlite-wasm' };
    expect(result).toEqual({ defaultWorker: expected, exportedWorker: expected });
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist/pkg/node/src/index.node.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
  const { stdout } = await npm(['pack', '--ignore-scripts', '--pack-destination', project], repoRoot);
  const tarball = stdout.trim().split('\n').at(-1) ?? '';
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'packed-consumer', private: true, type: 'module', dependencies: { 'alphatrade-db': `file:./${tarball}` } }),
  );
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('installs only what users need: bundled entry points and workers with source maps carrying their sources, type declarations, no tests', () => {
    const installed = join(project, 'node_modules/alphatrade-db');
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'dist', 'package.json']);
    expect(readdirSync(join(installed, 'dist')).sort()).toEqual(['pkg', 'src', 'workers']);
    expect(readdirSync(join(installed, 'dist/workers')).sort()).toEqual(['db.worker.d.ts']);
    expect(readdirSync(join(installed, 'dist/src'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && !f.name.endsWith('.d.ts'))).toEqual(
      [],
    );
    for (const target of ['node', 'browser']) {
      const bundle = join(installed, 'dist/pkg', target);
      expect(readdirSync(bundle).sort()).toEqual(['chunks', 'src', 'workers']);
      expect(readdirSync(join(bundle, 'src')).sort()).toEqual([`index.${target}.js`, `index.${target}.js.map`]);
      expect(readdirSync(join(bundle, 'workers')).sort()).toEqual(['db.worker.js', 'db.worker.js.map']);
      const map = JSON.parse(readFileSync(join(bundle, 'workers/db.worker.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      expect(map.sourcesContent?.[map.sources.findIndex((source) => source.endsWith('workers/db.worker.ts'))]).toContain('serveHost(');
    }
  });

  it('ships browser bundles without Node built-ins', () => {
    const browser = join(project, 'node_modules/alphatrade-db/dist/pkg/browser');
    const files = readdirSync(browser, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) expect(readFileSync(join(browser, file), 'utf8'), file).not.toMatch(/from\s*["']node:|import\(\s*["']node:/);
  });

  it('works from Node ESM against a database file, which persists between processes', async () => {
    writeFileSync(join(project, 'app.mjs'), NODE_APP);
    const file = join(project, 'data', 'packed.db');
    const first = await run(process.execPath, ['app.mjs', file, 'first', '1'], { cwd: project });
    const second = await run(process.execPath, ['app.mjs', file, 'second', '2'], { cwd: project });
    expect(JSON.parse(first.stdout)).toEqual({ engine: 'sqlite-wasm', rows: [{ label: 'first', rao: String(2n ** 60n + 1n) }] });
    expect(JSON.parse(second.stdout).rows).toEqual([
      { label: 'first', rao: String(2n ** 60n + 1n) },
      { label: 'second', rao: String(2n ** 60n + 2n) },
    ]);
    expect(existsSync(file)).toBe(true);
  }, 60_000);

  it.each([
    ['as installed (no configuration: the default iife worker format)', undefined],
    ["with worker: { format: 'es' }", 'es'],
  ] as const)(
    'bundles with Vite %s without warnings and runs in Chromium, with the default worker and with the ./worker export',
    async (_, format) => {
      const root = writeWebApp(`web-build-${format ?? 'default'}`);
      const problems: string[] = [];
      await build({
        root,
        configFile: false,
        customLogger: recordingLogger(problems),
        worker: { format, rolldownOptions: QUIET },
        build: { outDir: 'dist', emptyOutDir: true, rolldownOptions: QUIET },
      });
      expect(problems).toEqual([]);
      expect(readdirSync(join(root, 'dist/assets')).some((file) => file.endsWith('.wasm'))).toBe(true);
      const server = await serveStatic(join(root, 'dist'));
      try {
        await expectPageWorks(server.origin);
      } finally {
        await server.close();
      }
    },
    90_000,
  );

  it('runs in the Vite dev server as installed, without configuration or warnings', async () => {
    const root = writeWebApp('web-dev');
    const problems: string[] = [];
    const server = await createServer({ root, configFile: false, customLogger: recordingLogger(problems), server: { host: '127.0.0.1', port: 0 } });
    await server.listen();
    try {
      const address = server.httpServer?.address();
      if (address === null || address === undefined || typeof address === 'string') throw new Error('the dev server has no port');
      await expectPageWorks(`http://127.0.0.1:${address.port}`);
      expect(problems).toEqual([]);
    } finally {
      await server.close();
    }
  }, 90_000);
});
