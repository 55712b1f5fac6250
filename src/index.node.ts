/** The Node entry point: worker_threads, file paths, AsyncLocalStorage, the libSQL engine. */
import { createNodePlatform } from './platform/node-platform.js';
import { installPlatform } from './platform/platform.js';
import { installLibsqlOpener } from './engine/remote-engines.js';

/* The worker beside this entry: `../workers/` from dist/src/ and from the bundle's src/ alike. */
installPlatform(createNodePlatform(new URL('../workers/db.worker.js', import.meta.url)));
installLibsqlOpener(async (settings) => (await import('./engine/libsql/open-libsql.js')).openLibsql(settings));

export * from './index.js';
