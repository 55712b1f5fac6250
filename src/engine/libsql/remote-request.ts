import { DatabaseError } from '../../api/database-error.js';
import { fromLibsqlError } from './libsql-errors.js';

/**
 * One request to a libSQL server with a deadline: past `timeoutMs` it rejects with
 * `REMOTE_UNAVAILABLE` (the manager stays usable), and whatever the client throws becomes our
 * typed error.
 * @param label - where the request goes, for messages
 */
export async function remoteRequest<R>(send: () => Promise<R>, label: string, timeoutMs: number): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new DatabaseError(
          'REMOTE_UNAVAILABLE',
          `The libSQL server at ${label} did not answer within ${timeoutMs} ms; check the server and the network, then retry.`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([send(), deadline]);
  } catch (error) {
    throw fromLibsqlError(error, label);
  } finally {
    clearTimeout(timer);
  }
}
