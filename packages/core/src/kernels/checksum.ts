/** CRC-32 (IEEE 802.3, the checksum of zip, gzip and PNG) over bytes, resumable across chunks. */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 of `bytes`, continuing from `previous` (the CRC of the bytes before them, 0 for a
 * start): `crc32(b, crc32(a))` equals the CRC of `a` followed by `b`. Detects every single-bit
 * error, every burst up to 32 bits, and all but one in 2^32 random corruptions.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
