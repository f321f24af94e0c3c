/**
 * Fused optimizer steps: one pass per parameter reads the parameter, its gradient and its state
 * and writes them back, instead of one pass per arithmetic step. The arithmetic is PyTorch's, in
 * its order; float32 values are rounded once, when stored.
 */
type Arr = Float32Array | Float64Array;

/** The scalars of one Adam step. */
export interface AdamConstants {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 − β₁ᵗ. */
  bias1: number;
  /** √(1 − β₂ᵗ). */
  bias2Sqrt: number;
  weightDecay: number;
  /** AdamW: decay the parameter itself instead of adding to the gradient. */
  decoupled: boolean;
  maximize: boolean;
}

/**
 * Adam / AdamW on every element: `m ← β₁m + (1−β₁)d`, `v ← β₂v + (1−β₂)d²` (and, with `vMax`, the
 * running maximum of `v`), `p ← p − (lr/(1−β₁ᵗ)) · m / (√v̂/√(1−β₂ᵗ) + eps)`.
 */
export function adamStep(p: Arr, g: Arr, m: Arr, v: Arr, vMax: Arr | null, c: AdamConstants): void {
  if (c.weightDecay === 0 && vMax === null) adamPlain(p, g, m, v, c);
  else adamGeneral(p, g, m, v, vMax, c);
}

/** The common case — no weight decay, no AMSGrad — without a branch in the loop. */
function adamPlain(p: Arr, g: Arr, m: Arr, v: Arr, c: AdamConstants): void {
  const { beta1, beta2, eps, bias2Sqrt } = c;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const step = -c.lr / c.bias1;
  const sign = c.maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    const d = sign * g[i]!;
    const mi = m[i]! * beta1 + a1 * d;
    const vi = v[i]! * beta2 + a2 * d * d;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! + (step * mi) / (Math.sqrt(vi) / bias2Sqrt + eps);
  }
}

function adamGeneral(p: Arr, g: Arr, m: Arr, v: Arr, vMax: Arr | null, c: AdamConstants): void {
  const { beta1, beta2, eps, bias2Sqrt, weightDecay } = c;
  const keep = 1 - c.lr * weightDecay;
  const step = -c.lr / c.bias1;
  const coupled = weightDecay !== 0 && !c.decoupled;
  const decay = weightDecay !== 0 && c.decoupled;
  const sign = c.maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    let pi = p[i]!;
    let d = sign * g[i]!;
    if (decay) pi = pi * keep;
    else if (coupled) d = d + pi * weightDecay;
    const mi = m[i]! * beta1 + (1 - beta1) * d;
    const vi = v[i]! * beta2 + (1 - beta2) * d * d;
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vMax !== null) {
      const prev = vMax[i]!;
      second = Number.isNaN(prev) || Number.isNaN(vi) ? Number.NaN : prev > vi ? prev : vi;
      vMax[i] = second;
    }
    p[i] = pi + (step * mi) / (Math.sqrt(second) / bias2Sqrt + eps);
  }
}
