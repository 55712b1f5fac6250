/// <reference types="vite/client" />
declare module 'test-env' {
  export const environment: 'node' | 'browser';
  export const workerUrl: string | undefined;
  export const sqlJsWasmUrl: string | undefined;
  /** Where the behaviour suites' databases live in this test project: memory, or OPFS (project browser-opfs). */
  export const suiteStorage: 'memory' | 'opfs';
  export const dyingWorkerUrl: string | URL;
  /** A worker the test talks to directly, frame by frame. */
  export interface RawWorker {
    readonly endpoint: import('comlink').Endpoint;
    post(message: unknown): void;
    /** Listens to every message the worker posts; returns the unsubscribe function. */
    onMessage(listener: (data: unknown) => void): () => void;
    terminate(): Promise<void>;
  }
  /** A worker serving the protocol that also answers a raw { probe: 'pollution' } message. */
  export function spawnProbeWorker(): Promise<RawWorker>;
}
