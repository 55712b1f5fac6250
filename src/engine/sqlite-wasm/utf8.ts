/** UTF-8 between JS strings and wasm memory, with ASCII fast paths for short strings. */

const decoder = new TextDecoder();

/** Strings up to this length take the ASCII fast paths (no TextEncoder/TextDecoder call). */
export const SHORT_TEXT = 64;

/** Writes an ASCII string byte by byte; returns its length, or -1 if it is not pure ASCII. */
export function encodeShort(text: string, heap: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return -1;
    heap[at + i] = c;
  }
  return text.length;
}

/** Decodes UTF-8 from wasm memory, building short ASCII strings directly. */
export function decodeUtf8(heap: Uint8Array, ptr: number, n: number): string {
  if (n === 0) return '';
  if (n <= SHORT_TEXT) {
    let ascii = '';
    for (let i = 0; i < n; i++) {
      const c = heap[ptr + i] as number;
      if (c > 0x7f) return decoder.decode(heap.subarray(ptr, ptr + n));
      ascii += String.fromCharCode(c);
    }
    return ascii;
  }
  return decoder.decode(heap.subarray(ptr, ptr + n));
}
