/**
 * The adjoint test for layers: with a random cotangent c on the outputs and a random direction t
 * on one differentiable leaf (an input or a parameter), ⟨∂out/∂leaf · t, c⟩ from backward must
 * match central finite differences ⟨(out(θ + εt) − out(θ − εt)) / 2ε, c⟩, in float64. Each leaf is
 * checked on its own, so a wrong gradient cannot hide behind another one.
 */
import { fromTypedArray, noGrad, type Tensor } from '@tapegrad/core';

/** Uniform draws in [0, 1). */
export type Rng = () => number;

/** mulberry32: test values independent of the code under test. */
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

/** A float64 tensor of `shape` with values uniform in [lo, hi). */
export function randomTensor(
  rng: Rng,
  shape: readonly number[],
  lo = -1.5,
  hi = 1.5,
  requiresGrad = true,
): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = lo + (hi - lo) * rng();
  return fromTypedArray(d, [...shape], { requiresGrad });
}

const flatOutputs = (outs: readonly Tensor[]): number[] => outs.flatMap((o) => Array.from(o.data));

/**
 * Checks every leaf in `leaves` (float64 tensors that require grad: inputs and parameters)
 * against finite differences of `run`, which must recompute the outputs from the leaves' current
 * values. Returns nothing; throws with the worst mismatch.
 */
export function adjointCheckLeaves(
  run: () => readonly Tensor[],
  leaves: readonly [string, Tensor][],
  rng: Rng,
  { eps = 1e-6, rtol = 1e-6, atol = 1e-8 } = {},
): void {
  for (const [, leaf] of leaves) leaf.grad = null;
  const outs = run();
  const c = outs.map((o) => randomTensor(rng, o.shape, -1, 1, false));
  let total: Tensor | null = null;
  outs.forEach((o, i) => {
    const term = o.mul(c[i]!).sum();
    total = total === null ? term : total.add(term);
  });
  (total as Tensor | null)?.backward();
  const cFlat = flatOutputs(c);
  for (const [name, leaf] of leaves) {
    const t = randomTensor(rng, leaf.shape, -1, 1, false).data;
    let analytic = 0;
    const g = leaf.grad?.data;
    if (g) for (let i = 0; i < t.length; i++) analytic += g[i]! * t[i]!;
    const at = (sign: number) =>
      noGrad(() => {
        const saved = leaf.data.slice();
        for (let i = 0; i < t.length; i++) leaf.data[i] = saved[i]! + sign * eps * t[i]!;
        const values = flatOutputs(run());
        leaf.data.set(saved);
        return values;
      });
    const plus = at(1);
    const minus = at(-1);
    let numeric = 0;
    let scale = 0;
    for (let k = 0; k < plus.length; k++) {
      const slope = (plus[k]! - minus[k]!) / (2 * eps);
      numeric += slope * cFlat[k]!;
      scale += Math.abs(slope * cFlat[k]!);
    }
    const err = Math.abs(analytic - numeric);
    if (!(err <= atol + rtol * Math.max(scale, Math.abs(numeric)))) {
      throw new Error(`${name}: autodiff ${analytic} vs finite differences ${numeric} (error ${err})`);
    }
  }
}
