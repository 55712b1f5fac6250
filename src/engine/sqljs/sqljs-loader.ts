import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';
import { DatabaseError } from '../../api/database-error.js';
import { runsOnNode } from '../../storage/runs-on-node.js';

/** Node's file reader, by a specifier browser bundlers do not follow (the Node bundle writes it back). */
const NODE_FS = 'node:fs/promises';

/** The first four bytes of every WebAssembly module (`\0asm`). */
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

let modulePromise: Promise<SqlJsStatic> | undefined;

/**
 * Loads sql.js once per worker. Given a wasm URL, the bytes are read here — fetched in browsers,
 * read from the file (a path or `file:` URL) in Node — and handed to sql.js: a bad URL then fails
 * as a typed error instead of aborting inside sql.js's own loader, which may also kill the worker.
 * @throws DatabaseError `ENGINE_LOAD_FAILED` when the wasm cannot be read or is not WebAssembly
 */
export function loadSqlJs(wasmUrl: string | undefined): Promise<SqlJsStatic> {
  modulePromise ??= (wasmUrl === undefined ? initSqlJs({}) : readWasm(wasmUrl).then((wasmBinary) => initSqlJs({ wasmBinary }))).catch((error: unknown) => {
    throw loadFailure(error, wasmUrl);
  });
  return modulePromise;
}

async function readWasm(url: string): Promise<ArrayBuffer> {
  const bytes = runsOnNode() ? await readFile(url) : await fetchBytes(url);
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (!WASM_MAGIC.every((byte, i) => head[i] === byte)) {
    throw new DatabaseError('ENGINE_LOAD_FAILED', `sqlJsWasmUrl ${url} did not return WebAssembly. Point it at sql.js's dist/sql-wasm.wasm.`);
  }
  return bytes;
}

async function readFile(url: string): Promise<ArrayBuffer> {
  const { readFile: read } = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs/promises');
  const file = await read(url.startsWith('file:') ? new URL(url) : url);
  return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

function loadFailure(error: unknown, wasmUrl: string | undefined): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const where = wasmUrl === undefined ? 'its bundled wasm' : `sqlJsWasmUrl ${wasmUrl}`;
  return new DatabaseError('ENGINE_LOAD_FAILED', `sql.js could not be loaded from ${where}: ${reason}. Check the URL (or use engine 'sqlite-wasm').`, {
    cause: error,
  });
}
