import { maintenanceProcedures, type MaintenanceProcedures } from './maintenance/procedures.js';
import { minerProcedures, type MinerProcedures } from './miners/procedures.js';
import { ProcedureRegistry } from '../host/procedures.js';

/** Every procedure the shipped worker offers, by name, with its argument and result types. */
export type FeatureProcedures = MinerProcedures & MaintenanceProcedures;

/** Every procedure the shipped worker offers (feature modules add their sets here). */
export function builtinProcedures(): ProcedureRegistry {
  return new ProcedureRegistry().register(minerProcedures).register(maintenanceProcedures);
}
