/** 1-D convolution over `[N, C, L]` (or unbatched `[C, L]`), run as a conv2d of height 1. */
import { optionalTensor, requireTensor } from '../args.js';
import { fmtShape, TapegradError } from '../errors.js';
import { checkOptions, type OptionKeys } from '../options.js';
import type { Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { conv2d } from './conv.js';
import { reshape } from './shape-core.js';

/** Options of `conv1d`: optional bias `[O]`, stride and zero padding. */
export interface Conv1dOptions {
  bias?: Tensor | null;
  stride?: number;
  padding?: number;
}

const CONV1D_KEYS: OptionKeys<Conv1dOptions> = { bias: true, stride: true, padding: true };

/** `out[n,o,i] = bias[o] + Σ_{c,k} weight[o,c,k] · xpad[n,c,i·stride+k]` (cross-correlation, as PyTorch). */
export function conv1d(x: Tensor, weight: Tensor, options?: Conv1dOptions): Tensor {
  const { stride = 1, padding = 0, ...rest } = checkOptions('conv1d', options, CONV1D_KEYS);
  requireTensor('conv1d', 'the input', x);
  requireTensor('conv1d', 'weight', weight);
  const bias = optionalTensor('conv1d', 'bias', rest.bias);
  if (x.ndim !== 3 && x.ndim !== 2) {
    throw new TapegradError('conv1d', `input must be [N, C, L] or [C, L], got shape ${fmtShape(x.shape)}.`);
  }
  if (weight.ndim !== 3) {
    throw new TapegradError('conv1d', `weight must be [O, C, K], got shape ${fmtShape(weight.shape)}.`);
  }
  const batched = x.ndim === 3 ? x : reshape(x, [1, ...x.shape]);
  const [n, c, l] = batched.shape as [number, number, number];
  const [o, wc, k] = weight.shape as [number, number, number];
  if (wc !== c) {
    throw new TapegradError(
      'conv1d',
      `input has ${c} channels (shape ${fmtShape(x.shape)}) but weight expects ${wc} (shape ${fmtShape(weight.shape)}).`,
    );
  }
  for (const [name, v, min] of [
    ['stride', stride, 1],
    ['padding', padding, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new TapegradError('conv1d', `${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}.`);
    }
  }
  if (l + 2 * padding < k) {
    throw new TapegradError(
      'conv1d',
      `kernel ${k} with padding ${padding} does not fit input ${fmtShape(x.shape)}.`,
    );
  }
  const y = conv2d(reshape(batched, [n, c, 1, l]), reshape(weight, [o, c, 1, k]), {
    bias,
    stride: [1, stride],
    padding: [0, padding],
  });
  const out = reshape(y, [n, o, y.shape[3]!]);
  return x.ndim === 3 ? out : reshape(out, [o, y.shape[3]!]);
}

provideOps({ conv1d });
