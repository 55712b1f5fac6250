/**
 * Runs calls one at a time, in the order they arrive. A call that finds the queue idle starts at
 * once (for a local engine it then finishes before anything else runs); one that arrives while
 * another is unfinished — a libSQL request in flight, a procedure awaiting its next statement —
 * waits for every call before it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #unfinished = 0;
  readonly #finished = (): void => {
    this.#unfinished -= 1;
  };

  /** Runs `work` after every call queued before it; settles as `work` does. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#unfinished === 0 ? work() : this.#tail.then(work, work);
    this.#unfinished += 1;
    this.#tail = result.then(this.#finished, this.#finished);
    return result;
  }
}
