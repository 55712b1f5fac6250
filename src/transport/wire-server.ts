import { DatabaseError } from '../api/database-error.js';
import { HOST_METHODS, type HostApi, type HostInfo, type HostOpenRequest } from '../host/host-api.js';
import type { MessageEndpoint } from './endpoint.js';
import { OPEN_METHOD, REPLY_ERROR, REPLY_VALUE, replyTransfers, serializeError } from './wire.js';

/** A host the wire serves: its methods, and what it reports once open. */
export interface ServedHost extends HostApi {
  info(): HostInfo;
}

/** Opens the host of a worker from the client's `open` request (the composition root supplies it). */
export type HostOpener = (request: HostOpenRequest) => Promise<ServedHost>;

const METHODS: ReadonlySet<string> = new Set(HOST_METHODS);

/**
 * Serves a host on `endpoint`: the worker side of the wire. It dispatches only the host's own
 * method names (and `open`, once) — anything else, `__proto__` and `constructor` included, is
 * answered with `PROTOCOL_ERROR`, and a message that is not a frame is dropped — then hands the
 * arguments to the host, which checks them all. Replies go back in the order the host answers,
 * which is the order the calls arrived.
 */
export function serveHost(endpoint: MessageEndpoint, openHost: HostOpener): void {
  let host: ServedHost | undefined;
  let opening: Promise<HostInfo> | undefined;
  const reply = (seq: number, method: unknown, answer: Promise<unknown>): void => {
    answer.then(
      (value) => {
        try {
          endpoint.postMessage([seq, REPLY_VALUE, value], replyTransfers(method, value));
        } catch {
          const refusal = new DatabaseError('PROTOCOL_ERROR', 'The worker could not send its reply: it holds a value that cannot be copied between threads.');
          endpoint.postMessage([seq, REPLY_ERROR, serializeError(refusal)]);
        }
      },
      (error: unknown) => endpoint.postMessage([seq, REPLY_ERROR, serializeError(error)]),
    );
  };
  const open = async (request: unknown): Promise<HostInfo> => {
    const checked = checkedOpenRequest(request);
    if (opening !== undefined) throw new DatabaseError('INVALID_ARGUMENT', 'The worker already has an open database.');
    opening = openHost(checked).then((opened) => {
      host = opened;
      return opened.info();
    });
    return opening;
  };
  endpoint.onMessage((data) => {
    if (!Array.isArray(data) || typeof data[0] !== 'number') return;
    const [seq, method, ...args] = data as [number, unknown, ...unknown[]];
    if (method === OPEN_METHOD) return reply(seq, method, open(args[0]));
    if (typeof method !== 'string' || !METHODS.has(method)) {
      return reply(seq, method, Promise.reject(new DatabaseError('PROTOCOL_ERROR', `Refused a call to "${String(method).slice(0, 40)}": not a host method.`)));
    }
    if (host === undefined) return reply(seq, method, Promise.reject(new DatabaseError('DB_CLOSED', 'The worker has no open database.')));
    let answer: Promise<unknown>;
    try {
      answer = Reflect.apply(host[method as keyof HostApi], host, args) as Promise<unknown>;
    } catch (error) {
      answer = Promise.reject(error);
    }
    reply(seq, method, answer);
  });
}

/**
 * The open request's shape: engine, filename and storage are strings; limits a record; the abort flag a SharedArrayBuffer of 4 bytes or more.
 * @throws DatabaseError `PROTOCOL_ERROR`
 */
function checkedOpenRequest(value: unknown): HostOpenRequest {
  const refuse = (reason: string): DatabaseError => new DatabaseError('PROTOCOL_ERROR', `Refused a malformed open request: ${reason}.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype)
    throw refuse('it must be a plain object');
  const request = value as Record<string, unknown>;
  for (const field of ['engine', 'filename', 'storage']) if (typeof request[field] !== 'string') throw refuse(`${field} must be a string`);
  if (request.limits !== undefined && (typeof request.limits !== 'object' || request.limits === null)) throw refuse('limits must be an object');
  const flag = request.interruptFlag;
  if (flag !== undefined && (typeof SharedArrayBuffer === 'undefined' || !(flag instanceof SharedArrayBuffer) || flag.byteLength < 4)) {
    throw refuse('interruptFlag must be a SharedArrayBuffer of at least 4 bytes');
  }
  return value as HostOpenRequest;
}
