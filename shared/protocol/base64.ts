// RFC 4648 base64 (standard alphabet, with padding), for bulk data on the wire. Written here
// because shared/ has neither Node's Buffer nor the DOM's atob.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
    if (out.length >= 4096) {
      parts.push(out);
      out = '';
    }
  }
  if (i < n) {
    const v = ((bytes[i] as number) << 16) | (i + 1 < n ? (bytes[i + 1] as number) << 8 : 0);
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + (i + 1 < n ? ALPHABET[(v >>> 6) & 63]! : '=') + '=';
  }
  parts.push(out);
  return parts.join('');
}

/** Decoded bytes, or null when the text is not canonical padded base64 (one encoding per byte string). */
export function decodeBase64(text: string): Uint8Array | null {
  const len = text.length;
  if (len % 4 !== 0) return null;
  const pad = len === 0 ? 0 : text.charCodeAt(len - 1) === 61 ? (text.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  const out = new Uint8Array((len / 4) * 3 - pad);
  const full = len - (pad > 0 ? 4 : 0);
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (pad > 0) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    const c = pad === 1 ? sextet(text, full + 2) : 0;
    if ((a | b | c) < 0) return null;
    // canonical: the bits beyond the last byte are zero
    if (pad === 2 ? (b & 15) !== 0 : (c & 3) !== 0) return null;
    out[o++] = (a << 2) | (b >>> 4);
    if (pad === 1) out[o++] = ((b & 15) << 4) | (c >>> 2);
  }
  return out;
}

/** The 6-bit value of a base64 character, or -1. */
function sextet(text: string, i: number): number {
  const ch = text.charCodeAt(i);
  return ch < 128 ? (DECODE[ch] as number) : -1;
}
