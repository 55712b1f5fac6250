/**
 * A synthetic validator of the Alpha Trade Exchange subnet, shared by the Node example and the
 * browser demo: it registers miners, then streams stakes and unstakes whose prices follow a
 * seeded random walk per subnet, and runs the reads a validator runs (a leaderboard, recent
 * activity). Everything is deterministic for a seed, and a simulation resumes where the
 * database left off (its clock, block height and open alpha are read back), so a file or OPFS
 * database keeps growing across runs instead of repeating itself.
 */
import { encodeSs58, type DatabaseManager, type LedgerBatchEvent, type LedgerOutcome, type Miner } from 'alphatrade-db';

/** 1 TAO (or 1 alpha) in rao. */
export const RAO_PER_TAO = 1_000_000_000n;

/** The first block and time of a fresh simulation (2025-01-01T00:00:00Z). */
const GENESIS_BLOCK = 4_000_000;
const GENESIS_MS = 1_735_689_600_000;
const BLOCK_MS = 12_000;

/** Settings of a {@link ValidatorSimulation}. */
export interface SimulationOptions {
  /** Seeds every random choice (default 7). */
  readonly seed?: number;
  /** Miners registered, uids 0..miners−1 (default 48). */
  readonly miners?: number;
  /** Subnets traded, netuids 1..netuids (default 4). */
  readonly netuids?: number;
}

/** How one batch of events went. */
export interface BatchResult {
  /** Events recorded. */
  readonly recorded: number;
  /** Events refused, counted by error code (none are expected). */
  readonly refused: Readonly<Record<string, number>>;
  /** Milliseconds the `recordEvents` call took, end to end. */
  readonly ms: number;
}

/** One row of the leaderboard, amounts in rao. */
export interface LeaderboardRow {
  readonly minerId: number;
  readonly uid: number;
  readonly hotkey: string;
  readonly trades: number;
  readonly volumeTao: bigint;
  readonly pnlTao: bigint;
  readonly costTao: bigint;
  readonly wins: number;
  readonly openPositions: number;
}

/** mulberry32: a small, fast, seeded PRNG returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A deterministic, valid SS58 address (prefix 42) for `seed` and `role`. */
export function simulatedKey(seed: number, role: 'hotkey' | 'coldkey'): string {
  const next = seededRandom(seed * 2 + (role === 'hotkey' ? 1 : 2));
  return encodeSs58(Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256)));
}

/** `rao` as TAO with `digits` decimals (exact: integer arithmetic, then rounding of the tail). */
export function formatTao(rao: bigint, digits = 3): string {
  const sign = rao < 0n ? '-' : '';
  const abs = rao < 0n ? -rao : rao;
  const scale = 10n ** BigInt(9 - digits);
  const rounded = (abs + scale / 2n) / scale;
  const unit = 10n ** BigInt(digits);
  const fraction = digits > 0 ? `.${(rounded % unit).toString().padStart(digits, '0')}` : '';
  return `${sign}${rounded / unit}${fraction}`;
}

/** `part / whole × 100` for rao amounts, 0 when `whole` is 0. */
export function percentOf(part: bigint, whole: bigint): number {
  return whole === 0n ? 0 : Number((part * 1_000_000n) / whole) / 10_000;
}

const LEADERBOARD_SQL = `SELECT miner_id AS minerId, uid, hotkey, total_trades AS trades, total_volume_tao AS volumeTao,
  realized_pnl_tao AS pnlTao, realized_cost_tao AS costTao, winning_trades AS wins, current_positions AS openPositions
  FROM miners WHERE is_registered = 1 ORDER BY realized_pnl_tao DESC, miner_id LIMIT ?`;

/**
 * The simulation's own progress: the next block and the latest event time. Written before each
 * batch is recorded (a reservation), so a batch cut short leaves a gap, never a reused
 * extrinsic id, whatever maintenance later does to the ledger's rows.
 */
const SIMULATION_STATE_DDL = `CREATE TABLE IF NOT EXISTS simulation_state (
  id INTEGER PRIMARY KEY CHECK (id = 1), block INTEGER NOT NULL, clock INTEGER NOT NULL)`;

const SAVE_STATE_SQL = `INSERT INTO simulation_state(id, block, clock) VALUES (1, ?, ?)
  ON CONFLICT(id) DO UPDATE SET block = excluded.block, clock = excluded.clock`;

const RECENTLY_ACTIVE_SQL = 'SELECT count(*) AS active FROM miners WHERE last_active >= ?';

/** A simulated validator over one database (set up with `setupDatabase()` first). */
export class ValidatorSimulation {
  readonly #db: DatabaseManager;
  readonly #netuids: number;
  readonly #random: () => number;
  readonly #miners: Miner[];
  readonly #skill: Map<number, number>;
  readonly #held: Map<string, bigint>;
  readonly #prices: number[];
  #block: number;
  #clock: number;

  private constructor(db: DatabaseManager, netuids: number, seed: number, miners: Miner[], held: Map<string, bigint>, events: number, clock: number) {
    this.#db = db;
    this.#netuids = netuids;
    this.#random = seededRandom(seed ^ (events * 2_654_435_761));
    this.#miners = miners;
    this.#held = held;
    this.#block = GENESIS_BLOCK + events;
    this.#clock = clock;
    const skill = seededRandom(seed);
    this.#skill = new Map(miners.map((m) => [m.minerId, skill() * 2 - 1]));
    this.#prices = Array.from({ length: netuids }, (_, i) => 0.02 + 0.01 * i + this.#random() * 0.01);
  }

  /**
   * Registers the miners not registered yet and reads back where an earlier run stopped: its
   * block height and clock (table `simulation_state`), and each miner's open alpha per subnet.
   */
  static async start(db: DatabaseManager, options: SimulationOptions = {}): Promise<ValidatorSimulation> {
    const seed = options.seed ?? 7;
    const count = options.miners ?? 48;
    const netuids = options.netuids ?? 4;
    const registered = new Map((await db.miners.listMiners({ registered: true })).map((m) => [`${m.uid}/${m.hotkey}`, m]));
    const miners: Miner[] = [];
    for (let uid = 0; uid < count; uid++) {
      const hotkey = simulatedKey(seed * 1_000 + uid, 'hotkey');
      const coldkey = simulatedKey(seed * 1_000 + (uid % Math.max(1, Math.floor(count / 3))), 'coldkey');
      miners.push(registered.get(`${uid}/${hotkey}`) ?? (await db.miners.registerMiner({ uid, hotkey, coldkey, trackingStartDate: GENESIS_MS })));
    }
    const held = new Map<string, bigint>();
    for (const miner of miners) {
      for (const position of await db.miners.getPositions(miner.minerId, { status: ['open', 'partial'] })) {
        const key = `${miner.minerId}/${position.netuid}`;
        held.set(key, (held.get(key) ?? 0n) + position.remainingAlpha);
      }
    }
    await db.exec(SIMULATION_STATE_DDL);
    const state = await db.get<{ block: number; clock: number }>('SELECT block, clock FROM simulation_state WHERE id = 1');
    const events = state === undefined ? 0 : state.block - GENESIS_BLOCK;
    const clock = state?.clock ?? GENESIS_MS;
    return new ValidatorSimulation(db, netuids, seed, miners, held, events, clock);
  }

  /** The registered miners, in uid order. */
  get miners(): readonly Miner[] {
    return this.#miners;
  }

  /** Events this database's simulation has generated so far (its block height). */
  get eventsRecorded(): number {
    return this.#block - GENESIS_BLOCK;
  }

  /** The time of the latest event (epoch ms). */
  get clock(): number {
    return this.#clock;
  }

  /** The next `count` events: stakes, and unstakes of part of what a miner holds on a subnet. */
  nextEvents(count: number): LedgerBatchEvent[] {
    const events: LedgerBatchEvent[] = [];
    for (let i = 0; i < count; i++) {
      const miner = this.#miners[Math.floor(this.#random() * this.#miners.length)];
      if (miner === undefined) break;
      const netuid = 1 + Math.floor(this.#random() * this.#netuids);
      const price = this.#walkPrice(netuid);
      const key = `${miner.minerId}/${netuid}`;
      const held = this.#held.get(key) ?? 0n;
      this.#clock += 1 + Math.floor(this.#random() * BLOCK_MS);
      const common = { minerId: miner.minerId, netuid, block: this.#block, timestamp: this.#clock, extrinsicId: `${this.#block}-0001` };
      this.#block += 1;
      if (held > 0n && this.#random() < 0.45) {
        const alpha = held <= 1_000n ? held : 1n + (held * BigInt(Math.floor(this.#random() * 1_000))) / 1_000n;
        const timing = 1 + 0.04 * (this.#skill.get(miner.minerId) ?? 0) + (this.#random() - 0.5) * 0.06;
        const tao = BigInt(Math.max(1, Math.round(Number(alpha) * price * timing)));
        this.#held.set(key, held - alpha);
        events.push({ kind: 'unstake', ...common, tao, alpha });
      } else {
        const tao = BigInt(Math.round((0.5 + this.#random() * 49.5) * 1e9));
        const alpha = BigInt(Math.max(1, Math.round(Number(tao) / price)));
        this.#held.set(key, held + alpha);
        events.push({ kind: 'stake', ...common, tao, alpha });
      }
    }
    return events;
  }

  /** Generates and records `count` events in one `recordEvents` call. */
  async step(count: number): Promise<BatchResult> {
    const events = this.nextEvents(count);
    await this.#db.execute(SAVE_STATE_SQL, [this.#block, this.#clock]);
    const started = performance.now();
    const outcomes: LedgerOutcome[] = await this.#db.miners.recordEvents(events);
    const ms = performance.now() - started;
    const refused: Record<string, number> = {};
    for (const outcome of outcomes) if (!outcome.ok) refused[outcome.error.code] = (refused[outcome.error.code] ?? 0) + 1;
    return { recorded: outcomes.filter((o) => o.ok).length, refused, ms };
  }

  /** The registered miners with the highest realized pnl (a validator's scoring read). */
  leaderboard(limit = 10): Promise<LeaderboardRow[]> {
    return this.#db
      .query<LeaderboardRow>(LEADERBOARD_SQL, [limit])
      .then((rows) => rows.map((r) => ({ ...r, volumeTao: BigInt(r.volumeTao), pnlTao: BigInt(r.pnlTao), costTao: BigInt(r.costTao) })));
  }

  /** Miners active in the last `windowMs` of simulated time (a read no index serves). */
  async recentlyActive(windowMs = 3_600_000): Promise<number> {
    const row = await this.#db.get<{ active: number }>(RECENTLY_ACTIVE_SQL, [this.#clock - windowMs]);
    return row?.active ?? 0;
  }

  /** Moves a subnet's alpha price one step of a bounded random walk and returns it (TAO per alpha). */
  #walkPrice(netuid: number): number {
    const current = this.#prices[netuid - 1] ?? 0.02;
    const next = Math.min(0.2, Math.max(0.002, current * (1 + (this.#random() - 0.5) * 0.02)));
    this.#prices[netuid - 1] = next;
    return next;
  }
}
