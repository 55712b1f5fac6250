/** The browser environment with the behaviour suites' databases on OPFS (project browser-opfs). */
export * from './env.browser.js';

/** Where the behaviour suites' databases live in this project. */
export const suiteStorage: 'memory' | 'opfs' = 'opfs';
