/**
 * Reductions and softmax along one axis of a tensor viewed as `[outer, n, inner]`. float32 runs
 * the SIMD WebAssembly kernels; float64 and int32 the JavaScript loops below.
 */
import type { ReduceOp } from './op-names.js';
import { reduceF32, softmaxF32 } from './wasm/staging.js';

export type { ReduceOp } from './op-names.js';

type Arr = Float32Array | Float64Array | Int32Array;

/** One reduction's loop over `[outer, n, inner]` into `out` (`[outer, inner]`). */
type ReduceLoop = (x: Arr, outer: number, n: number, inner: number, out: Arr) => void;

/**
 * Sums accumulate in float64 whatever the output dtype: a float32 running sum of millions of
 * terms (a mean over a dataset) drifts by percents once the sum dwarfs each term.
 */
function sumLoop(x: Arr, outer: number, n: number, inner: number, out: Arr): void {
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

/** `out[o, i]` starts at `start` and is folded with each `x[o, k, i]` by `fold` (one loop per op). */
const foldLoop =
  (start: number, fold: (x: Arr, row: number, out: Arr, ob: number, inner: number) => void): ReduceLoop =>
  (x, outer, n, inner, out) => {
    for (let o = 0; o < outer; o++) {
      const ob = o * inner;
      out.fill(start, ob, ob + inner);
      for (let k = 0; k < n; k++) fold(x, (o * n + k) * inner, out, ob, inner);
    }
  };

/** The JavaScript reductions by op name; max and min propagate NaN. */
const LOOPS: Record<ReduceOp, ReduceLoop> = {
  sum: sumLoop,
  prod: foldLoop(1, (x, row, out, ob, inner) => {
    for (let i = 0; i < inner; i++) out[ob + i] = out[ob + i]! * x[row + i]!;
  }),
  max: foldLoop(-Infinity, (x, row, out, ob, inner) => {
    for (let i = 0; i < inner; i++) {
      const v = x[row + i]!;
      if (v > out[ob + i]! || Number.isNaN(v)) out[ob + i] = v;
    }
  }),
  min: foldLoop(Infinity, (x, row, out, ob, inner) => {
    for (let i = 0; i < inner; i++) {
      const v = x[row + i]!;
      if (v < out[ob + i]! || Number.isNaN(v)) out[ob + i] = v;
    }
  }),
};

/** `out[o, i] = OP_k x[o, k, i]` for a tensor viewed as `[outer, n, inner]`. */
export function reduceAxis(op: ReduceOp, x: Arr, outer: number, n: number, inner: number, out: Arr): void {
  if (x instanceof Float32Array && out instanceof Float32Array && reduceF32(op, x, outer, n, inner, out))
    return;
  LOOPS[op](x, outer, n, inner, out);
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
  const sign = op === 'max' ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = sign * x[o * n * inner + i]!;
      let at = 0;
      for (let k = 1; k < n; k++) {
        const v = sign * x[(o * n + k) * inner + i]!;
        if (v > best) {
          best = v;
          at = k;
        }
      }
      out[o * inner + i] = at;
    }
  }
}

/**
 * Numerically stable softmax (or log-softmax) along the middle axis of `[outer, n, inner]`: the
 * maximum is subtracted first, and each exponential computed once.
 */
export function softmaxAxis(x: Arr, outer: number, n: number, inner: number, out: Arr, log: boolean): void {
  if (x instanceof Float32Array && out instanceof Float32Array && softmaxF32(x, outer, n, inner, out, log))
    return;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let k = 0; k < n; k++) max = Math.max(max, x[base + k * inner]!);
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const e = Math.exp(x[base + k * inner]! - max);
        sum += e;
        if (!log) out[base + k * inner] = e;
      }
      if (log) {
        const lse = max + Math.log(sum);
        for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner]! - lse;
      } else {
        for (let k = 0; k < n; k++) out[base + k * inner] = out[base + k * inner]! / sum;
      }
    }
  }
}

/**
 * Reduces `x` of `shape` over `axes` (ascending) into `out`, which has the element count of the
 * reduced shape. Adjacent axes collapse into one pass; the others take one pass each, through
 * scratch arrays of `x`'s type.
 */
export function reduceAxes(
  op: ReduceOp,
  x: Arr,
  shape: readonly number[],
  axes: readonly number[],
  out: Arr,
): void {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  const count = (from: number, to: number, s: readonly number[]) =>
    s.slice(from, to).reduce((p, d) => p * d, 1);
  let current = x;
  let dims = [...shape];
  runs.reverse().forEach(([start, stop], k) => {
    const next = dims.map((d, i) => (i >= start && i < stop ? 1 : d));
    const target =
      k === runs.length - 1
        ? out
        : new (x.constructor as new (n: number) => Arr)(count(0, next.length, next));
    reduceAxis(
      op,
      current,
      count(0, start, dims),
      count(start, stop, dims),
      count(stop, dims.length, dims),
      target,
    );
    current = target;
    dims = next;
  });
  if (runs.length === 0) out.set(x);
}
