/**
 * Turns of a host: calls run one at a time, in the order they arrive. A call that finds the host
 * free takes its turn at once (for a local engine it then finishes before anything else runs);
 * one that arrives while another is unfinished — a libSQL request in flight, a procedure awaiting
 * its next statement — waits for every call before it. Free turns cost no promise.
 */
export class Turns {
  #taken = false;
  readonly #waiting: (() => void)[] = [];

  /** Takes the turn: undefined when it was free (taken now), else a promise that resolves once it is this caller's. */
  take(): Promise<void> | undefined {
    if (!this.#taken) {
      this.#taken = true;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Ends the current turn, handing it to the next caller in line. */
  pass(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) return next();
    this.#taken = false;
  }
}
