import { expose, transfer, type Endpoint } from 'comlink';
import { DatabaseError } from '../errors/database-error.js';
import type { OpenRequest, WorkerApi } from '../protocol/worker-api.js';
import { compactServingEndpoint } from '../rpc/compact-wire.js';
import { installErrorTransfer, serializeDatabaseError } from '../rpc/error-transfer.js';
import { builtinProcedures } from './builtin-procedures.js';
import { EngineHost } from './engine-host.js';
import { loadEngine } from './load-engine.js';

/**
 * Serves the worker protocol on `endpoint`. Only the protocol's methods are exposed, on a
 * frozen object without a prototype — never the engine or the wasm module.
 */
export function serveWorker(endpoint: Endpoint): void {
  installErrorTransfer();
  let host: EngineHost | undefined;
  const ready = (): EngineHost => {
    if (host === undefined) throw new DatabaseError('DB_CLOSED', 'The worker has no open database.');
    return host;
  };
  const api: { [K in keyof WorkerApi]: (...args: Parameters<WorkerApi[K]>) => ReturnType<WorkerApi[K]> | Promise<ReturnType<WorkerApi[K]>> } = {
    async open(request: OpenRequest) {
      if (host !== undefined) throw new DatabaseError('INVALID_ARGUMENT', 'The worker already has an open database.');
      host = await EngineHost.open(request, loadEngine, builtinProcedures());
      return host.open();
    },
    query: (call) => ready().query(call),
    get: (call) => ready().get(call),
    run: (call) => ready().run(call),
    runMany: (call) => ready().runMany(call),
    exec: (call) => ready().exec(call),
    call: (call) => ready().call(call),
    describe: (call) => ready().describe(call),
    exportImage: () => {
      const image = ready().exportImage();
      const { bytes } = image;
      const ownsBuffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return ownsBuffer ? transfer(image, [bytes.buffer]) : image;
    },
    importImage: (call) => ready().importImage(call),
    begin: (call) => ready().begin(call),
    commit: (call) => ready().commit(call),
    rollback: (call) => ready().rollback(call),
    savepoint: (call) => ready().savepoint(call),
    release: (call) => ready().release(call),
    rollbackTo: (call) => ready().rollbackTo(call),
    close: () => {
      host?.close();
      host = undefined;
    },
  };
  const refuse = (seq: unknown, error: DatabaseError): void => {
    if (typeof seq === 'number') endpoint.postMessage([seq, 1, 'throw', serializeDatabaseError(error)]);
  };
  const methods = new Set(Object.keys(api));
  expose(Object.freeze(Object.assign(Object.create(null), api)), compactServingEndpoint(endpoint, methods, refuse));
}
