import { maintenanceProcedures } from './maintenance/procedures.js';
import { minerProcedures } from './miners/procedures.js';
import { ProcedureRegistry } from '../host/procedures.js';

/** Every procedure the shipped worker offers (feature modules add their sets here). */
export function builtinProcedures(): ProcedureRegistry {
  return new ProcedureRegistry().register(minerProcedures).register(maintenanceProcedures);
}
