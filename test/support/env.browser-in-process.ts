/** The browser environment with the behaviour suites' hosts on the page's thread (project browser-in-process). */
export * from './env.browser.js';

/** Whether the behaviour suites' databases run their host in a worker. */
export const suiteWorker: boolean = false;
