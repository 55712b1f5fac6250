/** Test environment facts for the Chromium project. */
import sqlJsWasm from 'sql.js/dist/sql-wasm-browser.wasm?url';

/** Which environment the suite runs in. */
export const environment = 'browser' as const;

/** The library's default worker (Vite bundles it). */
export const workerUrl: string | undefined = undefined;

/** sql.js's wasm as Vite serves it. */
export const sqlJsWasmUrl: string | undefined = new URL(sqlJsWasm, location.href).href;

/** A test worker that serves the protocol and dies of an uncaught error soon after it runs SELECT 'die'. */
export const dyingWorkerUrl: string | URL = new URL('./dying-worker.browser.ts?worker_file&type=module', import.meta.url);
