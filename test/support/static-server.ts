/** A tiny static file server for built pages: correct MIME types (wasm included), loopback only. */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A running server: its origin and how to stop it. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serves `root` on a free loopback port. `/` and directory paths serve their `index.html`;
 * paths escaping `root` and missing files are 404.
 */
export async function serveStatic(root: string, headers: OutgoingHttpHeaders = {}): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      let path = normalize(join(root, pathname));
      if (path !== root && !path.startsWith(root + sep)) throw new Error('outside root');
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      response.writeHead(200, { ...headers, 'content-type': MIME_TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    })().catch(() => {
      response.writeHead(404, headers);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
