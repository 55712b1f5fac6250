import { DatabaseError } from '../../api/database-error.js';
import type { ProcedureCaller } from '../../host/procedures.js';
import { assertMinerId } from '../../sql/identifiers.js';
import { epochMsArg, intArg, ledgerEventArgs, minerStatusArg, objectArg, optionalTextArg, type LedgerEventArgs } from './args.js';
import { LEDGER_BATCH_PROCEDURE, MAX_LEDGER_BATCH, type LedgerBatchEventArgs } from './ledger-batch.js';
import { LEDGER_PROCEDURES } from './ledger-procedures.js';
import { pageParams, readPositionTrades, readPositions, readSnapshots, readStatusHistory, readTrades, type MinerQueryRunner } from './miner-reads.js';
import { resolvePerformanceConfig, type PerformanceConfig, type PerformanceSnapshot } from './performance.js';
import type { MinerProcedures } from './procedures.js';
import { REGISTRY_PROCEDURES } from './registry-procedures.js';
import { MINER_COLUMNS, minerRecord } from './rows.js';
import { SNAPSHOT_PROCEDURE } from './snapshot-procedure.js';
import { assertSs58 } from './ss58.js';
import type {
  LedgerBatchEvent,
  LedgerEvent,
  LedgerOutcome,
  Miner,
  MinerFilter,
  MinerKey,
  MinerStatus,
  Page,
  Position,
  PositionFilter,
  PositionTrade,
  PositionTradeFilter,
  RegisterMinerInput,
  SnapshotFilter,
  StatusChange,
  StatusChangeOptions,
  Trade,
  TradeFilter,
  UnstakeResult,
} from './types.js';

/**
 * What the miner API needs from its database: plain reads, and the miner procedures by name
 * (`call` runs one as one transaction, in one round trip, with its argument and result types).
 */
export interface MinerBackend extends MinerQueryRunner, ProcedureCaller<MinerProcedures> {}

/** Options of a {@link MinerManager}. */
export interface MinerManagerOptions {
  /** Snapshot settings overriding the original `PerformanceConfig` defaults. */
  readonly performance?: Partial<PerformanceConfig>;
  /** The clock stamping registrations and status changes (default `Date.now`). */
  readonly clock?: () => number;
}

/**
 * Miners, their per-miner tables, the FIFO ledger and performance snapshots (`db.miners`).
 *
 * Every write is one worker-side procedure: one round trip and one transaction, the miner's
 * aggregates included. Amounts are `bigint` rao; timestamps are accepted as `Date | number`
 * (epoch ms) and returned as `Date`. Rules and definitions: `src/miners/README.md`.
 */
export class MinerManager {
  readonly #db: MinerBackend;
  readonly #clock: () => number;
  #performance: PerformanceConfig;

  /**
   * @param db - runs procedures and reads (the owning `DatabaseManager` supplies it)
   * @param options - snapshot settings and clock
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad performance configuration
   */
  constructor(db: MinerBackend, options: MinerManagerOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? Date.now;
    this.#performance = resolvePerformanceConfig(options.performance ?? {});
  }

  /** The snapshot settings in use. */
  get performanceConfig(): PerformanceConfig {
    return this.#performance;
  }

  /**
   * Replaces some snapshot settings (the rest keep their current values).
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad value (nothing changes)
   */
  configurePerformance(overrides: Partial<PerformanceConfig>): PerformanceConfig {
    this.#performance = resolvePerformanceConfig({ ...this.#performance, ...objectArg(overrides, 'overrides') });
    return this.#performance;
  }

  /**
   * Registers a miner, creating its tables in the same transaction. Idempotent for the same
   * (uid, hotkey). A new hotkey on a uid held by a registered miner is a new miner and the
   * holder is deregistered (uid recycling; its history stays its own). A known hotkey on
   * another uid moves that miner to the uid. A blacklist is never lifted here.
   * @throws DatabaseError `INVALID_ARGUMENT` for a uid outside 0..65535, a hotkey or coldkey
   *   that is not a valid SS58 address (alphabet, length, checksum), a bad date or status
   */
  async registerMiner(input: RegisterMinerInput): Promise<Miner> {
    const args = objectArg(input, 'registerMiner input');
    assertSs58(args.hotkey, 'hotkey');
    assertSs58(args.coldkey, 'coldkey');
    return this.#db.call(REGISTRY_PROCEDURES.register, {
      uid: intArg(args.uid, 'uid', 0, 65_535),
      hotkey: args.hotkey,
      coldkey: args.coldkey,
      trackingStartDate: args.trackingStartDate === undefined ? undefined : epochMsArg(args.trackingStartDate, 'trackingStartDate'),
      status: args.status === undefined ? undefined : minerStatusArg(args.status),
      now: this.#clock(),
    });
  }

  /**
   * Finds a miner by `minerId`, by `hotkey` (its latest miner) or by `uid` (the registered
   * holder, else the latest miner that held it).
   * @throws DatabaseError `INVALID_ARGUMENT` unless exactly one key is given and valid
   */
  async getMiner(key: MinerKey): Promise<Miner | undefined> {
    const k = objectArg(key, 'key');
    const given = ['uid', 'hotkey', 'minerId'].filter((name) => k[name] !== undefined);
    if (given.length !== 1) throw new DatabaseError('INVALID_ARGUMENT', 'getMiner needs exactly one of { uid }, { hotkey }, { minerId }.');
    let rows;
    if (k.minerId !== undefined) {
      rows = await this.#db.query(`SELECT ${MINER_COLUMNS} FROM miners WHERE miner_id = ?`, [assertMinerId(k.minerId)]);
    } else if (k.hotkey !== undefined) {
      assertSs58(k.hotkey, 'hotkey');
      rows = await this.#db.query(`SELECT ${MINER_COLUMNS} FROM miners WHERE hotkey = ? ORDER BY miner_id DESC LIMIT 1`, [k.hotkey]);
    } else {
      const uid = intArg(k.uid, 'uid', 0, 65_535);
      rows = await this.#db.query(`SELECT ${MINER_COLUMNS} FROM miners WHERE uid = ? ORDER BY is_registered DESC, miner_id DESC LIMIT 1`, [uid]);
    }
    const row = rows[0];
    return row === undefined ? undefined : minerRecord(row);
  }

  /**
   * Lists miners by `minerId`, optionally by status and registration, one page at a time.
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad status, limit or offset
   */
  async listMiners(filter: MinerFilter = {}): Promise<Miner[]> {
    const f = objectArg(filter, 'filter');
    const terms: string[] = [];
    const params: (string | number)[] = [];
    if (f.status !== undefined) {
      terms.push('status = ?');
      params.push(minerStatusArg(f.status));
    }
    if (f.registered !== undefined) {
      if (typeof f.registered !== 'boolean') throw new DatabaseError('INVALID_ARGUMENT', 'registered must be a boolean.');
      terms.push('is_registered = ?');
      params.push(f.registered ? 1 : 0);
    }
    const where = terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`;
    const rows = await this.#db.query(`SELECT ${MINER_COLUMNS} FROM miners ${where} ORDER BY miner_id LIMIT ? OFFSET ?`, [...params, ...pageParams(filter)]);
    return rows.map(minerRecord);
  }

  /**
   * Sets a miner's status, recording who, why and when in its history (no row when unchanged).
   * The only way to lift a blacklist.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad status, reason or actor
   */
  async setStatus(minerId: number, status: MinerStatus, reason?: string, options: StatusChangeOptions = {}): Promise<Miner> {
    return this.#db.call(REGISTRY_PROCEDURES.setStatus, {
      minerId: assertMinerId(minerId),
      status: minerStatusArg(status),
      reason: optionalTextArg(reason, 'reason'),
      actor: optionalTextArg(objectArg(options, 'options').actor, 'actor'),
      now: this.#clock(),
    });
  }

  /**
   * Ends a miner's registration (its tables and history stay); an `active` status becomes
   * `inactive`. A no-op for a miner already deregistered.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad reason or actor
   */
  async deregister(minerId: number, options: StatusChangeOptions & { readonly reason?: string } = {}): Promise<Miner> {
    const o = objectArg(options, 'options');
    return this.#db.call(REGISTRY_PROCEDURES.deregister, {
      minerId: assertMinerId(minerId),
      reason: optionalTextArg(o.reason, 'reason'),
      actor: optionalTextArg(o.actor, 'actor'),
      now: this.#clock(),
    });
  }

  /**
   * Records a stake: a new open position. Recording an `extrinsicId` again returns the stored
   * position and changes nothing.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad field (amounts must
   *   be bigint rao > 0); `OUT_OF_ORDER_EVENT` when dated before the latest unstake on its netuid
   */
  async recordStake(minerId: number, event: LedgerEvent): Promise<Position> {
    return this.#db.call(LEDGER_PROCEDURES.recordStake, this.#event(minerId, event));
  }

  /**
   * Records an unstake: closes the oldest open positions of its netuid first (FIFO), sharing
   * the TAO among the slices exactly. Recording an `extrinsicId` again returns the stored
   * trade and slices and changes nothing.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT`; `INSUFFICIENT_ALPHA` when the
   *   netuid holds less open alpha; `OUT_OF_ORDER_EVENT` when dated before the latest unstake on
   *   its netuid or before a position it would close — in every case nothing is written
   */
  async recordUnstake(minerId: number, event: LedgerEvent): Promise<UnstakeResult> {
    return this.#db.call(LEDGER_PROCEDURES.recordUnstake, this.#event(minerId, event));
  }

  /**
   * Records many stakes and unstakes in one round trip and one transaction, in order, each in
   * its own savepoint: an event that fails (`INSUFFICIENT_ALPHA`, `OUT_OF_ORDER_EVENT`,
   * `MINER_NOT_FOUND`, a bad field…) is reported in its outcome and leaves no trace; the others
   * are recorded. The replay and bulk-import path (at most 10 000 events per call).
   * @throws DatabaseError `INVALID_ARGUMENT` for a batch that is not an array of events
   */
  async recordEvents(events: readonly LedgerBatchEvent[]): Promise<LedgerOutcome[]> {
    if (!Array.isArray(events) || events.length > MAX_LEDGER_BATCH) {
      throw new DatabaseError('INVALID_ARGUMENT', `recordEvents takes an array of at most ${MAX_LEDGER_BATCH} events.`);
    }
    const prepared = events.map((e, i): LedgerBatchEventArgs => {
      const { kind, minerId, ...event } = objectArg(e, `events[${i}]`);
      if (kind !== 'stake' && kind !== 'unstake') throw new DatabaseError('INVALID_ARGUMENT', `events[${i}].kind must be "stake" or "unstake".`);
      return { kind, ...this.#event(minerId as number, event as unknown as LedgerEvent) };
    });
    const outcomes = await this.#db.call(LEDGER_BATCH_PROCEDURE, { events: prepared });
    return outcomes.map((o) => (o.ok ? { ok: true, value: o.value } : { ok: false, error: new DatabaseError(o.code, o.message) }));
  }

  /**
   * A miner's positions in FIFO order, filtered by status (one or several) and netuid.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad filter
   */
  getPositions(minerId: number, filter?: PositionFilter): Promise<Position[]> {
    return readPositions(this.#db, minerId, filter);
  }

  /**
   * A miner's trades (unstakes) in time order, filtered by netuid and `from ≤ time < to`.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad filter
   */
  getTrades(minerId: number, filter?: TradeFilter): Promise<Trade[]> {
    return readTrades(this.#db, minerId, filter);
  }

  /**
   * A miner's slices (the part of a position a trade closed), by trade then FIFO order.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad filter
   */
  getPositionTrades(minerId: number, filter?: PositionTradeFilter): Promise<PositionTrade[]> {
    return readPositionTrades(this.#db, minerId, filter);
  }

  /**
   * A miner's status history, oldest first.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad page
   */
  getStatusHistory(minerId: number, page?: Page): Promise<StatusChange[]> {
    return readStatusHistory(this.#db, minerId, page);
  }

  /**
   * Computes and stores a snapshot of the rolling window ending at `at` (default now), then
   * deletes the miner's snapshots older than the retention period.
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad time or configuration
   */
  async takePerformanceSnapshot(minerId: number, at?: Date | number, config?: Partial<PerformanceConfig>): Promise<PerformanceSnapshot> {
    return this.#db.call(SNAPSHOT_PROCEDURE, {
      minerId: assertMinerId(minerId),
      at: at === undefined ? this.#clock() : epochMsArg(at, 'at'),
      config: config === undefined ? this.#performance : resolvePerformanceConfig({ ...this.#performance, ...objectArg(config, 'config') }),
    });
  }

  /**
   * A miner's stored snapshots in time order (`from ≤ takenAt < to`).
   * @throws DatabaseError `MINER_NOT_FOUND`; `INVALID_ARGUMENT` for a bad filter
   */
  getSnapshots(minerId: number, filter?: SnapshotFilter): Promise<PerformanceSnapshot[]> {
    return readSnapshots(this.#db, minerId, filter);
  }

  #event(minerId: number, event: LedgerEvent): LedgerEventArgs {
    return ledgerEventArgs({ ...objectArg(event, 'event'), minerId: assertMinerId(minerId) });
  }
}
