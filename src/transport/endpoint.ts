/**
 * One side of a message channel, as the wire uses it: a browser `Worker`, a worker's global
 * scope, a `MessagePort`, or Node's `worker_threads` ports, each behind one of the adapters here.
 */
export interface MessageEndpoint {
  /** Posts one message, moving the `transfer` buffers instead of copying them. */
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Calls `listener` with the data of every message that arrives; returns the unsubscribe function. */
  onMessage(listener: (data: unknown) => void): () => void;
}

/** What a browser `Worker`, worker global scope or `MessagePort` offers. */
interface EventPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

/** What Node's `Worker` and `parentPort` offer. */
interface NodePort {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(event: 'message', listener: (data: unknown) => void): unknown;
  off(event: 'message', listener: (data: unknown) => void): unknown;
}

/** A browser `Worker`, worker global scope or `MessagePort` as an endpoint. */
export function eventPortEndpoint(port: EventPort): MessageEndpoint {
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer ?? []),
    onMessage(listener) {
      const handle = (event: MessageEvent): void => listener(event.data);
      port.addEventListener('message', handle);
      port.start?.();
      return () => port.removeEventListener('message', handle);
    },
  };
}

/** Node's `Worker` or `parentPort` as an endpoint. */
export function nodePortEndpoint(port: NodePort): MessageEndpoint {
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    onMessage(listener) {
      port.on('message', listener);
      return () => void port.off('message', listener);
    },
  };
}
