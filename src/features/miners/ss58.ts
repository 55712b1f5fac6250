/**
 * SS58 addresses (Substrate / Bittensor hotkeys and coldkeys): validation, decoding, encoding.
 *
 * An address is the base58 (Bitcoin alphabet) encoding of `prefix ‖ publicKey ‖ checksum`, where
 * the prefix is one byte (network id < 64) or two bytes (64 ≤ id ≤ 16383), the public key is
 * 32 bytes, and the checksum is the first two bytes of
 * `blake2b-512("SS58PRE" ‖ prefix ‖ publicKey)`.
 *
 * Only 32-byte account keys are accepted: hotkeys and coldkeys are sr25519/ed25519 keys.
 * Validation does bounded work for hostile input: the length (46..50 characters) and the
 * alphabet are checked before anything is decoded or hashed. Every prefix-42 address is 48
 * characters and every two-byte-prefix address 49; only a prefix-0 address whose key starts
 * with four or more zero bytes could be shorter than 46, and such an address is rejected.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { DatabaseError } from '../../api/database-error.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const MIN_CHARS = 46;
const MAX_CHARS = 50;
const KEY_BYTES = 32;
const CHECKSUM_BYTES = 2;
const MAX_PREFIX = 16_383;
/** The ASCII bytes of "SS58PRE", the checksum preimage's fixed head. */
const SS58_PRE = new Uint8Array([0x53, 0x53, 0x35, 0x38, 0x50, 0x52, 0x45]);
/** Longest slice of a rejected input quoted back in an error message. */
const ECHO_CHARS = 48;

/** A decoded SS58 address. */
export interface Ss58Parts {
  /** The network identifier (42 is the generic Substrate prefix Bittensor uses). */
  prefix: number;
  /** The 32-byte public key. */
  publicKey: Uint8Array;
}

type Decoded = { ok: true; parts: Ss58Parts } | { ok: false; reason: string };

function base58Decode(text: string): Uint8Array {
  let value = 0n;
  let zeros = 0;
  for (const ch of text) {
    if (value === 0n && ch === '1') zeros += 1;
    value = value * 58n + BigInt(ALPHABET.indexOf(ch));
  }
  const hex = value === 0n ? '' : value.toString(16);
  const digits = hex.length % 2 === 0 ? hex : `0${hex}`;
  const out = new Uint8Array(zeros + digits.length / 2);
  for (let i = 0; i < digits.length / 2; i += 1) {
    out[zeros + i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

function base58Encode(bytes: Uint8Array): string {
  let value = 0n;
  let zeros = 0;
  for (const byte of bytes) {
    if (value === 0n && byte === 0) zeros += 1;
    value = (value << 8n) | BigInt(byte);
  }
  let text = '';
  while (value > 0n) {
    text = ALPHABET.charAt(Number(value % 58n)) + text;
    value /= 58n;
  }
  return '1'.repeat(zeros) + text;
}

function prefixBytes(prefix: number): Uint8Array {
  return prefix < 64 ? new Uint8Array([prefix]) : new Uint8Array([((prefix & 0b1111_1100) >> 2) | 0b0100_0000, (prefix >> 8) | ((prefix & 0b11) << 6)]);
}

function checksum(prefix: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const preimage = new Uint8Array(SS58_PRE.length + prefix.length + publicKey.length);
  preimage.set(SS58_PRE, 0);
  preimage.set(prefix, SS58_PRE.length);
  preimage.set(publicKey, SS58_PRE.length + prefix.length);
  return blake2b(preimage).subarray(0, CHECKSUM_BYTES);
}

function describeChar(code: number): string {
  const ch = String.fromCharCode(code);
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 'a control character';
  if (/\s/u.test(ch)) return 'whitespace';
  return `${JSON.stringify(ch)}, which is not base58`;
}

function decode(address: unknown): Decoded {
  if (typeof address !== 'string') {
    return { ok: false, reason: `not a string (got ${address === null ? 'null' : typeof address})` };
  }
  if (address.length < MIN_CHARS || address.length > MAX_CHARS) {
    return { ok: false, reason: `bad length (${address.length} characters; expected ${MIN_CHARS}..${MAX_CHARS})` };
  }
  for (let i = 0; i < address.length; i += 1) {
    if (!ALPHABET.includes(address.charAt(i))) {
      return { ok: false, reason: `bad alphabet (character ${i} is ${describeChar(address.charCodeAt(i))})` };
    }
  }
  const bytes = base58Decode(address);
  const first = bytes[0] ?? 0;
  if (first >= 128) return { ok: false, reason: `bad prefix (first byte ${first} is reserved)` };
  const prefixLength = first < 64 ? 1 : 2;
  const expected = prefixLength + KEY_BYTES + CHECKSUM_BYTES;
  if (bytes.length !== expected) {
    return { ok: false, reason: `bad length (decodes to ${bytes.length} bytes; a ${KEY_BYTES}-byte key needs ${expected})` };
  }
  const second = bytes[1] ?? 0;
  const prefix = prefixLength === 1 ? first : ((first & 0b0011_1111) << 2) | (second >> 6) | ((second & 0b0011_1111) << 8);
  if (prefixLength === 2 && prefix < 64) {
    return { ok: false, reason: `bad prefix (two-byte form of network ${prefix}, which must use one byte)` };
  }
  const publicKey = bytes.slice(prefixLength, prefixLength + KEY_BYTES);
  const expectedSum = checksum(bytes.subarray(0, prefixLength), publicKey);
  const actualSum = bytes.subarray(prefixLength + KEY_BYTES);
  if (expectedSum.some((byte, i) => byte !== actualSum[i])) return { ok: false, reason: 'bad checksum' };
  return { ok: true, parts: { prefix, publicKey } };
}

function invalid(field: string, address: unknown, reason: string): DatabaseError {
  const quoted = typeof address === 'string' ? ` ${JSON.stringify(address.slice(0, ECHO_CHARS))}${address.length > ECHO_CHARS ? '…' : ''}` : '';
  return new DatabaseError('INVALID_ARGUMENT', `${field} is not a valid SS58 address${quoted}: ${reason}`);
}

/**
 * True when `address` is a well-formed SS58 address of a 32-byte public key (any network
 * prefix) with a correct checksum. Never throws.
 */
export function isValidSs58(address: unknown): boolean {
  return decode(address).ok;
}

/**
 * Checks that `address` is a valid SS58 address (see {@link isValidSs58}).
 *
 * @param address - the value to check
 * @param field - the argument's name, used in the error message (e.g. `'hotkey'`)
 * @throws DatabaseError `INVALID_ARGUMENT` naming `field` and the reason: not a string, bad
 *   length, bad alphabet (including whitespace and control characters), bad prefix or bad
 *   checksum. At most 48 characters of the input are quoted.
 */
export function assertSs58(address: unknown, field: string): asserts address is string {
  const result = decode(address);
  if (!result.ok) throw invalid(field, address, result.reason);
}

/**
 * Decodes an SS58 address into its network prefix and 32-byte public key.
 *
 * @param address - the address
 * @param field - the argument's name, used in the error message
 * @throws DatabaseError `INVALID_ARGUMENT` when the address is invalid (as {@link assertSs58}).
 */
export function decodeSs58(address: unknown, field = 'address'): Ss58Parts {
  const result = decode(address);
  if (!result.ok) throw invalid(field, address, result.reason);
  return result.parts;
}

/**
 * Encodes a 32-byte public key as an SS58 address.
 *
 * @param publicKey - the 32-byte public key
 * @param prefix - the network identifier, 0..16383 (default 42, generic Substrate / Bittensor)
 * @throws DatabaseError `INVALID_ARGUMENT` when the key is not 32 bytes or the prefix is out of range.
 */
export function encodeSs58(publicKey: Uint8Array, prefix = 42): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== KEY_BYTES) {
    throw new DatabaseError('INVALID_ARGUMENT', `publicKey must be a ${KEY_BYTES}-byte Uint8Array`);
  }
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > MAX_PREFIX) {
    throw new DatabaseError('INVALID_ARGUMENT', `SS58 prefix must be an integer in 0..${MAX_PREFIX}, got ${String(prefix)}`);
  }
  const head = prefixBytes(prefix);
  const bytes = new Uint8Array(head.length + KEY_BYTES + CHECKSUM_BYTES);
  bytes.set(head, 0);
  bytes.set(publicKey, head.length);
  bytes.set(checksum(head, publicKey), head.length + KEY_BYTES);
  return base58Encode(bytes);
}
