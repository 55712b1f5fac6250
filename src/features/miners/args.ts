/**
 * Shape checks for miner arguments. Procedure arguments cross a message boundary, so the worker
 * checks every field again here, whatever the main side already did.
 */
import { DatabaseError } from '../../api/database-error.js';
import type { MinerStatus, PositionStatus } from './types.js';

const INT64_MAX = 2n ** 63n - 1n;
const MAX_EXTRINSIC_CHARS = 256;
const MAX_TEXT_CHARS = 1_000;

/** The miner statuses, in a stable order. */
export const MINER_STATUSES: readonly MinerStatus[] = ['active', 'inactive', 'blacklisted'];

/** The position statuses, in a stable order. */
export const POSITION_STATUSES: readonly PositionStatus[] = ['open', 'partial', 'closed'];

function invalid(message: string): DatabaseError {
  return new DatabaseError('INVALID_ARGUMENT', message);
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof Date) return 'a Date';
  return value === null ? 'null' : typeof value === 'number' ? String(value) : typeof value;
}

/**
 * The plain object `value`.
 * @throws DatabaseError `INVALID_ARGUMENT` when it is not a non-null object
 */
export function objectArg(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${name} must be an object.`);
  return value as Record<string, unknown>;
}

/**
 * An integer in `min..max`.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function intArg(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer in ${min}..${max}, got ${show(value)}.`);
  }
  return value;
}

/**
 * A positive amount in rao: a `bigint` in 1..2^63−1.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise (numbers are refused: amounts are exact)
 */
export function raoArg(value: unknown, name: string): bigint {
  if (typeof value !== 'bigint' || value <= 0n || value > INT64_MAX) {
    throw invalid(`${name} must be a bigint amount of rao in 1..2^63-1, got ${show(value)}.`);
  }
  return value;
}

/**
 * Epoch milliseconds from a `Date` or a number: a safe integer ≥ 0.
 * @throws DatabaseError `INVALID_ARGUMENT` for an invalid date, a fraction, a negative or unsafe number
 */
export function epochMsArg(value: unknown, name: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
    throw invalid(`${name} must be a valid Date or integer epoch milliseconds >= 0, got ${show(value)}.`);
  }
  return ms;
}

/** A UTF-16 surrogate without its other half: SQLite stores it as U+FFFD, so two such strings could become one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An extrinsic id: a non-empty, well-formed string (no lone surrogate) of at most 256 characters.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function extrinsicIdArg(value: unknown, name = 'extrinsicId'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_EXTRINSIC_CHARS) {
    throw invalid(`${name} must be a non-empty string of at most ${MAX_EXTRINSIC_CHARS} characters, got ${show(value)}.`);
  }
  assertWellFormed(value, name);
  return value;
}

/**
 * Refuses a string with a lone surrogate: stored as UTF-8 it would turn into U+FFFD, and two
 * different ids into the same one.
 * @throws DatabaseError `INVALID_ARGUMENT`
 */
function assertWellFormed(value: string, name: string): void {
  if (LONE_SURROGATE.test(value)) {
    throw invalid(`${name} holds a lone UTF-16 surrogate (half of a character), which cannot be stored faithfully; pass well-formed text.`);
  }
}

/**
 * An optional free text (a reason, an actor): undefined/null, or a string of at most 1000 characters.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function optionalTextArg(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_TEXT_CHARS) {
    throw invalid(`${name} must be a string of at most ${MAX_TEXT_CHARS} characters, got ${show(value)}.`);
  }
  assertWellFormed(value, name);
  return value;
}

/**
 * A miner status.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function minerStatusArg(value: unknown, name = 'status'): MinerStatus {
  if (!MINER_STATUSES.includes(value as MinerStatus)) {
    throw invalid(`${name} must be one of ${MINER_STATUSES.join(', ')}, got ${show(value)}.`);
  }
  return value as MinerStatus;
}

/**
 * A position status.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function positionStatusArg(value: unknown, name = 'status'): PositionStatus {
  if (!POSITION_STATUSES.includes(value as PositionStatus)) {
    throw invalid(`${name} must be one of ${POSITION_STATUSES.join(', ')}, got ${show(value)}.`);
  }
  return value as PositionStatus;
}

/**
 * A finite number (weights, factors) in `min..max`.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function finiteArg(value: unknown, name: string, min: number, max = Number.MAX_VALUE): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`${name} must be a finite number in ${min}..${max}, got ${show(value)}.`);
  }
  return value;
}

/** A ledger event after its shape was checked; the timestamp is epoch ms. */
export interface LedgerEventArgs {
  readonly minerId: number;
  readonly netuid: number;
  readonly block: number;
  readonly timestamp: number;
  readonly tao: bigint;
  readonly alpha: bigint;
  readonly extrinsicId: string;
}

/**
 * Checks a stake or unstake: miner id, netuid (0..65535), block (≥ 0), timestamp, TAO and alpha
 * (bigint rao > 0) and extrinsic id.
 * @throws DatabaseError `INVALID_ARGUMENT` naming the first bad field
 */
export function ledgerEventArgs(value: unknown): LedgerEventArgs {
  const args = objectArg(value, 'event');
  return {
    minerId: intArg(args.minerId, 'minerId', 1),
    netuid: intArg(args.netuid, 'netuid', 0, 65_535),
    block: intArg(args.block, 'block', 0),
    timestamp: epochMsArg(args.timestamp, 'timestamp'),
    tao: raoArg(args.tao, 'tao'),
    alpha: raoArg(args.alpha, 'alpha'),
    extrinsicId: extrinsicIdArg(args.extrinsicId),
  };
}
