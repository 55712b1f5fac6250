/**
 * FNV-1a, 64-bit, over the UTF-8 bytes of a string.
 *
 * Computed with four 16-bit limbs in plain numbers, so it is exact, fast and identical in every
 * JavaScript engine (no BigInt in the loop, no platform hashing API).
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * The 64-bit FNV-1a hash of `text`'s UTF-8 encoding as 16 lower-case hex digits.
 *
 * Lone surrogates encode as U+FFFD, as `TextEncoder` does everywhere.
 *
 * @example
 * ```ts
 * fnv1a64('');       // 'cbf29ce484222325'
 * fnv1a64('foobar'); // '85944171f73967e8'
 * ```
 */
export function fnv1a64(text: string): string {
  const bytes = encoder.encode(text);
  // Offset basis 0xcbf29ce484222325, least significant limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i] ?? 0;
    // Multiply by the FNV prime 2^40 + 0x1b3: h·0x1b3 plus h shifted left by 40 bits.
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(limb: number): string {
  return limb.toString(16).padStart(4, '0');
}
