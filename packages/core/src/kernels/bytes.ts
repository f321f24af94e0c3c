/** Element conversions behind reading and writing tensors as bytes (safetensors, ONNX raw data). */

/** True on little-endian hosts (all common ones), where typed arrays already hold file order. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `width`-byte element of `bytes`, in place. */
export function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

const F16_EXP = 0x7c00;
const F16_FRAC = 0x03ff;

/**
 * IEEE 754 half-precision bit patterns to float32 values, exactly (every half is a float32):
 * subnormals scale by 2^−24, an all-ones exponent gives ±Infinity or NaN.
 */
export function float16ToFloat32(src: Uint16Array, dst: Float32Array): void {
  for (let i = 0; i < src.length; i++) {
    const h = src[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h & F16_EXP) >> 10;
    const frac = h & F16_FRAC;
    if (exp === 0) dst[i] = sign * frac * 2 ** -24;
    else if (exp === 0x1f) dst[i] = frac === 0 ? sign * Infinity : Number.NaN;
    else dst[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
}

/** bfloat16 bit patterns (the high 16 bits of a float32) to float32 values, exactly. */
export function bfloat16ToFloat32(src: Uint16Array, dst: Float32Array): void {
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
}

/**
 * int64 values, given as (low, high) int32 word pairs in host order, to int32. Returns the index
 * of the first value outside the int32 range (nothing after it is converted), or −1.
 */
export function int64ToInt32(words: Int32Array, dst: Int32Array): number {
  const lo = HOST_LITTLE_ENDIAN ? 0 : 1;
  for (let i = 0; i < dst.length; i++) {
    const low = words[2 * i + lo]!;
    // In range exactly when the high word is the sign extension of the low word.
    if (words[2 * i + 1 - lo]! !== low >> 31) return i;
    dst[i] = low;
  }
  return -1;
}
