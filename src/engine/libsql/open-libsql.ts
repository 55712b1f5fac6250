import { DatabaseError } from '../../api/database-error.js';
import { fromLibsqlError } from './libsql-errors.js';
import { LibsqlEngine } from './libsql-engine.js';
import type { LibsqlSettings } from './libsql-settings.js';
import { ReadRouter, type ReadTarget } from './read-router.js';
import type { RemoteClient } from './remote-client.js';

/** The client options we pass to `createClient`. */
interface ClientConfig {
  readonly url: string;
  readonly authToken?: string | undefined;
  readonly syncUrl?: string | undefined;
  readonly intMode: 'bigint';
}

type CreateClient = (config: ClientConfig) => RemoteClient;

/**
 * Connects to a libSQL primary (and its replicas) through `@libsql/client`, imported only
 * here, on first use, so the package stays optional and out of browser bundles.
 * @throws DatabaseError `INVALID_ARGUMENT` when `@libsql/client` is not installed; `REMOTE_UNAVAILABLE` when the primary does not answer
 */
export async function openLibsql(settings: LibsqlSettings): Promise<LibsqlEngine> {
  const createClient = await loadClient();
  const clients: RemoteClient[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  const release = (): void => {
    for (const timer of timers.splice(0)) clearInterval(timer);
    for (const client of clients.splice(0)) client.close();
  };
  try {
    const primary = createClient({ url: settings.url, authToken: settings.authToken, intMode: 'bigint' });
    clients.push(primary);
    const replicas: ReadTarget[] = [];
    for (const url of settings.replicaUrls) {
      const replica = url.startsWith('file:')
        ? await embeddedReplica(createClient, url, settings, timers)
        : createClient({ url, authToken: settings.authToken, intMode: 'bigint' });
      clients.push(replica);
      replicas.push({ label: url, client: replica });
    }
    const reads = new ReadRouter(replicas, { label: settings.url, client: primary });
    return await LibsqlEngine.connect({ primary, primaryLabel: settings.url, reads, requestTimeoutMs: settings.requestTimeoutMs, release });
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * An embedded replica: a local file synced from the primary over HTTP, pulled once before use
 * and then every `syncIntervalMs` by our own timer (stopped when the database closes; the
 * client's own `syncInterval` thread outlives `close()`). A failed periodic pull is retried at
 * the next tick; reads meanwhile see the replica as it is.
 */
async function embeddedReplica(
  createClient: CreateClient,
  url: string,
  settings: LibsqlSettings,
  timers: ReturnType<typeof setInterval>[],
): Promise<RemoteClient> {
  const syncUrl = settings.url.replace(/^ws(s?):\/\//i, 'http$1://');
  const replica = createClient({ url, syncUrl, authToken: settings.authToken, intMode: 'bigint' });
  try {
    await replica.sync();
  } catch (error) {
    replica.close();
    throw fromLibsqlError(error, syncUrl);
  }
  if (settings.syncIntervalMs > 0) {
    let pulling = false;
    const pull = (): void => {
      if (pulling) return;
      pulling = true;
      replica.sync().then(
        () => (pulling = false),
        () => (pulling = false),
      );
    };
    const timer = setInterval(pull, settings.syncIntervalMs);
    timer.unref?.();
    timers.push(timer);
  }
  return replica;
}

async function loadClient(): Promise<CreateClient> {
  try {
    const module = (await import('@libsql/client')) as unknown as { createClient: CreateClient };
    return module.createClient;
  } catch (error) {
    throw new DatabaseError('INVALID_ARGUMENT', 'engine "libsql" needs the optional package @libsql/client: run `npm install @libsql/client@0.18.0`.', {
      cause: error,
    });
  }
}
