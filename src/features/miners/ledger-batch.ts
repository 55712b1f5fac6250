/**
 * Worker-side batch of ledger events: many stakes and unstakes in one round trip and one
 * transaction, each event in its own savepoint — so one bad event (a duplicate in flight, an
 * INSUFFICIENT_ALPHA) is reported and leaves no trace while the others are recorded. This is
 * the replay and bulk-import path.
 */
import { DatabaseError, isDatabaseError } from '../../api/database-error.js';
import type { Procedure, ProcedureContext } from '../../host/procedures.js';
import { objectArg } from './args.js';
import { LEDGER_PROCEDURES, ledgerProcedures } from './ledger-procedures.js';

/** The batch procedure's name. */
export const LEDGER_BATCH_PROCEDURE = 'ledger.recordEvents';

/** Largest batch accepted in one call. */
export const MAX_LEDGER_BATCH = 10_000;

/** How one event of a batch went, as it crosses the worker boundary. */
export type SerializedOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: DatabaseError['code']; readonly message: string };

function recordEvents(ctx: ProcedureContext, args: unknown): SerializedOutcome[] {
  const { events } = objectArg(args, 'batch');
  if (!Array.isArray(events) || events.length > MAX_LEDGER_BATCH) {
    throw new DatabaseError('INVALID_ARGUMENT', `A ledger batch is an array of at most ${MAX_LEDGER_BATCH} events.`);
  }
  const stake = ledgerProcedures[LEDGER_PROCEDURES.recordStake] as Procedure;
  const unstake = ledgerProcedures[LEDGER_PROCEDURES.recordUnstake] as Procedure;
  return events.map((event: unknown, index: number): SerializedOutcome => {
    ctx.run('SAVEPOINT ledger_event');
    try {
      const { kind, ...fields } = objectArg(event, `events[${index}]`);
      if (kind !== 'stake' && kind !== 'unstake') {
        throw new DatabaseError('INVALID_ARGUMENT', `events[${index}].kind must be "stake" or "unstake".`);
      }
      const value = (kind === 'stake' ? stake : unstake)(ctx, fields);
      ctx.run('RELEASE ledger_event');
      return { ok: true, value };
    } catch (error) {
      ctx.run('ROLLBACK TO ledger_event');
      ctx.run('RELEASE ledger_event');
      if (!isDatabaseError(error)) throw error;
      return { ok: false, code: error.code, message: error.message };
    }
  });
}

/** The batch procedure, by name. */
export const ledgerBatchProcedures: Readonly<Record<string, Procedure>> = {
  [LEDGER_BATCH_PROCEDURE]: recordEvents,
};
