/**
 * Helpers for checking float32 kernels against float64 references: ulp distances, and inputs
 * that reach the edge cases (signed zeros, infinities, NaN, subnormals, huge values).
 */
import { expect } from 'vitest';
import { type Rng, rngFrom } from '../tensor/helpers.js';
import { ulp32 } from './accuracy.js';

/** Error of `y` against `ref` in float32 ulps at `ref`; 0 when both are the same non-finite value. */
export function ulpError(y: number, ref: number): number {
  if (Number.isNaN(ref)) return Number.isNaN(y) ? 0 : Infinity;
  if (!Number.isFinite(ref)) return y === ref ? 0 : Infinity;
  return Math.abs(y - ref) / ulp32(ref);
}

/** Tolerance: `ulps` at the reference value, or an absolute error of at most `abs`. */
export interface Tolerance {
  ulps: number;
  abs?: number;
}

/** Expects every `got[i]` within `tol` of `want[i]`, naming the first input that is not. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: Tolerance,
  what: string,
  inputs?: ArrayLike<number>,
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = ulpError(g, w) <= tol.ulps || (Number.isFinite(w) && Math.abs(g - w) <= (tol.abs ?? 0));
    if (!ok) {
      const at = inputs ? ` at input ${inputs[i]}` : ` at ${i}`;
      expect.fail(`${what}${at}: got ${g}, want ${w} (${ulpError(g, w).toFixed(1)} ulps)`);
    }
  }
}

/** Values that exercise every branch of the transcendental kernels. */
export const SPECIAL_VALUES = [
  0,
  -0,
  Infinity,
  -Infinity,
  Number.NaN,
  1,
  -1,
  0.5,
  -0.5,
  0.625,
  -0.625,
  1e-30,
  -1e-30,
  1e-40, // subnormal in float32
  -1e-40,
  1e-45,
  3.4e38,
  -3.4e38,
  88.7,
  89,
  -87.3,
  -103,
  -104,
  -110,
  20,
  -20,
  3.92,
  -3.92,
  5,
  -5,
];

/** `n` float32 values: specials first, then random magnitudes from 1e-6 to 1e3 of both signs. */
export function float32Inputs(n: number, seed: number, rng: Rng = rngFrom(seed)): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = i < SPECIAL_VALUES.length ? SPECIAL_VALUES[i]! : (rng() < 0.5 ? -1 : 1) * 10 ** (rng() * 9 - 6);
  }
  return out;
}
