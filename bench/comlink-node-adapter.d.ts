/** Types of Comlink's Node adapter, which the package ships as `.mjs` beside a `.d.ts` TypeScript does not pair with it. */
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  /** Wraps a `worker_threads` port as a Comlink endpoint. */
  export default function nodeEndpoint(port: unknown): Endpoint;
}
