/** Types for Comlink's Node adapter, which ships its declaration beside a `.mjs` file TypeScript cannot pair. */
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  /** The subset of a Node `MessagePort`/`Worker` the adapter uses. */
  interface NodeEndpoint {
    postMessage(message: unknown, transfer?: readonly unknown[]): void;
    on(type: string, listener: (value: unknown) => void): void;
    off(type: string, listener: (value: unknown) => void): void;
    start?: () => void;
  }
  /** Adapts a Node endpoint to Comlink's `Endpoint`. */
  export default function nodeEndpoint(endpoint: NodeEndpoint): Endpoint;
}
