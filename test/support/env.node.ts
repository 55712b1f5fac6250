/** Test environment facts for the Node project. */
import { fileURLToPath } from 'node:url';

/** Which environment the suite runs in. */
export const environment = 'node' as const;

/** The built worker (the test script builds `dist/` first). */
export const workerUrl: string | undefined = fileURLToPath(new URL('../../dist/workers/db.worker.js', import.meta.url));

/** sql.js finds its wasm by itself in Node. */
export const sqlJsWasmUrl: string | undefined = undefined;

/** A test worker that serves the protocol and exits abruptly soon after it runs SELECT 'die'. */
export const dyingWorkerUrl: string | URL = new URL('./dying-worker.node.mjs', import.meta.url);
