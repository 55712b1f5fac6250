/**
 * Worker-side procedures of miner registration and status: each runs as one transaction.
 *
 * Identity rules (DESIGN §3): a miner is one (uid, hotkey) registration with a surrogate
 * `minerId`. Registering the same (uid, hotkey) again returns the same miner. A new hotkey on
 * a uid held by a registered miner is a new miner, and the holder loses its registration
 * (uid recycling) but keeps its history. A known hotkey on another uid is the same miner moving
 * (its tables are keyed by `minerId`, so nothing is copied). A blacklist survives everything
 * except an explicit `setStatus`.
 */
import { assertSs58 } from './ss58.js';
import { epochMsArg, intArg, minerStatusArg, objectArg, optionalTextArg } from './args.js';
import { endRegistration, loadMiner, recordHistory, stateOf } from './miner-store.js';
import { minerTablesDdl } from './miner-tables.js';
import { MINER_COLUMNS, minerRecord, type DbRow } from './rows.js';
import type { Miner, MinerStatus } from './types.js';
import type { Procedure, ProcedureContext } from '../../host/procedures.js';

/** Procedure names (main side and worker agree on these). */
export const REGISTRY_PROCEDURES = {
  register: 'miners.register',
  setStatus: 'miners.setStatus',
  deregister: 'miners.deregister',
} as const;

function reload(ctx: ProcedureContext, minerId: number): Miner {
  return minerRecord(loadMiner(ctx, minerId));
}

function registerMiner(ctx: ProcedureContext, value: unknown): Miner {
  const args = objectArg(value, 'registerMiner arguments');
  const uid = intArg(args.uid, 'uid', 0, 65_535);
  assertSs58(args.hotkey, 'hotkey');
  assertSs58(args.coldkey, 'coldkey');
  const { hotkey, coldkey } = args;
  const now = epochMsArg(args.now, 'now');
  const trackingStart = args.trackingStartDate === undefined ? now : epochMsArg(args.trackingStartDate, 'trackingStartDate');
  const requested = args.status === undefined ? undefined : minerStatusArg(args.status);

  const known = ctx.get<DbRow>(`SELECT ${MINER_COLUMNS} FROM miners WHERE hotkey = ? ORDER BY miner_id DESC LIMIT 1`, [hotkey]);
  const knownId = known === undefined ? undefined : Number(known.miner_id);
  if (known !== undefined && knownId !== undefined && Number(known.is_registered) === 1 && Number(known.uid) === uid) {
    if (known.coldkey !== coldkey) ctx.run('UPDATE miners SET coldkey = ? WHERE miner_id = ?', [coldkey, knownId]);
    return reload(ctx, knownId);
  }

  const holder = ctx.get<DbRow>(`SELECT ${MINER_COLUMNS} FROM miners WHERE uid = ? AND is_registered = 1`, [uid]);
  if (holder !== undefined && Number(holder.miner_id) !== knownId) {
    endRegistration(ctx, holder, now, 'uid-recycled', null, `uid ${uid} registered to hotkey ${hotkey}`);
  }

  if (known !== undefined && knownId !== undefined) {
    const before = stateOf(known);
    if (before.registered) {
      ctx.run('UPDATE miners SET uid = ?, coldkey = ? WHERE miner_id = ?', [uid, coldkey, knownId]);
      const reason = `hotkey moved from uid ${before.uid} to uid ${uid}`;
      recordHistory(ctx, { minerId: knownId, at: now, before, after: { ...before, uid }, source: 'uid-moved', actor: null, reason });
    } else {
      const status: MinerStatus = before.status === 'blacklisted' ? 'blacklisted' : (requested ?? 'active');
      ctx.run(
        'UPDATE miners SET uid = ?, coldkey = ?, status = ?, is_registered = 1, deregistered_at = NULL WHERE miner_id = ?',
        [uid, coldkey, status, knownId],
      );
      const after = { status, registered: true, uid };
      recordHistory(ctx, { minerId: knownId, at: now, before, after, source: 'reregister', actor: null, reason: null });
    }
    return reload(ctx, knownId);
  }

  const status = requested ?? 'active';
  const inserted = ctx.run(
    `INSERT INTO miners (uid, hotkey, coldkey, status, is_registered, registered_at, tracking_start)
     VALUES (?, ?, ?, ?, 1, ?, ?)`,
    [uid, hotkey, coldkey, status, now, trackingStart],
  );
  const minerId = Number(inserted.lastInsertRowid);
  for (const statement of minerTablesDdl(minerId)) ctx.exec(statement);
  const after = { status, registered: true, uid };
  recordHistory(ctx, { minerId, at: now, before: null, after, source: 'register', actor: null, reason: null });
  return reload(ctx, minerId);
}

function setStatus(ctx: ProcedureContext, value: unknown): Miner {
  const args = objectArg(value, 'setStatus arguments');
  const minerId = intArg(args.minerId, 'minerId', 1);
  const status = minerStatusArg(args.status);
  const reason = optionalTextArg(args.reason, 'reason');
  const actor = optionalTextArg(args.actor, 'actor');
  const now = epochMsArg(args.now, 'now');
  const row = loadMiner(ctx, minerId);
  const before = stateOf(row);
  if (before.status === status) return minerRecord(row);
  ctx.run('UPDATE miners SET status = ? WHERE miner_id = ?', [status, minerId]);
  recordHistory(ctx, { minerId, at: now, before, after: { ...before, status }, source: 'set-status', actor, reason });
  return reload(ctx, minerId);
}

function deregister(ctx: ProcedureContext, value: unknown): Miner {
  const args = objectArg(value, 'deregister arguments');
  const minerId = intArg(args.minerId, 'minerId', 1);
  const reason = optionalTextArg(args.reason, 'reason');
  const actor = optionalTextArg(args.actor, 'actor');
  const now = epochMsArg(args.now, 'now');
  const row = loadMiner(ctx, minerId);
  if (Number(row.is_registered) === 0) return minerRecord(row);
  endRegistration(ctx, row, now, 'deregister', actor, reason);
  return reload(ctx, minerId);
}

/** The registration procedures, by name. */
export const registryProcedures: Readonly<Record<string, Procedure>> = {
  [REGISTRY_PROCEDURES.register]: registerMiner,
  [REGISTRY_PROCEDURES.setStatus]: setStatus,
  [REGISTRY_PROCEDURES.deregister]: deregister,
};
