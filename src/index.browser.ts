/** The browser entry point: module Workers, OPFS names. */
import { browserPlatform } from './platform/browser-platform.js';
import { installPlatform } from './platform/platform.js';

installPlatform(browserPlatform);

export * from './index.js';
