import { expose, transfer, type Endpoint } from 'comlink';
import { DatabaseError } from '../api/database-error.js';
import { DIRECT_METHODS, type OpenRequest, type WorkerApi } from '../host/host-api.js';
import { compactServingEndpoint, type DirectMethods } from './compact-wire.js';
import { installErrorTransfer, serializeDatabaseError } from './error-transfer.js';
import { builtinProcedures } from '../features/procedures.js';
import { EngineHost } from '../host/host.js';
import { batchCall, cursorCall, execCall, imageCall, openRequest, procedureCall, statementArgs, statementCall, txCall } from '../host/validate-call.js';
import { loadEngine } from '../engine/load-engine.js';

/**
 * Serves the worker protocol on `endpoint`. Only the protocol's methods are exposed, on a
 * frozen object without a prototype — never the engine or the wasm module — and every
 * argument's shape is checked before use (`PROTOCOL_ERROR`).
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
      const checked = openRequest<OpenRequest>(request);
      if (host !== undefined) throw new DatabaseError('INVALID_ARGUMENT', 'The worker already has an open database.');
      host = await EngineHost.open(checked, loadEngine, builtinProcedures());
      return host.open();
    },
    query: (sql, params, scope) => ready().query(...statementArgs(sql, params, scope)),
    get: (sql, params, scope) => ready().get(...statementArgs(sql, params, scope)),
    openCursor: (call) => ready().openCursor(statementCall(call) as typeof call),
    fetchCursor: (call) => ready().fetchCursor(cursorCall(call)),
    closeCursor: (call) => ready().closeCursor(cursorCall(call)),
    run: (sql, params, scope) => ready().run(...statementArgs(sql, params, scope)),
    runMany: (call) => ready().runMany(batchCall(call)),
    exec: (call) => ready().exec(execCall(call)),
    call: (call) => ready().call(procedureCall(call)),
    begin: (call) => ready().begin(txCall(call)),
    commit: (call) => ready().commit(txCall(call)),
    rollback: (call) => ready().rollback(txCall(call)),
    savepoint: (call) => ready().savepoint(txCall(call)),
    release: (call) => ready().release(txCall(call)),
    rollbackTo: (call) => ready().rollbackTo(txCall(call)),
    describe: (call) => ready().describe(statementCall(call)),
    exportImage: () => {
      const image = ready().exportImage();
      const { bytes } = image;
      const ownsBuffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return ownsBuffer ? transfer(image, [bytes.buffer]) : image;
    },
    importImage: (call) => ready().importImage(imageCall(call)),
    close: () => {
      host?.close();
      host = undefined;
    },
  };
  const refuse = (seq: unknown, error: DatabaseError): void => {
    if (typeof seq === 'number') endpoint.postMessage([seq, 1, 'throw', serializeDatabaseError(error)]);
  };
  const methods = new Set(Object.keys(api));
  const direct: DirectMethods = new Map([...DIRECT_METHODS].map((method) => [method, api[method] as (a: unknown, b: unknown, c: unknown) => unknown]));
  expose(Object.freeze(Object.assign(Object.create(null), api)), compactServingEndpoint(endpoint, methods, direct, refuse));
}
