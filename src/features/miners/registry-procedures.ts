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
import { procedure, type ProcedureContext, type ProcedureSet } from '../../host/procedures.js';

/** Procedure names (main side and worker agree on these). */
export const REGISTRY_PROCEDURES = {
  register: 'miners.register',
  setStatus: 'miners.setStatus',
  deregister: 'miners.deregister',
} as const;

/** Arguments of `miners.register`, as `MinerManager.registerMiner` sends them. */
export interface RegisterMinerArgs {
  readonly uid: number;
  readonly hotkey: string;
  readonly coldkey: string;
  /** Epoch ms; the registration time when undefined. */
  readonly trackingStartDate?: number | undefined;
  /** The status of a new miner (`active` when undefined). */
  readonly status?: MinerStatus | undefined;
  /** The registration time, epoch ms. */
  readonly now: number;
}

/** Arguments of `miners.setStatus`, as `MinerManager.setStatus` sends them. */
export interface SetStatusArgs {
  readonly minerId: number;
  readonly status: MinerStatus;
  /** Why, at most 1000 characters (none when null or undefined). */
  readonly reason?: string | null | undefined;
  /** Who, at most 1000 characters (none when null or undefined). */
  readonly actor?: string | null | undefined;
  /** The change time, epoch ms. */
  readonly now: number;
}

/** Arguments of `miners.deregister`, as `MinerManager.deregister` sends them. */
export interface DeregisterArgs {
  readonly minerId: number;
  /** Why, at most 1000 characters (none when null or undefined). */
  readonly reason?: string | null | undefined;
  /** Who, at most 1000 characters (none when null or undefined). */
  readonly actor?: string | null | undefined;
  /** The deregistration time, epoch ms. */
  readonly now: number;
}

async function reload(ctx: ProcedureContext, minerId: number): Promise<Miner> {
  return minerRecord(await loadMiner(ctx, minerId));
}

async function registerMiner(ctx: ProcedureContext, value: unknown): Promise<Miner> {
  const args = objectArg(value, 'registerMiner arguments');
  const uid = intArg(args.uid, 'uid', 0, 65_535);
  assertSs58(args.hotkey, 'hotkey');
  assertSs58(args.coldkey, 'coldkey');
  const { hotkey, coldkey } = args;
  const now = epochMsArg(args.now, 'now');
  const trackingStart = args.trackingStartDate === undefined ? now : epochMsArg(args.trackingStartDate, 'trackingStartDate');
  const requested = args.status === undefined ? undefined : minerStatusArg(args.status);

  const known = await ctx.get<DbRow>(`SELECT ${MINER_COLUMNS} FROM miners WHERE hotkey = ? ORDER BY miner_id DESC LIMIT 1`, [hotkey]);
  const knownId = known === undefined ? undefined : Number(known.miner_id);
  if (known !== undefined && knownId !== undefined && Number(known.is_registered) === 1 && Number(known.uid) === uid) {
    if (known.coldkey !== coldkey) await ctx.run('UPDATE miners SET coldkey = ? WHERE miner_id = ?', [coldkey, knownId]);
    return await reload(ctx, knownId);
  }

  const holder = await ctx.get<DbRow>(`SELECT ${MINER_COLUMNS} FROM miners WHERE uid = ? AND is_registered = 1`, [uid]);
  if (holder !== undefined && Number(holder.miner_id) !== knownId) {
    await endRegistration(ctx, holder, now, 'uid-recycled', null, `uid ${uid} registered to hotkey ${hotkey}`);
  }

  if (known !== undefined && knownId !== undefined) {
    const before = stateOf(known);
    if (before.registered) {
      await ctx.run('UPDATE miners SET uid = ?, coldkey = ? WHERE miner_id = ?', [uid, coldkey, knownId]);
      const reason = `hotkey moved from uid ${before.uid} to uid ${uid}`;
      await recordHistory(ctx, { minerId: knownId, at: now, before, after: { ...before, uid }, source: 'uid-moved', actor: null, reason });
    } else {
      const status: MinerStatus = before.status === 'blacklisted' ? 'blacklisted' : (requested ?? 'active');
      await ctx.run('UPDATE miners SET uid = ?, coldkey = ?, status = ?, is_registered = 1, deregistered_at = NULL WHERE miner_id = ?', [
        uid,
        coldkey,
        status,
        knownId,
      ]);
      const after = { status, registered: true, uid };
      await recordHistory(ctx, { minerId: knownId, at: now, before, after, source: 'reregister', actor: null, reason: null });
    }
    return await reload(ctx, knownId);
  }

  const status = requested ?? 'active';
  const inserted = await ctx.run(
    `INSERT INTO miners (uid, hotkey, coldkey, status, is_registered, registered_at, tracking_start)
     VALUES (?, ?, ?, ?, 1, ?, ?)`,
    [uid, hotkey, coldkey, status, now, trackingStart],
  );
  const minerId = Number(inserted.lastInsertRowid);
  for (const statement of minerTablesDdl(minerId)) await ctx.exec(statement);
  const after = { status, registered: true, uid };
  await recordHistory(ctx, { minerId, at: now, before: null, after, source: 'register', actor: null, reason: null });
  return await reload(ctx, minerId);
}

async function setStatus(ctx: ProcedureContext, value: unknown): Promise<Miner> {
  const args = objectArg(value, 'setStatus arguments');
  const minerId = intArg(args.minerId, 'minerId', 1);
  const status = minerStatusArg(args.status);
  const reason = optionalTextArg(args.reason, 'reason');
  const actor = optionalTextArg(args.actor, 'actor');
  const now = epochMsArg(args.now, 'now');
  const row = await loadMiner(ctx, minerId);
  const before = stateOf(row);
  if (before.status === status) return minerRecord(row);
  await ctx.run('UPDATE miners SET status = ? WHERE miner_id = ?', [status, minerId]);
  await recordHistory(ctx, { minerId, at: now, before, after: { ...before, status }, source: 'set-status', actor, reason });
  return await reload(ctx, minerId);
}

async function deregister(ctx: ProcedureContext, value: unknown): Promise<Miner> {
  const args = objectArg(value, 'deregister arguments');
  const minerId = intArg(args.minerId, 'minerId', 1);
  const reason = optionalTextArg(args.reason, 'reason');
  const actor = optionalTextArg(args.actor, 'actor');
  const now = epochMsArg(args.now, 'now');
  const row = await loadMiner(ctx, minerId);
  if (Number(row.is_registered) === 0) return minerRecord(row);
  await endRegistration(ctx, row, now, 'deregister', actor, reason);
  return await reload(ctx, minerId);
}

/** The registration procedures, by name. */
export const registryProcedures = {
  [REGISTRY_PROCEDURES.register]: procedure<RegisterMinerArgs, Miner>(registerMiner),
  [REGISTRY_PROCEDURES.setStatus]: procedure<SetStatusArgs, Miner>(setStatus),
  [REGISTRY_PROCEDURES.deregister]: procedure<DeregisterArgs, Miner>(deregister),
} satisfies ProcedureSet;
