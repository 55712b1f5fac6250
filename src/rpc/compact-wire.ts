import type { Endpoint } from 'comlink';
import { DatabaseError } from '../errors/database-error.js';
import { serializeDatabaseError } from './error-transfer.js';

/**
 * A compact wire format under Comlink, in two endpoint adapters (one per side).
 *
 * Comlink frames every call as `{ id: <36-char string>, type, path, argumentList: [{ type, value }] }`
 * and every reply as `{ id, type, value }`; cloning that envelope costs more than a point read in
 * SQLite. On the wire a call becomes `[seq, method, ...args]` and a reply `[seq, 0, value]`
 * (`[seq, 1, handler, value]` for a thrown error), and Comlink sees its usual messages on both
 * sides.
 *
 * The worker side admits only calls to the protocol's methods (and Comlink's RELEASE): any other
 * frame — `GET`/`SET` walking `__proto__` or `constructor`, unknown methods, malformed data —
 * is answered with `PROTOCOL_ERROR` or dropped, and never reaches Comlink.
 */

type Listener = (event: MessageEvent) => void;

/** Comlink's own message shapes (internal to Comlink 4.4; pinned by the package version). */
interface ComlinkRequest {
  readonly id: string | number;
  readonly type: string;
  readonly path?: readonly string[];
  readonly argumentList?: readonly { readonly type: string; readonly value?: unknown }[];
}
interface ComlinkReply {
  readonly id: string | number;
  readonly type: string;
  readonly name?: string;
  readonly value?: unknown;
}

const REPLY_VALUE = 0;
const REPLY_HANDLER = 1;

/** The main side: turns Comlink's requests into compact frames and compact replies back. */
export function compactCallerEndpoint(endpoint: Endpoint): Endpoint {
  const ids = new Map<number, string | number>();
  let nextSeq = 1;
  const listeners = new Map<unknown, EventListener>();
  const handles = new Set<(event: Event) => void>();
  return {
    ...startOf(endpoint),
    postMessage(message: ComlinkRequest, transfer?: Transferable[]) {
      const seq = nextSeq++;
      ids.set(seq, message.id);
      const args = message.argumentList;
      if (message.type === 'APPLY' && message.path?.length === 1 && args !== undefined && args.every((a) => a.type === 'RAW')) {
        const frame: unknown[] = [seq, message.path[0]];
        for (const arg of args) frame.push(arg.value);
        endpoint.postMessage(frame, transfer);
        return;
      }
      if (message.type === 'RELEASE') {
        endpoint.postMessage({ ...message, id: seq }, transfer);
        return;
      }
      ids.delete(seq);
      const refusal = new DatabaseError('PROTOCOL_ERROR', `Only plain protocol calls cross to the worker (refused a Comlink ${message.type}).`);
      const reply: ComlinkReply = { id: message.id, type: 'HANDLER', name: 'throw', value: serializeDatabaseError(refusal) };
      queueMicrotask(() => handles.forEach((handle) => handle({ data: reply } as MessageEvent)));
    },
    addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const handle = typeof listener === 'function' ? listener : (event: Event) => listener.handleEvent(event);
      const wrapped: Listener = (event) => {
        const data: unknown = event.data;
        if (!Array.isArray(data)) return handle(event);
        const id = ids.get(data[0] as number);
        if (id === undefined) return;
        ids.delete(data[0] as number);
        const reply: ComlinkReply =
          data[1] === REPLY_HANDLER ? { id, type: 'HANDLER', name: data[2] as string, value: data[3] } : { id, type: 'RAW', value: data[2] };
        handle({ data: reply } as MessageEvent);
      };
      handles.add(handle);
      listeners.set(listener, wrapped as EventListener);
      endpoint.addEventListener(type, wrapped as EventListener);
    },
    removeEventListener: removeWrapped(endpoint, listeners),
  };
}

/**
 * The worker side: admits compact calls to `methods` only, hands Comlink its usual request, and
 * sends Comlink's replies back compact.
 * @param reject - serializes a refusal the way a thrown error crosses the boundary
 */
export function compactServingEndpoint(
  endpoint: Endpoint,
  methods: ReadonlySet<string>,
  reject: (seq: unknown, error: DatabaseError) => void,
): Endpoint {
  const listeners = new Map<unknown, EventListener>();
  return {
    ...startOf(endpoint),
    postMessage(message: ComlinkReply, transfer?: Transferable[]) {
      const frame =
        message.type === 'HANDLER' ? [message.id, REPLY_HANDLER, message.name, message.value] : [message.id, REPLY_VALUE, message.value];
      endpoint.postMessage(frame, transfer);
    },
    addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const handle = typeof listener === 'function' ? listener : (event: Event) => listener.handleEvent(event);
      const wrapped: Listener = (event) => {
        const data: unknown = event.data;
        if (Array.isArray(data)) {
          const [seq, method] = data;
          if (typeof seq !== 'number' || typeof method !== 'string' || !methods.has(method)) {
            reject(seq, new DatabaseError('PROTOCOL_ERROR', `Refused a call to "${String(method).slice(0, 40)}": not a protocol method.`));
            return;
          }
          const argumentList = data.slice(2).map((value: unknown) => ({ type: 'RAW', value }));
          handle({ data: { id: seq, type: 'APPLY', path: [method], argumentList } } as MessageEvent);
          return;
        }
        if (isRelease(data)) handle(event);
      };
      listeners.set(listener, wrapped as EventListener);
      endpoint.addEventListener(type, wrapped as EventListener);
    },
    removeEventListener: removeWrapped(endpoint, listeners),
  };
}

/** Removes the wrapper registered for a listener. */
function removeWrapped(endpoint: Endpoint, listeners: Map<unknown, EventListener>): Endpoint['removeEventListener'] {
  return (type: string, listener: EventListenerOrEventListenerObject) => {
    const wrapped = listeners.get(listener);
    if (wrapped === undefined) return;
    listeners.delete(listener);
    endpoint.removeEventListener(type, wrapped);
  };
}

/** The underlying `start()` (a MessagePort needs it before it delivers to event listeners). */
function startOf(endpoint: Endpoint): Pick<Endpoint, 'start'> {
  return endpoint.start === undefined ? {} : { start: endpoint.start.bind(endpoint) };
}

function isRelease(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const { type, path } = data as ComlinkRequest;
  return type === 'RELEASE' && Array.isArray(path) && path.length === 0;
}
