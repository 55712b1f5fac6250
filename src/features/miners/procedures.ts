/**
 * Every worker-side procedure of the miner feature: registration and status, the FIFO ledger
 * and performance snapshots.
 */
import type { Procedure } from '../../host/procedures.js';
import { ledgerBatchProcedures } from './ledger-batch.js';
import { ledgerProcedures } from './ledger-procedures.js';
import { registryProcedures } from './registry-procedures.js';
import { snapshotProcedures } from './snapshot-procedure.js';

/** The miner procedures, by name, for the worker's registry. */
export const minerProcedures: Readonly<Record<string, Procedure>> = {
  ...registryProcedures,
  ...ledgerProcedures,
  ...ledgerBatchProcedures,
  ...snapshotProcedures,
};
