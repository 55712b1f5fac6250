/**
 * Every worker-side procedure of the miner feature: registration and status, the FIFO ledger
 * and performance snapshots.
 */
import type { ProcedureSet } from '../../host/procedures.js';
import { ledgerBatchProcedures } from './ledger-batch.js';
import { ledgerProcedures } from './ledger-procedures.js';
import { registryProcedures } from './registry-procedures.js';
import { snapshotProcedures } from './snapshot-procedure.js';

/** The miner procedures, by name, for the worker's registry; each keeps its argument and result types. */
export const minerProcedures = {
  ...registryProcedures,
  ...ledgerProcedures,
  ...ledgerBatchProcedures,
  ...snapshotProcedures,
} satisfies ProcedureSet;

/** The miner procedure set's type: each name mapped to its typed procedure. */
export type MinerProcedures = typeof minerProcedures;
