import { transferHandlers, type Endpoint, type TransferHandler } from 'comlink';
import { DatabaseError } from '../api/database-error.js';
import { serializeDatabaseError } from './error-transfer.js';

/**
 * A compact wire format under Comlink, in two endpoint adapters (one per side), with a direct
 * lane for the hot statement calls.
 *
 * Comlink frames every call as `{ id: <36-char string>, type, path, argumentList: [{ type, value }] }`
 * and every reply as `{ id, type, value }`; cloning that envelope costs more than a point read in
 * SQLite. On the wire a call becomes `[seq, method, ...args]` and a reply `[seq, 0, value]`
 * (`[seq, 1, handler, value]` for a thrown error), and Comlink sees its usual messages on both
 * sides. Calls on the direct lane use the same frames but skip Comlink's proxy on the main side
 * and its message handler in the worker: the worker answers them synchronously.
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

/** A call on the direct lane, waiting for its reply. */
interface DirectCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const REPLY_VALUE = 0;
const REPLY_HANDLER = 1;

/** How a thrown value crosses: Comlink's `throw` handler (the error transfer installs ours). */
function throwHandler(): TransferHandler<{ value: unknown }, unknown> {
  return transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
}

/**
 * The main side: turns Comlink's requests into compact frames and compact replies back, and
 * sends direct-lane calls itself.
 */
export class CompactCaller {
  /** The endpoint to hand to Comlink's `wrap`. */
  readonly endpoint: Endpoint;
  readonly #target: Endpoint;
  readonly #comlinkIds = new Map<number, string | number>();
  readonly #direct = new Map<number, DirectCall>();
  /** Comlink's message listeners, by the listener Comlink registered. */
  readonly #comlinkListeners = new Map<unknown, (event: Event) => void>();
  readonly #settled: () => void;
  #nextSeq = 1;

  /**
   * @param endpoint - the worker's endpoint
   * @param settled - called each time a direct-lane call settles (answered or failed)
   */
  constructor(endpoint: Endpoint, settled: () => void = () => undefined) {
    this.#target = endpoint;
    this.#settled = settled;
    endpoint.addEventListener('message', ((event: MessageEvent) => this.#receive(event)) as EventListener);
    endpoint.start?.();
    this.endpoint = {
      postMessage: (message: ComlinkRequest, transfer?: Transferable[]) => this.#postComlink(message, transfer),
      addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
        this.#comlinkListeners.set(listener, typeof listener === 'function' ? listener : (event: Event) => listener.handleEvent(event));
      },
      removeEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => void this.#comlinkListeners.delete(listener),
    };
  }

  /**
   * Sends a call on the direct lane: `[seq, method, a, b, c]`, answered by the worker without
   * Comlink. Posted before this returns, so it keeps its place among all calls.
   */
  send(method: string, a: unknown, b: unknown, c: unknown): Promise<unknown> {
    const seq = this.#nextSeq++;
    const reply = new Promise<unknown>((resolve, reject) => this.#direct.set(seq, { resolve, reject }));
    try {
      this.#target.postMessage([seq, method, a, b, c]);
    } catch (error) {
      this.#direct.delete(seq);
      this.#settled();
      return Promise.reject(uncopyable(error));
    }
    return reply;
  }

  /** Rejects every direct-lane call still waiting with `error` (the worker is gone). */
  failDirect(error: DatabaseError): void {
    const waiting = [...this.#direct.values()];
    this.#direct.clear();
    for (const call of waiting) {
      call.reject(error);
      this.#settled();
    }
  }

  #postComlink(message: ComlinkRequest, transfer?: Transferable[]): void {
    const seq = this.#nextSeq++;
    const args = message.argumentList;
    if (message.type === 'APPLY' && message.path?.length === 1 && args !== undefined && args.every((a) => a.type === 'RAW')) {
      this.#comlinkIds.set(seq, message.id);
      const frame: unknown[] = [seq, message.path[0]];
      for (const arg of args) frame.push(arg.value);
      this.#target.postMessage(frame, transfer);
      return;
    }
    if (message.type === 'RELEASE') {
      this.#comlinkIds.set(seq, message.id);
      this.#target.postMessage({ ...message, id: seq }, transfer);
      return;
    }
    const refusal = new DatabaseError('PROTOCOL_ERROR', `Only plain protocol calls cross to the worker (refused a Comlink ${message.type}).`);
    const reply: ComlinkReply = { id: message.id, type: 'HANDLER', name: 'throw', value: serializeDatabaseError(refusal) };
    queueMicrotask(() => this.#toComlink(reply));
  }

  #receive(event: MessageEvent): void {
    const data: unknown = event.data;
    if (!Array.isArray(data)) {
      for (const handle of this.#comlinkListeners.values()) handle(event);
      return;
    }
    const seq = data[0] as number;
    const direct = this.#direct.get(seq);
    if (direct !== undefined) {
      this.#direct.delete(seq);
      if (data[1] === REPLY_VALUE) direct.resolve(data[2]);
      else settleThrown(direct, data[3]);
      this.#settled();
      return;
    }
    const id = this.#comlinkIds.get(seq);
    if (id === undefined) return;
    this.#comlinkIds.delete(seq);
    this.#toComlink(data[1] === REPLY_HANDLER ? { id, type: 'HANDLER', name: data[2] as string, value: data[3] } : { id, type: 'RAW', value: data[2] });
  }

  #toComlink(reply: ComlinkReply): void {
    for (const handle of this.#comlinkListeners.values()) handle({ data: reply } as MessageEvent);
  }
}

/** A call whose arguments structured clone refused, as the caller's error. */
function uncopyable(cause: unknown): DatabaseError {
  return new DatabaseError(
    'INVALID_ARGUMENT',
    'A value in this call cannot be copied to the worker: pass the SQL as a string and parameters as numbers, bigints, strings, booleans, null or Uint8Array.',
    { cause },
  );
}

/** Rejects a direct call with the error its reply carries, rebuilt as Comlink's `throw` handler does. */
function settleThrown(call: DirectCall, serialized: unknown): void {
  try {
    throwHandler().deserialize(serialized);
    call.reject(new DatabaseError('PROTOCOL_ERROR', 'The worker reported a failure without an error.'));
  } catch (error) {
    call.reject(error);
  }
}

/** The worker-side methods of the direct lane, by name (each takes at most three arguments). */
export type DirectMethods = ReadonlyMap<string, (a: unknown, b: unknown, c: unknown) => unknown>;

/**
 * The worker side: answers direct-lane calls itself, admits Comlink calls to `methods` only,
 * hands Comlink its usual request, and sends Comlink's replies back compact.
 * @param reject - serializes a refusal the way a thrown error crosses the boundary
 */
export function compactServingEndpoint(
  endpoint: Endpoint,
  methods: ReadonlySet<string>,
  direct: DirectMethods,
  reject: (seq: unknown, error: DatabaseError) => void,
): Endpoint {
  const listeners = new Map<unknown, EventListener>();
  const answer = (seq: number, method: (a: unknown, b: unknown, c: unknown) => unknown, data: unknown[]): void => {
    try {
      const value = method(data[2], data[3], data[4]);
      endpoint.postMessage([seq, REPLY_VALUE, value]);
    } catch (error) {
      try {
        const [serialized, transfer] = throwHandler().serialize({ value: error });
        endpoint.postMessage([seq, REPLY_HANDLER, 'throw', serialized], transfer);
      } catch {
        const refusal = new DatabaseError('PROTOCOL_ERROR', 'The worker could not send its reply: it holds a value that cannot be copied between threads.');
        endpoint.postMessage([seq, REPLY_HANDLER, 'throw', serializeDatabaseError(refusal)]);
      }
    }
  };
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
          const directMethod = direct.get(method);
          if (directMethod !== undefined) return answer(seq, directMethod, data);
          const argumentList = data.slice(2).map((value: unknown) => ({ type: 'RAW', value }));
          handle({ data: { id: seq, type: 'APPLY', path: [method], argumentList } } as MessageEvent);
          return;
        }
        if (isRelease(data)) handle(event);
      };
      listeners.set(listener, wrapped as EventListener);
      endpoint.addEventListener(type, wrapped as EventListener);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const wrapped = listeners.get(listener);
      if (wrapped === undefined) return;
      listeners.delete(listener);
      endpoint.removeEventListener(type, wrapped);
    },
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
