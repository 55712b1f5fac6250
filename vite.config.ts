import { configDefaults, defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from './bench/chromium-args.js';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** COOP/COEP: makes the page cross-origin isolated (SharedArrayBuffer, the `opfs` VFS). */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Headless Debian Chromium through Playwright, as every browser project runs (a fresh object per project: Vitest names its instances). */
const chromium = () => ({
  enabled: true,
  headless: true,
  screenshotFailures: false,
  provider: playwright({
    launchOptions: { executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS] },
  }),
  instances: [{ browser: 'chromium' as const }],
});

/**
 * The behaviour suites: everything a user does through DatabaseManager. The in-process projects run
 * them again with each database's host on the calling thread ({ worker: false }).
 */
const BEHAVIOUR_SUITES = [
  'test/core/statements.shared.test.ts',
  'test/core/transactions.shared.test.ts',
  'test/hardening/identifiers.shared.test.ts',
  'test/hardening/limits.shared.test.ts',
  'test/hardening/runaway.shared.test.ts',
  'test/analytics/database-analytics.shared.test.ts',
  'test/analytics/procedure-tracking.shared.test.ts',
  'test/analytics/query-tracker.shared.test.ts',
  'test/analytics/statement-access.shared.test.ts',
  'test/analytics/summary-history.shared.test.ts',
  'test/maintenance/*.shared.test.ts',
  'test/miners/{ledger,ledger-batch,ledger-properties,registration,snapshots}.shared.test.ts',
  'test/types/public-api.shared.test.ts',
];

/** The library and test environment as Chromium tests import them. */
const browserAliases = { 'alphatrade-db': fromRoot('./src/index.browser.ts'), 'test-env': fromRoot('./test/support/env.browser.ts') };

export default defineConfig({
  optimizeDeps: {
    exclude: ['@sqlite.org/sqlite-wasm'],
    include: ['sql.js', 'fast-check'],
  },
  server: { headers: process.env.ISOLATE === '1' ? crossOriginIsolation : {} },
  worker: { format: 'es' },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        resolve: {
          alias: { 'alphatrade-db': fromRoot('./src/index.node.ts'), 'test-env': fromRoot('./test/support/env.node.ts') },
        },
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.shared.test.ts', 'test/**/*.node.test.ts'],
          pool: 'forks',
        },
      },
      {
        extends: true,
        resolve: {
          alias: { 'alphatrade-db': fromRoot('./src/index.node.ts'), 'test-env': fromRoot('./test/support/env.node-in-process.ts') },
        },
        test: {
          name: 'node-in-process',
          environment: 'node',
          include: BEHAVIOUR_SUITES,
          pool: 'forks',
        },
      },
      {
        extends: true,
        resolve: {
          alias: browserAliases,
        },
        test: {
          name: 'browser',
          include: ['test/**/*.shared.test.ts', 'test/**/*.browser.test.ts'],
          exclude: [...configDefaults.exclude, 'test/**/*.isolated.browser.test.ts'],
          browser: chromium(),
        },
      },
      {
        // The maintenance and ledger suites again, each database on OPFS instead of memory.
        extends: true,
        resolve: { alias: { ...browserAliases, 'test-env': fromRoot('./test/support/env.browser-opfs.ts') } },
        test: {
          name: 'browser-opfs',
          // Every commit is a durable OPFS write: tests take up to ~3× their in-memory time (7–9 s seen on a loaded CI machine).
          testTimeout: 90_000,
          include: ['test/maintenance/*.shared.test.ts', 'test/miners/ledger.shared.test.ts'],
          browser: chromium(),
        },
      },
      {
        // The behaviour suites again, each database's host on the page's own thread (memory databases).
        extends: true,
        resolve: { alias: { ...browserAliases, 'test-env': fromRoot('./test/support/env.browser-in-process.ts') } },
        test: {
          name: 'browser-in-process',
          include: BEHAVIOUR_SUITES,
          browser: chromium(),
        },
      },
      {
        extends: true,
        server: { headers: crossOriginIsolation },
        resolve: {
          alias: browserAliases,
        },
        test: {
          // Served cross-origin isolated, always: the `opfs` VFS (opfsVfs: 'opfs') needs SharedArrayBuffer.
          name: 'browser-isolated',
          include: ['test/**/*.isolated.browser.test.ts'],
          browser: chromium(),
        },
      },
    ],
  },
});
