/**
 * The accuracy of the float32 kernels' approximations: each function is run through the kernel
 * entry point over a dense sweep of float32 inputs and compared with an accurate float64
 * reference. accuracy.test.ts holds the bounds and checks docs/kernels.md shows these numbers;
 * docs/scripts/kernel-accuracy.ts prints the table.
 */

import type { SimdUnaryOp } from '../../src/kernels/op-names.js';
import { softmaxAxis } from '../../src/kernels/reduce.js';
import { unary } from '../../src/kernels/unary.js';
import { erf, erfc } from '../../src/math/special.js';
import { rngFrom } from '../tensor/helpers.js';

const bits = new Float64Array(1);
const high = new Uint32Array(bits.buffer, 4, 1); // the sign and exponent word (little-endian)

/** The spacing of float32 numbers at `r` (subnormal spacing below the normal range). */
export function ulp32(r: number): number {
  bits[0] = r;
  const exponent = ((high[0]! >>> 20) & 0x7ff) - 1023; // ⌊log2 |r|⌋ for normal float64 r
  return exponent < -126 ? 2 ** -149 : 2 ** (exponent - 23);
}

/** Points per sweep: every 2^20-th of the range, both ends included. */
export const SWEEP_POINTS = 2 ** 20 + 1;

const GELU_K = Math.sqrt(2 / Math.PI);

/** One function's sweep: the kernel op and parameters, the range, and the float64 reference. */
export interface Sweep {
  /** How the table names it. */
  readonly name: string;
  readonly op: SimdUnaryOp;
  readonly p?: number;
  readonly q?: number;
  readonly lo: number;
  readonly hi: number;
  /** Points evenly spaced in x, or in log x. */
  readonly spacing: 'linear' | 'log';
  readonly reference: (x: number) => number;
  /** The bound accuracy.test.ts holds, in float32 ulps of the reference value. */
  readonly boundUlps: number;
}

/** σ(x) in float64 without overflow on either side. */
const sigmoid64 = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** GELU's tanh form as x·σ(2u), which does not cancel for x ≪ 0 as 0.5x(1 + tanh u) does. */
const geluTanh64 = (x: number) => x * sigmoid64(2 * GELU_K * (x + 0.044715 * x * x * x));

export const SWEEPS: readonly Sweep[] = [
  { name: 'exp', op: 'exp', lo: -87.3, hi: 88.7, spacing: 'linear', reference: Math.exp, boundUlps: 1.5 },
  { name: 'log', op: 'log', lo: 1e-37, hi: 1e37, spacing: 'log', reference: Math.log, boundUlps: 1.5 },
  { name: 'expm1', op: 'expm1', lo: -10, hi: 10, spacing: 'linear', reference: Math.expm1, boundUlps: 2.5 },
  { name: 'log1p', op: 'log1p', lo: -0.999, hi: 10, spacing: 'linear', reference: Math.log1p, boundUlps: 3 },
  { name: 'tanh', op: 'tanh', lo: -10, hi: 10, spacing: 'linear', reference: Math.tanh, boundUlps: 2 },
  {
    name: 'sigmoid',
    op: 'sigmoid',
    lo: -30,
    hi: 30,
    spacing: 'linear',
    reference: sigmoid64,
    boundUlps: 3.5,
  },
  { name: 'erf', op: 'erf', lo: -5, hi: 5, spacing: 'linear', reference: erf, boundUlps: 3 },
  {
    name: 'gelu',
    op: 'gelu',
    lo: -10,
    hi: 10,
    spacing: 'linear',
    reference: (x) => (x >= 0 ? x * (1 - erfc(x * Math.SQRT1_2) / 2) : (x * erfc(-x * Math.SQRT1_2)) / 2),
    boundUlps: 7,
  },
  {
    name: "gelu (approximate: 'tanh')",
    op: 'geluTanh',
    lo: -10,
    hi: 10,
    spacing: 'linear',
    reference: geluTanh64,
    boundUlps: 4.5,
  },
  {
    name: 'elu (α = 1)',
    op: 'elu',
    p: 1,
    lo: -10,
    hi: 10,
    spacing: 'linear',
    reference: (x) => (x > 0 ? x : Math.expm1(x)),
    boundUlps: 2.5,
  },
  {
    name: 'softplus (β = 1)',
    op: 'softplus',
    p: 1,
    q: 20,
    lo: -30,
    hi: 30,
    spacing: 'linear',
    reference: (x) => (x > 20 ? x : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))),
    boundUlps: 3.5,
  },
];

/** The largest errors of a sweep against its reference. */
export interface Errors {
  readonly maxAbs: number;
  /** Largest |error|/|reference| where the reference is not 0. */
  readonly maxRel: number;
  readonly maxUlps: number;
  /** The input with the largest error in ulps. */
  readonly worstAt: number;
}

/** Accumulates the largest errors of `got` against float64 `want`. */
function errorsOf(got: ArrayLike<number>, want: ArrayLike<number>, inputs: ArrayLike<number>): Errors {
  let maxAbs = 0;
  let maxRel = 0;
  let maxUlps = 0;
  let worstAt = Number.NaN;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const e = Math.abs(got[i]! - w);
    maxAbs = Math.max(maxAbs, e);
    if (w !== 0) maxRel = Math.max(maxRel, e / Math.abs(w));
    const u = e / ulp32(w);
    if (u > maxUlps) {
      maxUlps = u;
      worstAt = inputs[i]!;
    }
  }
  return { maxAbs, maxRel, maxUlps, worstAt };
}

/** The sweep's float32 inputs. */
export function sweepInputs(s: Sweep): Float32Array {
  const x = new Float32Array(SWEEP_POINTS);
  const [a, b] = s.spacing === 'log' ? [Math.log(s.lo), Math.log(s.hi)] : [s.lo, s.hi];
  for (let i = 0; i < SWEEP_POINTS; i++) {
    const t = a + ((b - a) * i) / (SWEEP_POINTS - 1);
    x[i] = s.spacing === 'log' ? Math.exp(t) : t;
  }
  return x;
}

/** Runs one sweep through the float32 kernel. */
export function measure(s: Sweep): Errors {
  const x = sweepInputs(s);
  const got = new Float32Array(x.length);
  unary(s.op, x, got, s.p ?? 0, s.q ?? 0);
  const want = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) want[i] = s.reference(x[i]!);
  return errorsOf(got, want, x);
}

/** Softmax sweep: rows of this many logits, uniform in ±this range. */
export const SOFTMAX_ROWS = 1024;
export const SOFTMAX_WIDTH = 1000;
export const SOFTMAX_RANGE = 20;

/** Softmax or log-softmax of random rows, float32 kernel against the float64 loop. */
export function measureSoftmax(log: boolean): Errors {
  const rng = rngFrom(2024);
  const n = SOFTMAX_ROWS * SOFTMAX_WIDTH;
  const x = Float32Array.from({ length: n }, () => SOFTMAX_RANGE * (2 * rng() - 1));
  const got = new Float32Array(n);
  softmaxAxis(x, SOFTMAX_ROWS, SOFTMAX_WIDTH, 1, got, log);
  const want = new Float64Array(n);
  softmaxAxis(Float64Array.from(x), SOFTMAX_ROWS, SOFTMAX_WIDTH, 1, want, log);
  return errorsOf(got, want, x);
}

/** Bounds for the softmax rows, in ulps. */
export const SOFTMAX_BOUND_ULPS = { softmax: 3, logSoftmax: 2 };

const sci = (v: number) => v.toExponential(1);

/** The Markdown table of docs/kernels.md: one row per sweep, then softmax and log-softmax. */
export function accuracyTable(): string[] {
  const lines = [
    '| function | inputs | max abs error | max rel error | max error (ulps) | bound (ulps) |',
    '|---|---|---|---|---|---|',
  ];
  const row = (name: string, inputs: string, e: Errors, bound: number) =>
    `| ${name} | ${inputs} | ${sci(e.maxAbs)} | ${sci(e.maxRel)} | ${e.maxUlps.toFixed(2)} | ${bound} |`;
  for (const s of SWEEPS) {
    const range = s.spacing === 'log' ? `[${s.lo}, ${s.hi}], log-spaced` : `[${s.lo}, ${s.hi}]`;
    lines.push(row(s.name, range, measure(s), s.boundUlps));
  }
  const rows = `${SOFTMAX_ROWS} rows of ${SOFTMAX_WIDTH}, uniform in ±${SOFTMAX_RANGE}`;
  lines.push(row('softmax', rows, measureSoftmax(false), SOFTMAX_BOUND_ULPS.softmax));
  lines.push(row('log-softmax', rows, measureSoftmax(true), SOFTMAX_BOUND_ULPS.logSoftmax));
  return lines;
}
