/// <reference types="vite/client" />
declare module 'test-env' {
  export const environment: 'node' | 'browser';
  export const workerUrl: string | undefined;
  export const sqlJsWasmUrl: string | undefined;
  /** Where the behaviour suites' databases live in this test project: memory, or OPFS (project browser-opfs). */
  export const suiteStorage: 'memory' | 'opfs';
  export const dyingWorkerUrl: string | URL;
  /** Whether the behaviour suites' databases run their host in a worker (true) or in-process (projects *-in-process). */
  export const suiteWorker: boolean;
  /** A worker the test talks to directly, frame by frame. */
  export interface RawWorker {
    readonly endpoint: import('../../src/transport/endpoint.js').MessageEndpoint;
    post(message: unknown): void;
    /** Listens to every message the worker posts; returns the unsubscribe function. */
    onMessage(listener: (data: unknown) => void): () => void;
    terminate(): Promise<void>;
  }
  /** A worker serving a host that also answers a raw { probe: 'pollution' } message. */
  export function spawnProbeWorker(): Promise<RawWorker>;
}
