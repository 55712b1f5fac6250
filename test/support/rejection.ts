import { isDatabaseError, type DatabaseError } from 'alphatrade-db';

/** The rejection of `promise`, which must be a DatabaseError (fails the test otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<DatabaseError> {
  const error = await promise.then(
    () => new Error('expected a rejection, but the promise resolved'),
    (e: unknown) => e,
  );
  if (!isDatabaseError(error)) throw error instanceof Error ? error : new Error(`expected a DatabaseError, got ${String(error)}`);
  return error;
}

/** Resolves with `value` after `ms` milliseconds. */
export function delay<T>(ms: number, value?: T): Promise<T | undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
