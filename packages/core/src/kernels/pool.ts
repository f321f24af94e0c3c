/**
 * Average pooling over NCHW planes with arbitrary rectangular windows: output cell (i, j) averages
 * input rows [rowStart[i], rowEnd[i]) × columns [colStart[j], colEnd[j]), divided by its divisor.
 * Plain, padded and adaptive average pooling are all such windows.
 */
type Arr = Float32Array | Float64Array;

/** The windows of one pooling: per output row and column, and a divisor per output cell. */
export interface AvgWindows {
  h: number;
  w: number;
  rowStart: Int32Array;
  rowEnd: Int32Array;
  colStart: Int32Array;
  colEnd: Int32Array;
  /** `[OH·OW]`: what each window's sum is divided by. */
  divisor: Float64Array;
}

/** `out[p, i, j] = Σ_window x[p] / divisor[i, j]` for each of `planes` planes. */
export function avgPool(x: Arr, planes: number, win: AvgWindows, out: Arr): void {
  const { h, w, rowStart, rowEnd, colStart, colEnd, divisor } = win;
  const oh = rowStart.length;
  const ow = colStart.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        let s = 0;
        for (let y = rowStart[i]!; y < rowEnd[i]!; y++) {
          const row = base + y * w;
          for (let xx = colStart[j]!; xx < colEnd[j]!; xx++) s += x[row + xx]!;
        }
        out[o] = s / divisor[i * ow + j]!;
      }
    }
  }
}

/** The adjoint of {@link avgPool}: each `g[p, i, j] / divisor` is added over its window into `dx`. */
export function avgPoolBackward(g: Arr, planes: number, win: AvgWindows, dx: Arr): void {
  const { h, w, rowStart, rowEnd, colStart, colEnd, divisor } = win;
  const oh = rowStart.length;
  const ow = colStart.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        const share = g[o]! / divisor[i * ow + j]!;
        for (let y = rowStart[i]!; y < rowEnd[i]!; y++) {
          const row = base + y * w;
          for (let xx = colStart[j]!; xx < colEnd[j]!; xx++) dx[row + xx] = dx[row + xx]! + share;
        }
      }
    }
  }
}

/**
 * Windows of a strided, zero-padded pooling along one axis of size `n`: window `i` covers
 * `[i·stride − pad, i·stride − pad + k)`, clipped to the input. Returns the clipped bounds.
 */
export function slidingWindows(n: number, k: number, stride: number, pad: number, count: number) {
  const start = new Int32Array(count);
  const end = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const s = i * stride - pad;
    start[i] = Math.max(0, s);
    end[i] = Math.min(n, s + k);
  }
  return { start, end };
}

/** PyTorch's adaptive windows along an axis of size `n`: `[⌊i·n/out⌋, ⌈(i+1)·n/out⌉)`. */
export function adaptiveWindows(n: number, out: number) {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    start[i] = Math.floor((i * n) / out);
    end[i] = Math.ceil(((i + 1) * n) / out);
  }
  return { start, end };
}

/** Divisors from the clipped window sizes: rows × columns actually inside the input. */
export function windowAreas(
  rowStart: Int32Array,
  rowEnd: Int32Array,
  colStart: Int32Array,
  colEnd: Int32Array,
) {
  const oh = rowStart.length;
  const ow = colStart.length;
  const out = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) out[i * ow + j] = (rowEnd[i]! - rowStart[i]!) * (colEnd[j]! - colStart[j]!);
  }
  return out;
}
