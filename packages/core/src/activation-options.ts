/** The options of the activations with more than one parameter, shared by Tensor and Scalar. */
import type { OptionKeys } from './options.js';

/** Options of `gelu`: the exact form (`'none'`, the default) or the tanh approximation. */
export interface GeluOptions {
  approximate?: 'none' | 'tanh';
}

/** Options of `softplus`: `beta` (default 1) and the linear `threshold` on βx (default 20). */
export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}

/** The keys of {@link GeluOptions}. */
export const GELU_KEYS: OptionKeys<GeluOptions> = { approximate: true };
/** The keys of {@link SoftplusOptions}. */
export const SOFTPLUS_KEYS: OptionKeys<SoftplusOptions> = { beta: true, threshold: true };
