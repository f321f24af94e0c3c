/** Elementwise binary kernels with NumPy broadcasting, over typed arrays. */
/** Elementwise binary ops; the `*Grad` ones are fused backward rules taking (gradient, saved value). */
export type BinaryOp =
  | 'sigmoidGrad'
  | 'tanhGrad'
  | 'reluGrad'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'gt'
  | 'lt'
  | 'ge'
  | 'le';

type Arr = Float32Array | Float64Array | Int32Array;

/**
 * Strides of `shape` inside a broadcast `outShape`: a broadcast (size-1 or missing) axis gets
 * stride 0, so walking the output walks each input without materializing it.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = 1; i <= shape.length; i++) {
    const d = shape[shape.length - i]!;
    strides[rank - i] = d === 1 ? 0 : s;
    s *= d;
  }
  return strides;
}

/**
 * `out = a OP b` broadcast to `outShape`. The output is walked row by row (the last axis); each
 * row is one tight loop with the inputs' strides (0 or 1 per operand in the innermost axis).
 */
export function binary(
  op: BinaryOp,
  a: Arr,
  aShape: readonly number[],
  b: Arr,
  bShape: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n) return row(op, a, 0, 1, b, 0, 1, out, 0, n);
  if (b.length === 1 && a.length === n) return row(op, a, 0, 1, b, 0, 0, out, 0, n);
  if (a.length === 1 && b.length === n) return row(op, a, 0, 0, b, 0, 1, out, 0, n);
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1]!;
  const rows = n / inner;
  const counter = new Array<number>(rank).fill(0);
  let ao = 0;
  let bo = 0;
  for (let r = 0; r < rows; r++) {
    row(op, a, ao, sa[rank - 1]!, b, bo, sb[rank - 1]!, out, r * inner, inner);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      ao += sa[d]!;
      bo += sb[d]!;
      if (counter[d]! < outShape[d]!) break;
      ao -= sa[d]! * outShape[d]!;
      bo -= sb[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}

function row(
  op: BinaryOp,
  a: Arr,
  ai: number,
  sa: number,
  b: Arr,
  bi: number,
  sb: number,
  out: Arr,
  o: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! + b[bi + j * sb]!;
      return;
    case 'sigmoidGrad': // a = g, b = σ
      for (let j = 0; j < n; j++) {
        const s = b[bi + j * sb]!;
        out[o + j] = a[ai + j * sa]! * s * (1 - s);
      }
      return;
    case 'tanhGrad': // a = g, b = tanh
      for (let j = 0; j < n; j++) {
        const t = b[bi + j * sb]!;
        out[o + j] = a[ai + j * sa]! * (1 - t * t);
      }
      return;
    case 'reluGrad': // a = g, b = x
      for (let j = 0; j < n; j++) out[o + j] = b[bi + j * sb]! > 0 ? a[ai + j * sa]! : 0;
      return;
    case 'sub':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! - b[bi + j * sb]!;
      return;
    case 'mul':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! * b[bi + j * sb]!;
      return;
    case 'div':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! / b[bi + j * sb]!;
      return;
    case 'pow':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! ** b[bi + j * sb]!;
      return;
    case 'maximum':
      for (let j = 0; j < n; j++) {
        const x = a[ai + j * sa]!;
        const y = b[bi + j * sb]!;
        out[o + j] = x > y ? x : y;
      }
      return;
    case 'minimum':
      for (let j = 0; j < n; j++) {
        const x = a[ai + j * sa]!;
        const y = b[bi + j * sb]!;
        out[o + j] = x < y ? x : y;
      }
      return;
    case 'eq':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! === b[bi + j * sb]! ? 1 : 0;
      return;
    case 'gt':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! > b[bi + j * sb]! ? 1 : 0;
      return;
    case 'lt':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! < b[bi + j * sb]! ? 1 : 0;
      return;
    case 'ge':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! >= b[bi + j * sb]! ? 1 : 0;
      return;
    case 'le':
      for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! <= b[bi + j * sb]! ? 1 : 0;
      return;
  }
}

/** `out = cond ? a : b`, all three broadcast to `outShape` (cond nonzero means true). */
export function where(
  cond: Arr,
  cShape: readonly number[],
  a: Arr,
  aShape: readonly number[],
  b: Arr,
  bShape: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  const rank = outShape.length;
  const sc = broadcastStrides(cShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const counter = new Array<number>(rank).fill(0);
  let co = 0;
  let ao = 0;
  let bo = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = cond[co] !== 0 ? a[ao]! : b[bo]!;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      co += sc[d]!;
      ao += sa[d]!;
      bo += sb[d]!;
      if (counter[d]! < outShape[d]!) break;
      co -= sc[d]! * outShape[d]!;
      ao -= sa[d]! * outShape[d]!;
      bo -= sb[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}

/** `acc[i] += x[i]` in place (gradient accumulation). */
export function addInto(acc: Arr, x: Arr): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + x[i]!;
}
