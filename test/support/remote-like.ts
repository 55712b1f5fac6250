import type { Engine, SyncEngine } from '../../src/engine/engine.js';

const STATEMENTS = new Set(['query', 'get', 'run', 'runMany', 'exec']);

/** A local engine dressed as a remote one (libSQL's path), for host and transport tests. */
export interface RemoteLike {
  /** The engine to hand the host. Closing it leaves the inner engine open, so the test can read what was committed. */
  readonly engine: Engine;
  /** How many statements it was asked to run so far. */
  started(): number;
  /** Resolves once the held statement is in flight. */
  readonly inFlight: Promise<void>;
  /** Lets the held statement run and answer. */
  release(): void;
}

/**
 * `inner` answering every statement with a promise, as a remote engine does; statement number
 * `holdAt` (1-based) stays in flight until `release()`. Without `progressHandler` it has none, as
 * libSQL has none: the host cannot stop its statements.
 */
export function remoteLike(inner: SyncEngine, holdAt: number, { progressHandler = true } = {}): RemoteLike {
  let started = 0;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let reached: () => void = () => undefined;
  const inFlight = new Promise<void>((resolve) => (reached = resolve));
  const engine = new Proxy(inner, {
    get(target, property) {
      if (property === 'close') return () => undefined;
      if (property === 'setProgressCheck' && !progressHandler) return undefined;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (!STATEMENTS.has(String(property))) return bound;
      return async (...args: unknown[]) => {
        started += 1;
        if (started === holdAt) {
          reached();
          await held;
        }
        return bound(...args);
      };
    },
  }) as Engine;
  return { engine, started: () => started, inFlight, release };
}

/** Whether `call` has settled once the event loop has turned: 'pending', 'resolved', or the rejection's code. */
export async function stateOf(call: Promise<unknown>): Promise<string> {
  const settled = call.then(
    () => 'resolved',
    (error: unknown) => (error as { code?: string }).code ?? 'rejected',
  );
  const turned = new Promise<string>((resolve) => setTimeout(() => resolve('pending'), 0));
  return Promise.race([settled, turned]);
}
