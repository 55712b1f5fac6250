/**
 * The browser demo: `npm run demo` (dev server), `npm run demo:build` (to examples/demo/dist),
 * `npm run demo:preview`. The page imports the library's sources through the `alphatrade-db`
 * alias; the library starts its own module Worker for the engine.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromRepo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Cross-origin isolation: lets the library use the `opfs` VFS (sahpool needs no headers). */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { 'alphatrade-db': fromRepo('src/index.browser.ts') } },
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  worker: { format: 'es', rolldownOptions: { checks: { pluginTimings: false } } },
  server: { headers: crossOriginIsolation, fs: { allow: [fromRepo('.')] } },
  preview: { headers: crossOriginIsolation },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', rolldownOptions: { checks: { pluginTimings: false } } },
});
