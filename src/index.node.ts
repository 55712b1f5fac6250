/** The Node entry point: worker_threads, file paths, AsyncLocalStorage, the libSQL engine. */
import { nodePlatform } from './platform/node-platform.js';
import { installPlatform } from './platform/platform.js';
import { installLibsqlOpener } from './manager/remote-engines.js';

installPlatform(nodePlatform);
installLibsqlOpener(async (settings) => (await import('./libsql/open-libsql.js')).openLibsql(settings));

export * from './index.js';
