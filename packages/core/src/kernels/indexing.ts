/**
 * Index kernels. Shape ops (permute, expand, slice, gather, …) are expressed as "take these flat
 * positions" and their gradients as "scatter-add back to those positions"; these build the
 * position tables and move the data.
 */
type Arr = Float32Array | Float64Array | Int32Array;

/** `out[i] = x[index[i]]`. */
export function take(x: Arr, index: Int32Array, out: Arr): void {
  for (let i = 0; i < index.length; i++) out[i] = x[index[i]!]!;
}

/** `out[index[i]] += g[i]` (out must be zeroed by the caller); repeated positions accumulate. */
export function scatterAdd(g: Arr, index: Int32Array, out: Arr): void {
  for (let i = 0; i < index.length; i++) {
    const at = index[i]!;
    out[at] = out[at]! + g[i]!;
  }
}

/**
 * Flat source positions of a strided walk: output element with multi-index `(i0, i1, …)` reads
 * source position `offset + Σ i_d · strides[d]`.
 */
export function stridedIndex(
  outShape: readonly number[],
  strides: readonly number[],
  offset: number,
): Int32Array {
  let size = 1;
  for (const d of outShape) size *= d;
  const index = new Int32Array(size);
  const rank = outShape.length;
  const counter = new Array<number>(rank).fill(0);
  let pos = offset;
  for (let i = 0; i < size; i++) {
    index[i] = pos;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      pos += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      pos -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  return index;
}

/**
 * Positions for `gather(axis, index)`: output element at multi-index `i` (the index tensor's
 * shape) reads `x` at `i` with axis `axis` replaced by `index[i]`. Returns -1-based failure info
 * through `bad` (first offending value) instead of throwing, so callers can word the error.
 */
export function gatherIndex(
  xShape: readonly number[],
  index: Int32Array,
  indexShape: readonly number[],
  axis: number,
): { positions: Int32Array; bad: number | undefined } {
  const rank = indexShape.length;
  const xStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    xStrides[d] = s;
    s *= xShape[d]!;
  }
  const positions = new Int32Array(index.length);
  const counter = new Array<number>(rank).fill(0);
  const size = xShape[axis]!;
  for (let i = 0; i < index.length; i++) {
    let v = index[i]!;
    if (v < -size || v >= size) return { positions, bad: v };
    if (v < 0) v += size;
    let pos = 0;
    for (let d = 0; d < rank; d++) pos += (d === axis ? v : counter[d]!) * xStrides[d]!;
    positions[i] = pos;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      if (counter[d]! < indexShape[d]!) break;
      counter[d] = 0;
    }
  }
  return { positions, bad: undefined };
}

/** Copies `x` (shape `xShape`) broadcast into `out` (shape `outShape`). */
export function broadcastTo(x: Arr, xShape: readonly number[], out: Arr, outShape: readonly number[]): void {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = 1; i <= xShape.length; i++) {
    const d = xShape[xShape.length - i]!;
    strides[rank - i] = d === 1 ? 0 : s;
    s *= d;
  }
  if (out.length === 0) return;
  if (x.length === 1) {
    out.fill(x[0]!);
    return;
  }
  const inner = outShape[rank - 1]!;
  const si = strides[rank - 1]!;
  const rows = out.length / inner;
  const counter = new Array<number>(rank).fill(0);
  let xo = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * inner;
    if (si === 1) for (let j = 0; j < inner; j++) out[o + j] = x[xo + j]!;
    else out.fill(x[xo]!, o, o + inner);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      xo += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      xo -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}

/** Positions for `indexSelect`: a tensor viewed as `[outer, n, inner]`, slices `index` of the middle axis. */
export function indexSelectPositions(outer: number, n: number, inner: number, index: Int32Array): Int32Array {
  const k = index.length;
  const positions = new Int32Array(outer * k * inner);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const base = (o * n + index[j]!) * inner;
      for (let i = 0; i < inner; i++) positions[p++] = base + i;
    }
  }
  return positions;
}

/**
 * `indexSelect`'s forward without a position table: `x` viewed as `[outer, n, inner]`, copies
 * the `inner`-long blocks `index` of the middle axis into `out` (`[outer, k, inner]`). Block
 * copies run at memory speed, which matters when a data loader assembles batches of images.
 */
export function takeBlocks(
  x: Arr,
  outer: number,
  n: number,
  inner: number,
  index: Int32Array,
  out: Arr,
): void {
  const k = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * n + index[j]!) * inner;
      out.set(x.subarray(from, from + inner), (o * k + j) * inner);
    }
  }
}

/** `out[i] = x[i]` converting element types (int32 truncates toward zero). */
export function convert(x: Arr, out: Arr): void {
  if (out instanceof Int32Array) for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]!);
  else out.set(x);
}

/**
 * `out[i] = x[offset + Σ_d i_d · strides[d]]` over the multi-indices of `outShape`: a permuted or
 * sliced copy without building a position table.
 */
export function stridedCopy(
  x: Arr,
  out: Arr,
  outShape: readonly number[],
  strides: readonly number[],
  offset: number,
): void {
  const rank = outShape.length;
  const size = out.length;
  if (size === 0) return;
  if (rank === 0) {
    out[0] = x[offset]!;
    return;
  }
  const inner = outShape[rank - 1]!;
  const si = strides[rank - 1]!;
  const counter = new Array<number>(rank).fill(0);
  let pos = offset;
  for (let o = 0; o < size; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = x[pos + j * si]!;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      pos += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      pos -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}
