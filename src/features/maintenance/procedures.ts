/**
 * Every worker-side procedure of the maintenance feature, by name. Each runs as one transaction
 * in the worker (`checkImage` runs on a private copy of an image instead).
 */
import type { Procedure } from '../../host/procedures.js';
import { archiveBatch } from './archive-procedure.js';
import { cleanupQueryHistory, cleanupSnapshots } from './cleanup-procedure.js';
import { checkImage } from './image-check.js';
import { verifyIntegrity } from './integrity-procedure.js';
import { recoverMiner } from './recovery-procedure.js';

/** Procedure names (main side and worker agree on these). */
export const MAINTENANCE_PROCEDURES = {
  verifyIntegrity: 'maintenance.verifyIntegrity',
  recoverMiner: 'maintenance.recoverMiner',
  archiveBatch: 'maintenance.archiveBatch',
  cleanupSnapshots: 'maintenance.cleanupSnapshots',
  cleanupQueryHistory: 'maintenance.cleanupQueryHistory',
  checkImage: 'maintenance.checkImage',
} as const;

/** The maintenance procedures, for the worker's registry. */
export const maintenanceProcedures: Readonly<Record<string, Procedure>> = {
  [MAINTENANCE_PROCEDURES.verifyIntegrity]: verifyIntegrity,
  [MAINTENANCE_PROCEDURES.recoverMiner]: recoverMiner,
  [MAINTENANCE_PROCEDURES.archiveBatch]: archiveBatch,
  [MAINTENANCE_PROCEDURES.cleanupSnapshots]: cleanupSnapshots,
  [MAINTENANCE_PROCEDURES.cleanupQueryHistory]: cleanupQueryHistory,
  [MAINTENANCE_PROCEDURES.checkImage]: checkImage,
};
