// CRC-32/ISO-HDLC (the CRC of Ethernet, zlib and PNG): polynomial 0x04C11DB7 reflected (0xEDB88320),
// init 0xFFFFFFFF, reflected in and out, final XOR 0xFFFFFFFF. Check value: crc32("123456789") = 0xCBF43926.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC of the UTF-16 code units of an ASCII string (the protocol is ASCII: one unit = one byte). */
export function crc32Ascii(text: string, end = text.length): number {
  let c = 0xffffffff;
  for (let i = 0; i < end; i++) c = (TABLE[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function crc32Bytes(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function crcHex(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(8, '0');
}
