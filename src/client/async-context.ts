/** Carries a value through async continuations (Node's AsyncLocalStorage); the platform supplies it where it exists. */
export interface AsyncContext<T> {
  /** Runs `work` with `value` as the current value of everything it awaits. */
  run<R>(value: T, work: () => R): R;
  /** The current value, if any. */
  get(): T | undefined;
}
