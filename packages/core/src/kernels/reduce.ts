/** Reductions along one axis of a tensor viewed as `[outer, n, inner]`. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

type Arr = Float32Array | Float64Array | Int32Array;

/** `out[o, i] = OP_k x[o, k, i]` for a tensor viewed as `[outer, n, inner]`. */
export function reduceAxis(op: ReduceOp, x: Arr, outer: number, n: number, inner: number, out: Arr): void {
  if (op === 'sum') {
    sumAxis(x, outer, n, inner, out);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
    for (let k = 0; k < n; k++) {
      const row = base + k * inner;
      switch (op) {
        case 'prod':
          for (let i = 0; i < inner; i++) out[ob + i] = out[ob + i]! * x[row + i]!;
          break;
        case 'max':
          for (let i = 0; i < inner; i++) {
            const v = x[row + i]!;
            if (v > out[ob + i]! || Number.isNaN(v)) out[ob + i] = v;
          }
          break;
        case 'min':
          for (let i = 0; i < inner; i++) {
            const v = x[row + i]!;
            if (v < out[ob + i]! || Number.isNaN(v)) out[ob + i] = v;
          }
          break;
      }
    }
  }
}

/**
 * Sums accumulate in float64 whatever the output dtype: a float32 running sum of millions of
 * terms (a mean over a dataset) drifts by percents once the sum dwarfs each term.
 */
function sumAxis(x: Arr, outer: number, n: number, inner: number, out: Arr): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) acc[i] = acc[i]! + x[row + i]!;
    }
    out.set(acc, o * inner);
  }
}

/** Index of the first maximum (or minimum) along the middle axis of `[outer, n, inner]`. */
export function argReduceAxis(
  op: 'max' | 'min',
  x: Arr,
  outer: number,
  n: number,
  inner: number,
  out: Int32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * n * inner + i]!;
      let at = 0;
      for (let k = 1; k < n; k++) {
        const v = x[(o * n + k) * inner + i]!;
        if (op === 'max' ? v > best : v < best) {
          best = v;
          at = k;
        }
      }
      out[o * inner + i] = at;
    }
  }
}

/** Numerically stable softmax (or log-softmax) along the middle axis of `[outer, n, inner]`. */
export function softmaxAxis(x: Arr, outer: number, n: number, inner: number, out: Arr, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let k = 0; k < n; k++) max = Math.max(max, x[base + k * inner]!);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(x[base + k * inner]! - max);
      if (log) {
        const lse = max + Math.log(sum);
        for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner]! - lse;
      } else {
        for (let k = 0; k < n; k++) out[base + k * inner] = Math.exp(x[base + k * inner]! - max) / sum;
      }
    }
  }
}
