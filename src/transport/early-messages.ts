import type { Endpoint } from 'comlink';

/**
 * Keeps the messages that reach `endpoint` before anyone listens and hands them, in order, to
 * the first `message` listener added through the returned endpoint. A browser worker drops a
 * message that arrives while it has no listener (Node's port queues it), and the worker entry
 * adds the protocol's listener only once it has loaded the protocol's modules.
 */
export function holdEarlyMessages(endpoint: Endpoint): Endpoint {
  let held: Event[] | undefined = [];
  const hold = (event: Event): void => void held?.push(event);
  endpoint.addEventListener('message', hold);
  return {
    postMessage: (message, transfer) => endpoint.postMessage(message, transfer),
    addEventListener(type, listener, options) {
      endpoint.addEventListener(type, listener, options);
      if (type !== 'message' || held === undefined) return;
      endpoint.removeEventListener('message', hold);
      const early = held;
      held = undefined;
      for (const event of early) {
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      }
    },
    removeEventListener: (type, listener, options) => endpoint.removeEventListener(type, listener, options),
    ...(endpoint.start === undefined ? {} : { start: endpoint.start.bind(endpoint) }),
  };
}
