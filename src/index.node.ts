/** The Node entry point: worker_threads, file paths, AsyncLocalStorage. */
import { nodePlatform } from './platform/node-platform.js';
import { installPlatform } from './platform/platform.js';

installPlatform(nodePlatform);

export * from './index.js';
