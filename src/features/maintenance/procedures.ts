/**
 * Every worker-side procedure of the maintenance feature, by name. Each runs as one transaction
 * in the worker (`checkImage` runs on a private copy of an image instead).
 */
import { procedure, type ProcedureSet } from '../../host/procedures.js';
import { archiveBatch, type ArchiveBatchArgs, type ArchiveBatchResult } from './archive-procedure.js';
import { cleanupQueryHistory, cleanupSnapshots, type CleanupBatchArgs } from './cleanup-procedure.js';
import { checkImage, type ImageCheckArgs, type ImageInfo } from './image-check.js';
import { verifyIntegrity, type IntegrityArgs } from './integrity-procedure.js';
import { recoverMiner, type MinerRecovery, type RecoverMinerArgs } from './recovery-procedure.js';
import type { IntegrityReport } from './types.js';

/** Procedure names (main side and worker agree on these). */
export const MAINTENANCE_PROCEDURES = {
  verifyIntegrity: 'maintenance.verifyIntegrity',
  recoverMiner: 'maintenance.recoverMiner',
  archiveBatch: 'maintenance.archiveBatch',
  cleanupSnapshots: 'maintenance.cleanupSnapshots',
  cleanupQueryHistory: 'maintenance.cleanupQueryHistory',
  checkImage: 'maintenance.checkImage',
} as const;

/** The maintenance procedures, for the worker's registry; each keeps its argument and result types. */
export const maintenanceProcedures = {
  [MAINTENANCE_PROCEDURES.verifyIntegrity]: procedure<IntegrityArgs, IntegrityReport>(verifyIntegrity),
  [MAINTENANCE_PROCEDURES.recoverMiner]: procedure<RecoverMinerArgs, MinerRecovery>(recoverMiner),
  [MAINTENANCE_PROCEDURES.archiveBatch]: procedure<ArchiveBatchArgs, ArchiveBatchResult>(archiveBatch),
  [MAINTENANCE_PROCEDURES.cleanupSnapshots]: procedure<CleanupBatchArgs, number>(cleanupSnapshots),
  [MAINTENANCE_PROCEDURES.cleanupQueryHistory]: procedure<CleanupBatchArgs, number>(cleanupQueryHistory),
  [MAINTENANCE_PROCEDURES.checkImage]: procedure<ImageCheckArgs, ImageInfo>(checkImage),
} satisfies ProcedureSet;

/** The maintenance procedure set's type: each name mapped to its typed procedure. */
export type MaintenanceProcedures = typeof maintenanceProcedures;
