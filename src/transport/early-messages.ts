import type { MessageEndpoint } from './endpoint.js';

/**
 * Keeps the messages that reach `endpoint` before anyone listens and hands them, in order, to
 * the first listener added through the returned endpoint. A browser worker drops a message that
 * arrives while it has no listener (Node's port queues it), and the worker entry starts serving
 * only once it has loaded the host's modules.
 */
export function holdEarlyMessages(endpoint: MessageEndpoint): MessageEndpoint {
  let held: unknown[] | undefined = [];
  const stopHolding = endpoint.onMessage((data) => void held?.push(data));
  return {
    postMessage: (message, transfer) => endpoint.postMessage(message, transfer),
    onMessage(listener) {
      const unsubscribe = endpoint.onMessage(listener);
      if (held !== undefined) {
        stopHolding();
        const early = held;
        held = undefined;
        for (const data of early) listener(data);
      }
      return unsubscribe;
    },
  };
}
