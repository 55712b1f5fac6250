/** The browser entry point: module Workers, OPFS names. */
import { createBrowserPlatform } from './platform/browser-platform.js';
import { installPlatform } from './platform/platform.js';

/*
 * The worker beside this entry (`../workers/` from dist/src/ and from the bundle's src/ alike),
 * written as the literal pattern bundlers such as Vite follow to bundle the worker.
 */
installPlatform(createBrowserPlatform(() => new Worker(new URL('../workers/db.worker.js', import.meta.url), { type: 'module' })));

export * from './index.js';
