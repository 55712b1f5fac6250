/**
 * The one module through which dynamic identifiers reach SQL text.
 *
 * Values are always bound as parameters; identifiers cannot be, so every identifier the library
 * builds at run time comes from here: generated names are checked against a strict pattern and
 * every identifier is quoted (`"` doubled). Per-miner table and index names derive **only**
 * from the integer `minerId`, so no user text (hotkeys, coldkeys, extrinsic ids) ever reaches
 * DDL or a table reference.
 */
import { DatabaseError } from '../api/database-error.js';

/** What a generated name may look like: lower-case ASCII, digits and `_`, at most 63 characters. */
export const GENERATED_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes an identifier for SQLite: wraps it in `"` and doubles any `"` inside.
 *
 * @param name - the identifier as it should be spelled in the schema
 * @returns the quoted identifier, e.g. `"miner_7_positions"`
 * @throws DatabaseError `INVALID_ARGUMENT` when `name` is not a non-empty string or contains NUL
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\u0000')) {
    throw new DatabaseError('INVALID_ARGUMENT', 'An identifier must be a non-empty string without NUL characters.');
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a column name where it is used as a column (a column list, an expression): wraps it in
 * backticks and doubles any backtick inside. SQLite treats a double-quoted name that matches no
 * column as a string literal where it can (the DQS misfeature; sql.js is built with it and
 * cannot turn it off), so `"statu"` would silently become the text 'statu'. A backtick-quoted
 * name is always an identifier: a wrong one is a `no such column` error on every engine.
 *
 * @param name - the column name as the schema spells it
 * @returns the quoted name, e.g. `` `created_at` ``
 * @throws DatabaseError `INVALID_ARGUMENT` when `name` is not a non-empty string or contains NUL
 */
export function quoteColumn(name: string): string {
  quoteIdentifier(name);
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * Checks that a name the library generated matches {@link GENERATED_NAME}.
 *
 * @param name - the generated name
 * @returns `name`, unchanged
 * @throws DatabaseError `INVALID_ARGUMENT` when it does not match
 */
export function assertGeneratedName(name: string): string {
  if (typeof name !== 'string' || !GENERATED_NAME.test(name)) {
    throw new DatabaseError('INVALID_ARGUMENT', `Generated identifier ${JSON.stringify(String(name))} is not of the form ${String(GENERATED_NAME)}.`);
  }
  return name;
}

/**
 * Checks that `minerId` is a surrogate miner id: a safe integer ≥ 1.
 *
 * @param minerId - the value to check
 * @returns `minerId`
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function assertMinerId(minerId: unknown): number {
  if (typeof minerId !== 'number' || !Number.isSafeInteger(minerId) || minerId < 1) {
    throw new DatabaseError('INVALID_ARGUMENT', `minerId must be an integer >= 1, got ${describe(minerId)}.`);
  }
  return minerId;
}

/** The per-miner tables, each kind in its live and archived form. */
export type MinerTableKind = 'positions' | 'trades' | 'position_trades' | 'archived_positions' | 'archived_trades' | 'archived_position_trades';

/** Every per-miner table kind, live tables first (creation order respects foreign keys). */
export const MINER_TABLE_KINDS: readonly MinerTableKind[] = [
  'positions',
  'trades',
  'position_trades',
  'archived_positions',
  'archived_trades',
  'archived_position_trades',
];

/**
 * The bare name of one per-miner table: `miner_{minerId}_{kind}`.
 *
 * @throws DatabaseError `INVALID_ARGUMENT` for a bad `minerId` or kind
 */
export function minerTableName(minerId: number, kind: MinerTableKind): string {
  if (!MINER_TABLE_KINDS.includes(kind)) throw new DatabaseError('INVALID_ARGUMENT', `Unknown miner table kind ${describe(kind)}.`);
  return assertGeneratedName(`miner_${assertMinerId(minerId)}_${kind}`);
}

/**
 * The bare name of a per-miner index: `miner_{minerId}_{kind}_{purpose}`.
 *
 * @param purpose - a fixed word chosen by the library (lower-case letters and `_`)
 * @throws DatabaseError `INVALID_ARGUMENT` for a bad `minerId`, kind or purpose
 */
export function minerIndexName(minerId: number, kind: MinerTableKind, purpose: string): string {
  if (!/^[a-z_]+$/.test(purpose)) throw new DatabaseError('INVALID_ARGUMENT', `Bad index purpose ${describe(purpose)}.`);
  return assertGeneratedName(`${minerTableName(minerId, kind)}_${purpose}`);
}

/** The quoted names of one miner's tables, ready to splice into SQL text. */
export interface MinerTables {
  /** The miner these tables belong to. */
  readonly minerId: number;
  /** `"miner_{id}_positions"`: one row per stake. */
  readonly positions: string;
  /** `"miner_{id}_trades"`: one row per unstake. */
  readonly trades: string;
  /** `"miner_{id}_position_trades"`: one row per (position, trade) slice. */
  readonly positionTrades: string;
  /** `"miner_{id}_archived_positions"`. */
  readonly archivedPositions: string;
  /** `"miner_{id}_archived_trades"`. */
  readonly archivedTrades: string;
  /** `"miner_{id}_archived_position_trades"`. */
  readonly archivedPositionTrades: string;
}

/**
 * The quoted table names of one miner.
 *
 * @throws DatabaseError `INVALID_ARGUMENT` when `minerId` is not an integer ≥ 1
 */
export function minerTables(minerId: number): MinerTables {
  const quoted = (kind: MinerTableKind): string => quoteIdentifier(minerTableName(minerId, kind));
  return {
    minerId,
    positions: quoted('positions'),
    trades: quoted('trades'),
    positionTrades: quoted('position_trades'),
    archivedPositions: quoted('archived_positions'),
    archivedTrades: quoted('archived_trades'),
    archivedPositionTrades: quoted('archived_position_trades'),
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'bigint') return `${value}n`;
  return value === null ? 'null' : typeof value === 'number' ? String(value) : typeof value;
}
