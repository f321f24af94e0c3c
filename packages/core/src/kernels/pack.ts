/**
 * Packs a `rows × k` operand (element `(r, p)` at `src[off + r·rowStride + p·colStride]`) into
 * panels `width` rows wide, `dst[at + (r/width)·width·k + width·p + r%width]`, zero-padding the
 * last panel. A matmul micro-kernel then reads `width` values of one column contiguously,
 * whatever the operand's layout or transpose flag.
 */
export function packPanels(
  src: Float32Array | Float64Array,
  off: number,
  rows: number,
  k: number,
  rowStride: number,
  colStride: number,
  width: number,
  dst: Float32Array | Float64Array,
  at: number,
): void {
  const panels = Math.ceil(rows / width);
  for (let q = 0; q < panels; q++) {
    const base = at + q * k * width;
    for (let r = 0; r < width; r++) {
      const row = q * width + r;
      if (row >= rows) {
        for (let p = 0; p < k; p++) dst[base + p * width + r] = 0;
        continue;
      }
      const s = off + row * rowStride;
      for (let p = 0; p < k; p++) dst[base + p * width + r] = src[s + p * colStride]!;
    }
  }
}
