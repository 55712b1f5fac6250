/** The Node environment with the behaviour suites' hosts on the calling thread (project node-in-process). */
export * from './env.node.js';

/** Whether the behaviour suites' databases run their host in a worker. */
export const suiteWorker: boolean = false;
