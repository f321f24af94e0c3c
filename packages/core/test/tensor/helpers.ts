/**
 * Test helpers for the tensor suite: loading PyTorch fixture tensors, seeded random values with
 * the constraints each op needs (away from kinks and ties), central finite differences in
 * float64, and the adjoint test that proves a vector-Jacobian product with a random cotangent.
 */
import { readFileSync } from 'node:fs';
import { fromTypedArray, noGrad, type Tensor } from '@tapegrad/core';
import { gradientsOf } from '../../src/differentiable.js';

// --- fixtures ---------------------------------------------------------------------------------------

/** A tensor as the fixtures encode it: explicit shape, dtype and nested row-major data. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int64' | 'bool';
  data: unknown;
}

/** Reads a JSON fixture relative to `packages/core/test/fixtures/`. */
export function loadFixture<T = unknown>(relative: string): T {
  const url = new URL(`../fixtures/${relative}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** True for a `{shape, dtype, data}` object. */
export function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'dtype' in v && 'data' in v;
}

/** Flattens nested fixture data row-major, checking it against the declared shape. */
export function flatData(t: FixtureTensor): number[] {
  const out: number[] = [];
  const walk = (v: unknown, axis: number) => {
    if (axis === t.shape.length) {
      if (typeof v !== 'number') throw new Error(`fixture: expected a number at depth ${axis}`);
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== t.shape[axis]) {
      throw new Error(`fixture: data does not match shape [${t.shape.join(',')}] at depth ${axis}`);
    }
    for (const item of v) walk(item, axis + 1);
  };
  walk(t.data, 0);
  return out;
}

/**
 * A fixture tensor as a tapegrad leaf: float64 stays float64, int64 becomes int32 (indices and
 * labels), bool becomes a float64 0/1 mask (what `eq`/`gt`/`lt` of float64 tensors produce).
 */
export function fromFixture(t: FixtureTensor, options: { requiresGrad?: boolean } = {}): Tensor {
  const values = flatData(t);
  if (t.dtype === 'int64') return fromTypedArray(Int32Array.from(values), t.shape);
  return fromTypedArray(Float64Array.from(values), t.shape, { requiresGrad: options.requiresGrad ?? false });
}

/** Relative-to-one comparison: `|got − want| ≤ tol · max(1, |want|)` elementwise, shapes equal. */
export function expectCloseTo(got: Tensor | null, want: FixtureTensor, tol: number, what: string): void {
  if (got === null) throw new Error(`${what}: got null, expected shape [${want.shape.join(',')}]`);
  if (got.shape.join(',') !== want.shape.join(',')) {
    throw new Error(`${what}: shape [${got.shape.join(',')}], expected [${want.shape.join(',')}]`);
  }
  const w = flatData(want);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < w.length; i++) {
    const err = Math.abs(got.data[i]! - w[i]!) / Math.max(1, Math.abs(w[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (!(worst <= tol)) {
    throw new Error(
      `${what}: element ${at} is ${got.data[at]}, expected ${w[at]} (scaled error ${worst} > ${tol})`,
    );
  }
}

// --- seeded values ------------------------------------------------------------------------------------

/** Uniform draws in [0, 1). */
export type Rng = () => number;

/** mulberry32: a tiny seeded generator, so test values do not come from the code under test. */
export function rngFrom(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What values an input needs:
 * - `any`: uniform in [−2, 2];
 * - `positive`: [0.1, 3] (log, sqrt, pow bases);
 * - `nonzero`: magnitude in [0.1, 2], either sign (abs, relu, divisors: away from the kink);
 * - `distinct`: a shuffled ladder with gaps ≥ 0.09 (max/min/maxPool: no ties anywhere);
 * - `grid` / `gridOffset`: near 0.2k, resp. 0.2k + 0.1, so a `grid` value and a `gridOffset`
 *   value always differ by ≥ 0.06 (maximum/minimum, clamp bounds);
 * - `prodSafe`: magnitude in [0.6, 1.5] (prod: no zeros, no blow-up).
 */
export type ValueKind = 'any' | 'positive' | 'nonzero' | 'distinct' | 'grid' | 'gridOffset' | 'prodSafe';

/** `n` values of `kind`. */
export function draw(rng: Rng, n: number, kind: ValueKind = 'any'): Float64Array {
  const out = new Float64Array(n);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng();
  const sign = () => (rng() < 0.5 ? -1 : 1);
  if (kind === 'distinct') {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    for (let i = 0; i < n; i++) out[i] = (perm[i]! - (n - 1) / 2) * 0.15 + u(-0.03, 0.03);
    return out;
  }
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'any':
        out[i] = u(-2, 2);
        break;
      case 'positive':
        out[i] = u(0.1, 3);
        break;
      case 'nonzero':
        out[i] = sign() * u(0.1, 2);
        break;
      case 'grid':
        out[i] = 0.2 * Math.floor(u(-10, 11)) + u(-0.02, 0.02);
        break;
      case 'gridOffset':
        out[i] = 0.2 * Math.floor(u(-10, 11)) + 0.1 + u(-0.02, 0.02);
        break;
      case 'prodSafe':
        out[i] = sign() * u(0.6, 1.5);
        break;
    }
  }
  return out;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A float64 leaf of `shape` with values of `kind`. */
export function randomTensor(rng: Rng, shape: readonly number[], kind: ValueKind = 'any'): Tensor {
  return fromTypedArray(draw(rng, sizeOf(shape), kind), [...shape]);
}

/** An int32 0/1 tensor of `shape` (a `where` condition; never differentiated). */
export function randomMask(rng: Rng, shape: readonly number[]): Tensor {
  const d = new Int32Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = rng() < 0.5 ? 1 : 0;
  return fromTypedArray(d, [...shape]);
}

/** int32 indices in `[0, n)` of `shape`, with at least one repeat when there is room for one. */
export function randomIndex(rng: Rng, shape: readonly number[], n: number): Tensor {
  const d = new Int32Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = Math.floor(rng() * n);
  if (d.length >= 2) d[d.length - 1] = d[0]!;
  return fromTypedArray(d, [...shape]);
}

/** A float32 copy of a float64 tensor (a leaf). */
export function toFloat32(x: Tensor): Tensor {
  return x.dtype === 'float64' ? fromTypedArray(Float32Array.from(x.data), [...x.shape]) : x;
}

// --- finite differences and the adjoint test ------------------------------------------------------

/** A function of some tensors; int32 inputs (indices) are passed through and never differentiated. */
export type TensorFn = (xs: Tensor[]) => Tensor;

/** Tolerances of the finite-difference checks (float64 central differences). */
export interface FdOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
}

const DEFAULTS = { eps: 1e-6, rtol: 1e-6, atol: 1e-7 };

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const absDot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! * b[i]!);
  return s;
};

const leafOf = (x: Tensor, requiresGrad: boolean): Tensor =>
  fromTypedArray(x.data.slice(), [...x.shape], { requiresGrad: requiresGrad && x.dtype !== 'int32' });

/** `x + s·t` as a new float64 leaf. */
function shifted(x: Tensor, t: Float64Array, s: number): Tensor {
  const d = new Float64Array(x.size);
  for (let i = 0; i < d.length; i++) d[i] = x.data[i]! + s * t[i]!;
  return fromTypedArray(d, [...x.shape]);
}

/**
 * ⟨(f(x + εt) − f(x − εt)) / 2ε, c⟩ for input `i` perturbed along `t` (others fixed), with the
 * scale of the sum's terms for a relative tolerance.
 */
export function fdDirectional(
  f: TensorFn,
  inputs: readonly Tensor[],
  i: number,
  t: Float64Array,
  c: ArrayLike<number>,
  eps: number,
): { value: number; scale: number } {
  const at = (s: number) =>
    noGrad(() => f(inputs.map((x, j) => (j === i ? shifted(x, t, s) : leafOf(x, false)))));
  const plus = at(eps).data;
  const minus = at(-eps).data;
  const slope = new Float64Array(plus.length);
  for (let k = 0; k < slope.length; k++) slope[k] = (plus[k]! - minus[k]!) / (2 * eps);
  return { value: dot(slope, c), scale: absDot(slope, c) };
}

function assertAgree(
  what: string,
  analytic: number,
  numeric: number,
  scale: number,
  options: Required<FdOptions>,
): void {
  const err = Math.abs(analytic - numeric);
  const bound = options.atol + options.rtol * Math.max(scale, Math.abs(numeric));
  if (!(err <= bound)) {
    throw new Error(
      `${what}: autodiff ${analytic} vs finite differences ${numeric} (error ${err} > ${bound})`,
    );
  }
}

/**
 * The adjoint test. With a random cotangent `c` (shape of `f(x)`) and a random direction `t` per
 * differentiable input, `⟨vjp(c), t⟩` from `out.backward(c)` must match
 * `⟨(f(x + εt) − f(x − εt)) / 2ε, c⟩`. Each input is checked on its own, so a wrong gradient for
 * one input cannot hide behind another. Also checks each gradient's shape and dtype.
 */
export function adjointCheck(
  f: TensorFn,
  inputs: readonly Tensor[],
  rng: Rng,
  options: FdOptions = {},
): void {
  const o = { ...DEFAULTS, ...options };
  const leaves = inputs.map((x) => leafOf(x, true));
  const out = f(leaves);
  if (out.dtype !== 'float64') throw new Error(`output dtype ${out.dtype}, expected float64`);
  if (!out.requiresGrad) throw new Error('output does not require grad');
  const c = draw(rng, out.size);
  out.backward(fromTypedArray(c, [...out.shape]));
  leaves.forEach((leaf, i) => {
    if (!leaf.requiresGrad) return;
    const g = leaf.grad;
    if (g !== null && (g.shape.join(',') !== leaf.shape.join(',') || g.dtype !== 'float64')) {
      throw new Error(
        `input ${i}: gradient ${g.dtype} [${g.shape.join(',')}] for a float64 input of shape [${leaf.shape.join(',')}]`,
      );
    }
    const t = draw(rng, leaf.size);
    const numeric = fdDirectional(f, inputs, i, t, c, o.eps);
    const analytic = g === null ? 0 : dot(g.data, t);
    const scale = (g === null ? 0 : absDot(g.data, t)) + numeric.scale;
    assertAgree(`input ${i} [${leaf.shape.join(',')}]`, analytic, numeric.value, scale, o);
  });
}

/**
 * Second order: for `h(x) = Σ_i ⟨vjp_i(x, c), s_i⟩` (the first backward recorded with
 * `createGraph`), the gradient of `h` from a second backward must match finite differences of `h`.
 * This proves each backward rule is itself differentiable and correct.
 */
export function secondOrderCheck(
  f: TensorFn,
  inputs: readonly Tensor[],
  rng: Rng,
  options: FdOptions = {},
): void {
  const o = { ...DEFAULTS, eps: 1e-5, rtol: 1e-5, atol: 1e-6, ...options };
  const diff = inputs.map((x) => x.dtype !== 'int32');
  const c = draw(rng, noGrad(() => f(inputs.map((x) => leafOf(x, false)))).size);
  const s = inputs.map((x) => draw(rng, x.size));
  const h = (xs: Tensor[], createGraph: boolean): { value: Tensor | null; leaves: Tensor[] } => {
    const leaves = xs.map((x) => leafOf(x, true));
    const out = f(leaves);
    const roots = leaves.filter((_, i) => diff[i]);
    const grads = gradientsOf([out], [fromTypedArray(c.slice(), [...out.shape])], roots, {
      createGraph,
    }) as (Tensor | null)[];
    let value: Tensor | null = null;
    let k = 0;
    leaves.forEach((_, i) => {
      if (!diff[i]) return;
      const g = grads[k++];
      if (!g) return;
      const term = g.mul(fromTypedArray(s[i]!.slice(), [...g.shape])).sum();
      value = value === null ? term : value.add(term);
    });
    return { value, leaves };
  };
  const first = h([...inputs], true);
  if (first.value === null || !(first.value as Tensor).requiresGrad) return; // linear in x: nothing to check
  const hv = first.value as Tensor;
  const second = gradientsOf(
    [hv],
    [fromTypedArray(new Float64Array([1]), [])],
    first.leaves.filter((_, i) => diff[i]),
  ) as (Tensor | null)[];
  let k = 0;
  inputs.forEach((x, i) => {
    if (!diff[i]) return;
    const g = second[k++] ?? null;
    const t = draw(rng, x.size);
    const hAt = (sgn: number) => {
      const xs = inputs.map((y, j) => (j === i ? shifted(y, t, sgn * o.eps) : y));
      const v = h(xs, false).value;
      return v === null ? 0 : v.item();
    };
    const numeric = (hAt(1) - hAt(-1)) / (2 * o.eps);
    const analytic = g === null ? 0 : dot(g.data, t);
    const scale = (g === null ? 0 : absDot(g.data, t)) + Math.abs(numeric);
    assertAgree(`second order, input ${i} [${x.shape.join(',')}]`, analytic, numeric, scale, o);
  });
}

/** Tolerance of float32 results against float64: `|f32 − f64| ≤ rtol · max(1, |f64|)`. */
export const FLOAT32_RTOL = 2e-4;

/**
 * float32 agrees with float64: the op on float32 copies of the inputs gives float32 values and
 * gradients (same cotangent, rounded) within float32 tolerance of the float64 ones.
 */
export function float32Check(
  f: TensorFn,
  inputs: readonly Tensor[],
  rng: Rng,
  options: FdOptions = {},
): void {
  const rtol = options.rtol ?? FLOAT32_RTOL;
  const run = (xs: Tensor[]) => {
    const leaves = xs.map((x) => leafOf(x, true));
    const out = f(leaves);
    return { out, leaves };
  };
  const wide = run([...inputs]);
  const narrow = run(inputs.map(toFloat32));
  if (narrow.out.dtype !== 'float32') throw new Error(`float32 inputs gave a ${narrow.out.dtype} output`);
  const c = draw(rng, wide.out.size);
  wide.out.backward(fromTypedArray(c, [...wide.out.shape]));
  narrow.out.backward(fromTypedArray(Float32Array.from(c), [...narrow.out.shape]));
  const compare = (what: string, got: Tensor | null, want: Tensor | null) => {
    if (want === null || got === null) {
      if (want !== got) throw new Error(`${what}: one dtype has a gradient and the other not`);
      return;
    }
    if (got.dtype !== 'float32') throw new Error(`${what}: dtype ${got.dtype}, expected float32`);
    if (got.shape.join(',') !== want.shape.join(',')) throw new Error(`${what}: shapes differ`);
    for (let i = 0; i < want.size; i++) {
      const err = Math.abs(got.data[i]! - want.data[i]!);
      if (!(err <= rtol * Math.max(1, Math.abs(want.data[i]!)))) {
        throw new Error(`${what}: element ${i} float32 ${got.data[i]} vs float64 ${want.data[i]}`);
      }
    }
  };
  compare('output', narrow.out, wide.out);
  wide.leaves.forEach((leaf, i) => {
    if (leaf.requiresGrad) compare(`gradient of input ${i}`, narrow.leaves[i]!.grad, leaf.grad);
  });
}
