/**
 * Worker-side batch of ledger events: many stakes and unstakes in one round trip and one
 * transaction, each event in its own savepoint — so one bad event (a duplicate in flight, an
 * INSUFFICIENT_ALPHA) is reported and leaves no trace while the others are recorded. This is
 * the replay and bulk-import path.
 */
import { DatabaseError, isDatabaseError } from '../../api/database-error.js';
import { procedure, type ProcedureContext, type ProcedureSet } from '../../host/procedures.js';
import { objectArg, type LedgerEventArgs } from './args.js';
import { LEDGER_PROCEDURES, ledgerProcedures } from './ledger-procedures.js';
import type { Position, UnstakeResult } from './types.js';

/** The batch procedure's name. */
export const LEDGER_BATCH_PROCEDURE = 'ledger.recordEvents';

/** Largest batch accepted in one call. */
export const MAX_LEDGER_BATCH = 10_000;

/** One event of a batch: a checked ledger event and its kind. */
export type LedgerBatchEventArgs = LedgerEventArgs & { readonly kind: 'stake' | 'unstake' };

/** Arguments of the batch procedure: the events, in order. */
export interface LedgerBatchArgs {
  readonly events: readonly LedgerBatchEventArgs[];
}

/** How one event of a batch went, as it crosses the worker boundary. */
export type SerializedOutcome =
  { readonly ok: true; readonly value: Position | UnstakeResult } | { readonly ok: false; readonly code: DatabaseError['code']; readonly message: string };

async function recordEvents(ctx: ProcedureContext, args: unknown): Promise<SerializedOutcome[]> {
  const { events } = objectArg(args, 'batch');
  if (!Array.isArray(events) || events.length > MAX_LEDGER_BATCH) {
    throw new DatabaseError('INVALID_ARGUMENT', `A ledger batch is an array of at most ${MAX_LEDGER_BATCH} events.`);
  }
  const stake = ledgerProcedures[LEDGER_PROCEDURES.recordStake];
  const unstake = ledgerProcedures[LEDGER_PROCEDURES.recordUnstake];
  const outcomes: SerializedOutcome[] = [];
  for (const [index, event] of (events as unknown[]).entries()) {
    try {
      const value = await ctx.savepoint(async () => {
        const { kind, ...fields } = objectArg(event, `events[${index}]`);
        if (kind !== 'stake' && kind !== 'unstake') {
          throw new DatabaseError('INVALID_ARGUMENT', `events[${index}].kind must be "stake" or "unstake".`);
        }
        return kind === 'stake' ? await stake(ctx, fields) : await unstake(ctx, fields);
      });
      outcomes.push({ ok: true, value });
    } catch (error) {
      if (!isDatabaseError(error) || error.code === 'TX_ROLLED_BACK') throw error;
      outcomes.push({ ok: false, code: error.code, message: error.message });
    }
  }
  return outcomes;
}

/** The batch procedure, by name. */
export const ledgerBatchProcedures = {
  [LEDGER_BATCH_PROCEDURE]: procedure<LedgerBatchArgs, SerializedOutcome[]>(recordEvents),
} satisfies ProcedureSet;
