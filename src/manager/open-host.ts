import { openEngine } from '../engine/open-engine.js';
import { builtinProcedures } from '../features/procedures.js';
import { Host } from '../host/host.js';
import type { HostOpenRequest } from '../host/host-api.js';

/**
 * Opens a host with the library's engines and every feature's procedures: what a worker runs on
 * its `open` request, and what an in-process database runs on the calling thread.
 * @throws DatabaseError from the engine when the open fails
 */
export async function openHost(request: HostOpenRequest): Promise<Host> {
  const engine = await openEngine(request);
  try {
    return new Host(engine, request, builtinProcedures());
  } catch (error) {
    await engine.close();
    throw error;
  }
}
