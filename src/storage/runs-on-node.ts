/**
 * Whether this worker runs in Node. Worker-side code has no installed platform (the main side's
 * `Platform`), so the few places that must choose between Node and browser APIs ask this.
 */
export function runsOnNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';
}
