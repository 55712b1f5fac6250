import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { blake2b } from '@noble/hashes/blake2.js';
import { assertSs58, decodeSs58, encodeSs58, isValidSs58 } from '../../src/features/miners/ss58.js';
import { isDatabaseError, type DatabaseError } from '../../src/api/database-error.js';

/** Alice (sr25519 //Alice) under the generic Substrate prefix 42. */
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_HEX = 'd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Vectors produced by other implementations (subkey / polkadot-js): address, prefix, key. */
const VECTORS: readonly [string, number, string][] = [
  [ALICE, 42, ALICE_HEX],
  ['15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5', 0, ALICE_HEX],
  ['HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F', 2, ALICE_HEX],
  ['5DA4D4GL5iakrn22h5uKoevgvo18Pqj5BcdEUv8etEDPdijA', 42, '3050f8456519829fe03302da802d22d3233a5f4037b9a3e2bcc403ccfcb2d735'],
  ['cLtA6nCDyvwKcEHH4QkZDSHMhS9s78BvUJUsKUbUAn1Jc2SCF', 65, '08e8969768fc14399930d4b8d693f68a2ff6c6a597325d6946095e5e9d9d1b0e'],
  ['yGF4JP7q5AK46d1FPCEm9sYQ4KooSjHMpyVAjLnsCSWVafPnf', 255, '66cd6cf085627d6c85af1aaf2bd10cf843033e929b4e3b1c2ba8e4aa46fe111b'],
  ['mHm8k9Emsvyfp3piCauSH684iA6NakctF8dySQcX94GDdrJrE', 4242, '44d5a3ac156335ea99d33a83c57c7146c40c8e2260a8a4adf4e7a86256454651'],
  ['r6Gr4gaMP8TsjhFbqvZhv3YvnasugLiRJpzpRHifsqqG18UXa', 14269, '88f01441682a17b52d6ae12d1a5670cf675fd254897efabaa5069eb3a701ab73'],
];

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** Independent reference: base58 of raw bytes, to build addresses the encoder refuses to make. */
function rawBase58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  for (; n > 0n; n /= 58n) out = ALPHABET.charAt(Number(n % 58n)) + out;
  const zeros = bytes.findIndex((b) => b !== 0);
  return '1'.repeat(zeros === -1 ? bytes.length : zeros) + out;
}

/** An address of arbitrary prefix bytes and payload with a correct checksum. */
function withChecksum(head: number[], payload: Uint8Array): string {
  const body = Uint8Array.from([...head, ...payload]);
  const sum = blake2b(Uint8Array.from([...new TextEncoder().encode('SS58PRE'), ...body])).subarray(0, 2);
  return rawBase58(Uint8Array.from([...body, ...sum]));
}

function rejection(value: unknown, field = 'hotkey'): DatabaseError {
  try {
    assertSs58(value, field);
  } catch (error) {
    if (isDatabaseError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${String(value).slice(0, 60)} to be rejected`);
}

describe('known vectors', () => {
  it.each(VECTORS)('%s decodes to prefix %i and the known key, and re-encodes identically', (address, prefix, hex) => {
    expect(isValidSs58(address)).toBe(true);
    expect(() => assertSs58(address, 'hotkey')).not.toThrow();
    const parts = decodeSs58(address);
    expect(parts.prefix).toBe(prefix);
    expect(toHex(parts.publicKey)).toBe(hex);
    expect(encodeSs58(fromHex(hex), prefix)).toBe(address);
  });

  it('encodes Alice with the default prefix 42', () => {
    expect(encodeSs58(fromHex(ALICE_HEX))).toBe(ALICE);
  });

  it('rejects a look-alike of Alice whose checksum is wrong', () => {
    // Circulates as "Alice's address" but is not: it fails the checksum.
    expect(rejection('5GrwvaF5zXF9fELsHm9o2DQ4B8Jeq1k6eLHq7S3P7oyEkqYf').message).toMatch(/bad checksum/);
  });

  it('rejects valid-checksum addresses of 33-byte (ECDSA) keys as a bad length', () => {
    expect(rejection('KWCv1L3QX9LDPwY4VzvLmarEmXjVJidUzZcinvVnmxAJJCBou').message).toMatch(/bad length \(decodes to 36 bytes; a 32-byte key needs 35\)/);
    expect(rejection('4pbsSkWcBaYoFHrKJZp5fDVUKbqSYD9dhZZGvpp3vQ5ysVs5ybV').message).toMatch(/bad length \(51 characters/);
  });
});

describe('round trips (derived vectors)', () => {
  it('encode → decode returns the key and prefix for any key and prefix', () => {
    fc.assert(
      fc.property(key32, fc.integer({ min: 1, max: 16_383 }), (key, prefix) => {
        const address = encodeSs58(key, prefix);
        if (prefix < 64) expect([47, 48]).toContain(address.length);
        else expect(address.length).toBe(49);
        expect(isValidSs58(address)).toBe(true);
        const parts = decodeSs58(address);
        expect(parts.prefix).toBe(prefix);
        expect(toHex(parts.publicKey)).toBe(toHex(key));
      }),
      { numRuns: 300 },
    );
  });

  it('every prefix-42 address is 48 characters starting with 5', () => {
    fc.assert(
      fc.property(key32, (key) => {
        expect(encodeSs58(key)).toMatch(/^5[1-9A-HJ-NP-Za-km-z]{47}$/);
      }),
      { numRuns: 300 },
    );
  });

  it('matches an independent reference encoding', () => {
    fc.assert(
      fc.property(key32, fc.integer({ min: 0, max: 63 }), (key, prefix) => {
        expect(encodeSs58(key, prefix)).toBe(withChecksum([prefix], key));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a prefix-0 address of a mostly-zero key, which falls below 46 characters', () => {
    const address = encodeSs58(new Uint8Array(32), 0);
    expect(address.length).toBeLessThan(46);
    expect(rejection(address).message).toMatch(/bad length/);
  });
});

describe('hostile and malformed input', () => {
  it.each([null, undefined, 42, 42n, {}, [ALICE], new String(ALICE)])('rejects the non-string %s', (value) => {
    expect(isValidSs58(value)).toBe(false);
    const error = rejection(value, 'coldkey');
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^coldkey is not a valid SS58 address: not a string/);
  });

  it.each([
    ['', /bad length \(0 characters/],
    ["'; DROP TABLE miners; --", /bad length/],
    [`${ALICE}' OR '1'='1`.slice(0, 50), /bad alphabet \(character 48 is "'"/],
    [`"${ALICE.slice(1)}`, /bad alphabet \(character 0 is "\\"", which is not base58\)/],
    [`${ALICE.slice(0, 20)}\u0000${ALICE.slice(21)}`, /character 20 is a control character/],
    [`${ALICE}\u0000`, /character 48 is a control character/],
    [` ${ALICE}`, /character 0 is whitespace/],
    [`${ALICE}\n`, /character 48 is a control character/],
    [`${ALICE.slice(0, 10)}\u00a0${ALICE.slice(11)}`, /character 10 is whitespace/],
    [`${ALICE.slice(0, 5)}0${ALICE.slice(6)}`, /character 5 is "0", which is not base58/],
    [`${ALICE.slice(0, 5)}\u0410${ALICE.slice(6)}`, /character 5 is "\u0410"/],
    [`${ALICE.slice(0, 47)}\u{1F600}`, /bad alphabet \(character 47/],
    ['1'.repeat(48), /bad length \(decodes to 48 bytes/],
    ['z'.repeat(50), /bad length \(decodes to 37 bytes/],
  ])('rejects %j', (value, reason) => {
    expect(isValidSs58(value)).toBe(false);
    const error = rejection(value);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^hotkey is not a valid SS58 address /);
    expect(error.message).toMatch(reason);
  });

  it('rejects a 10 KB string on its length, before decoding, and quotes at most 48 characters of it', () => {
    const huge = `${ALICE}${'A'.repeat(10_240)}`;
    const error = rejection(huge);
    expect(error.message).toMatch(/bad length \(10288 characters; expected 46\.\.50\)/);
    expect(error.message).toContain(`"${ALICE}"…`);
    expect(error.message.length).toBeLessThan(160);
  });

  it('rejects every single-character case flip of a valid address', () => {
    let flips = 0;
    for (let i = 0; i < ALICE.length; i += 1) {
      const ch = ALICE.charAt(i);
      const flipped = ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
      if (flipped === ch) continue;
      flips += 1;
      const variant = ALICE.slice(0, i) + flipped + ALICE.slice(i + 1);
      expect(rejection(variant).message).toMatch(ALPHABET.includes(flipped) ? /bad (checksum|prefix|length)/ : /bad alphabet/);
    }
    expect(flips).toBeGreaterThan(30);
    expect(isValidSs58(ALICE.toUpperCase())).toBe(false);
    expect(isValidSs58(ALICE.toLowerCase())).toBe(false);
  });

  it('rejects every single-character substitution of a valid address', () => {
    for (let i = 0; i < ALICE.length; i += 1) {
      for (const ch of ALPHABET) {
        if (ch === ALICE.charAt(i)) continue;
        expect(isValidSs58(ALICE.slice(0, i) + ch + ALICE.slice(i + 1))).toBe(false);
      }
    }
  });

  it('reports a changed last character as a bad checksum', () => {
    const last = ALICE.charAt(ALICE.length - 1);
    const variant = ALICE.slice(0, -1) + (last === 'Y' ? 'Z' : 'Y');
    expect(rejection(variant).message).toMatch(/: bad checksum$/);
  });

  it('rejects a checksum-correct two-byte encoding of a one-byte prefix', () => {
    const prefix = 42;
    const head = [((prefix & 0b1111_1100) >> 2) | 0b0100_0000, (prefix >> 8) | ((prefix & 0b11) << 6)];
    const address = withChecksum(head, fromHex(ALICE_HEX));
    expect(rejection(address).message).toMatch(/bad prefix \(two-byte form of network 42/);
  });

  it('rejects a checksum-correct address with a reserved first byte', () => {
    expect(rejection(withChecksum([200, 1], fromHex(ALICE_HEX))).message).toMatch(/bad prefix \(first byte 200 is reserved\)/);
  });
});

describe('encodeSs58 arguments', () => {
  it.each([
    [31, 42],
    [33, 42],
    [32, -1],
    [32, 16_384],
    [32, 1.5],
  ])('rejects a %i-byte key with prefix %d', (length, prefix) => {
    let thrown: unknown;
    try {
      encodeSs58(new Uint8Array(length), prefix);
    } catch (error) {
      thrown = error;
    }
    expect(isDatabaseError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
  });

  it('accepts the largest prefix, 16383', () => {
    const address = encodeSs58(fromHex(ALICE_HEX), 16_383);
    expect(decodeSs58(address).prefix).toBe(16_383);
  });
});
