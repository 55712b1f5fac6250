/// <reference types="vite/client" />
declare module 'test-env' {
  export const environment: 'node' | 'browser';
  export const workerUrl: string | undefined;
  export const sqlJsWasmUrl: string | undefined;
  export const dyingWorkerUrl: string | URL;
}
