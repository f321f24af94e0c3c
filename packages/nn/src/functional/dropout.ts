import {
  checkOptions,
  type Generator,
  type OptionKeys,
  rand,
  requireTensor,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Apply dropout (true) or return the input unchanged (false, as in eval mode). Default true. */
  training?: boolean;
  /** A stream of its own; the default stream (see `manualSeed`) otherwise. */
  generator?: Generator;
}

const DROPOUT_KEYS: OptionKeys<DropoutOptions> = { training: true, generator: true };

/** Throws unless `p` is a probability; `op` names the caller. */
export function checkDropoutP(op: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new TapegradError(op, `p must be a probability in [0, 1], got ${p}.`);
  }
  return p;
}

/**
 * Inverted dropout: zeroes each element with probability `p` and scales the kept ones by
 * 1/(1−p), so the expected output equals the input. The mask is a constant of the graph: the
 * gradient flows only through kept elements, scaled the same way. `p = 1` gives zeros.
 */
export function dropout(x: Tensor, p = 0.5, options?: DropoutOptions, op = 'dropout'): Tensor {
  const { training = true, generator } = checkOptions(op, options, DROPOUT_KEYS);
  requireTensor(op, 'the input', x);
  checkDropoutP(op, p);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
  // keep where u ≥ p, so P(keep) = 1 − p exactly for u uniform in [0, 1)
  const mask = rand(x.shape, { dtype, generator })
    .ge(p)
    .mul(1 / (1 - p));
  return x.mul(mask);
}
