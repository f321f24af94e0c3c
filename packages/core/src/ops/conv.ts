/**
 * 2-D convolution (cross-correlation, NCHW) via im2col + one matmul per batch, and max pooling. The input and
 * weight gradients are ops of their own whose backward rules are conv2d and each other, so
 * second derivatives through convolutions work.
 */

import { optionalTensor, requireTensor } from '../args.js';
import { fmtShape, TapegradError } from '../errors.js';
import { type ConvGeometry, maxPool2d as poolKernel } from '../kernels/conv.js';
import * as kernels from '../kernels/conv-gemm.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { record } from '../record.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { scatterAdd } from './shape-core.js';

/** A size given once for both spatial axes, or as `[h, w]`. */
export type Pair = number | readonly [number, number];

/** Options of `conv2d`: optional bias `[O]`, stride and zero padding (a number or `[h, w]`). */
export interface Conv2dOptions {
  bias?: Tensor | null;
  stride?: Pair;
  padding?: Pair;
}

/** Options of `maxPool2d`; `stride` defaults to `kernelSize`, as PyTorch. */
export interface MaxPool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
}

const CONV2D_KEYS: OptionKeys<Conv2dOptions> = { bias: true, stride: true, padding: true };
const MAX_POOL_KEYS: OptionKeys<MaxPool2dOptions> = { kernelSize: true, stride: true, padding: true };

/** `[h, w]` from a {@link Pair}, checked to be integers ≥ `min`. */
export const pair = (op: string, name: string, v: Pair, min: number): [number, number] => {
  if (v === undefined) {
    throw new TapegradError(op, `${name} is required: a number or [h, w], e.g. { ${name}: 2 }.`);
  }
  const ok = typeof v === 'number' || (Array.isArray(v) && v.length === 2);
  const p: [number, number] = typeof v === 'number' ? [v, v] : ok ? [v[0], v[1]] : [Number.NaN, Number.NaN];
  if (!p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new TapegradError(
      op,
      `${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}.`,
    );
  }
  return p;
};

/** The window walk of a conv or pooling over NCHW input `x`; throws if the kernel does not fit. */
export function geometry(
  op: string,
  x: readonly number[],
  kh: number,
  kw: number,
  stride: Pair,
  padding: Pair,
): ConvGeometry {
  const [sh, sw] = pair(op, 'stride', stride, 1);
  const [ph, pw] = pair(op, 'padding', padding, 0);
  const [, c, h, w] = x as [number, number, number, number];
  const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - kw) / sw) + 1;
  if (oh <= 0 || ow <= 0) {
    throw new TapegradError(
      op,
      `kernel ${kh}x${kw} with padding [${ph},${pw}] does not fit input ${fmtShape(x)}.`,
    );
  }
  return { c, h, w, kh, kw, sh, sw, ph, pw, oh, ow };
}

/** `out[n,o,i,j] = bias[o] + Σ_{c,k,l} weight[o,c,k,l] · xpad[n,c,i·sH+k,j·sW+l]`. */
export function conv2d(x: Tensor, weight: Tensor, options?: Conv2dOptions): Tensor {
  const { stride = 1, padding = 0, ...rest } = checkOptions('conv2d', options, CONV2D_KEYS);
  requireTensor('conv2d', 'the input', x);
  requireTensor('conv2d', 'weight', weight);
  const bias = optionalTensor('conv2d', 'bias', rest.bias);
  if (x.ndim !== 4)
    throw new TapegradError('conv2d', `input must be NCHW (4-D), got shape ${fmtShape(x.shape)}.`);
  if (weight.ndim !== 4)
    throw new TapegradError('conv2d', `weight must be [O, C, KH, KW], got shape ${fmtShape(weight.shape)}.`);
  const [o, c, kh, kw] = weight.shape as [number, number, number, number];
  if (c !== x.shape[1]) {
    throw new TapegradError(
      'conv2d',
      `input has ${x.shape[1]} channels (shape ${fmtShape(x.shape)}) but weight expects ${c} (shape ${fmtShape(weight.shape)}).`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new TapegradError('conv2d', `bias must have shape [${o}], got ${fmtShape(bias.shape)}.`);
  }
  const g = geometry('conv2d', x.shape, kh, kw, stride, padding);
  return convForward(x, weight, bias, g);
}

/** The recorded convolution; the bias is added as the output is written, not in a pass of its own. */
function convForward(x: Tensor, weight: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  return record(
    'conv2d',
    bias ? [x, weight, bias] : [x, weight],
    ([a, w, b]) => {
      const n = a!.shape[0]!;
      const o = w!.shape[0]!;
      const out = emptyTensor([n, o, g.oh, g.ow], a!.dtype);
      const data = (t: Tensor) => t.data as Float64Array;
      kernels.convForward(data(a!), data(w!), b ? data(b) : null, data(out), n, o, g);
      return out;
    },
    (gy, [a, w], _, needs) => {
      const grads = [
        needs[0] ? convInputGrad(gy, w!, a!.shape, g) : null,
        needs[1] ? convWeightGrad(a!, gy, w!.shape, g) : null,
      ];
      // d(conv + bias)/dbias: the output gradient summed over the batch and the pixels.
      if (bias) grads.push(needs[2] ? gy.sum([0, 2, 3]) : null);
      return grads;
    },
    { stride: [g.sh, g.sw], padding: [g.ph, g.pw] },
  );
}

/**
 * d⟨conv2d(x, w), gy⟩/dx: `col2im(wᵀ · gy)` per image. It is also the transposed convolution of
 * `gy`, which records it under `op`.
 */
export function convInputGrad(
  gy: Tensor,
  weight: Tensor,
  xShape: readonly number[],
  g: ConvGeometry,
  op = 'conv2dInputGrad',
): Tensor {
  return record(
    op,
    [gy, weight],
    ([dy, w]) => {
      const dx = emptyTensor(xShape, dy!.dtype);
      kernels.convInputGrad(
        dy!.data as Float64Array,
        w!.data as Float64Array,
        dx.data as Float64Array,
        xShape[0]!,
        w!.shape[0]!,
        g,
      );
      return dx;
    },
    (c, [dy, w], _, needs) => [
      needs[0] ? convForward(c, w!, null, g) : null,
      needs[1] ? convWeightGrad(c, dy!, w!.shape, g) : null,
    ],
  );
}

/** d⟨conv2d(x, w), gy⟩/dw: `Σ_n gy_n · im2col(x_n)ᵀ`. */
function convWeightGrad(x: Tensor, gy: Tensor, wShape: readonly number[], g: ConvGeometry): Tensor {
  return record(
    'conv2dWeightGrad',
    [x, gy],
    ([a, dy]) => {
      const dw = emptyTensor(wShape, a!.dtype);
      kernels.convWeightGrad(
        a!.data as Float64Array,
        dy!.data as Float64Array,
        dw.data as Float64Array,
        a!.shape[0]!,
        wShape[0]!,
        g,
      );
      return dw;
    },
    (c, [a, dy], _, needs) => [
      needs[0] ? convInputGrad(dy!, c, a!.shape, g) : null,
      needs[1] ? convForward(a!, c, null, g) : null,
    ],
  );
}

/** Window maxima over NCHW input; the gradient goes to each window's argmax (first on ties). */
export function maxPool2d(x: Tensor, options: MaxPool2dOptions): Tensor {
  options = checkOptions('maxPool2d', options, MAX_POOL_KEYS);
  requireTensor('maxPool2d', 'the input', x);
  if (x.ndim !== 4)
    throw new TapegradError('maxPool2d', `input must be NCHW (4-D), got shape ${fmtShape(x.shape)}.`);
  const [kh, kw] = pair('maxPool2d', 'kernelSize', options.kernelSize, 1);
  const padding = pair('maxPool2d', 'padding', options.padding ?? 0, 0);
  if (padding[0] * 2 > kh || padding[1] * 2 > kw) {
    throw new TapegradError(
      'maxPool2d',
      `padding [${padding}] must be at most half the kernel size [${kh},${kw}].`,
    );
  }
  const g = geometry('maxPool2d', x.shape, kh, kw, options.stride ?? [kh, kw], padding);
  const n = x.shape[0]!;
  const shape = [n, g.c, g.oh, g.ow];
  const argmax = new Int32Array(n * g.c * g.oh * g.ow);
  return record(
    'maxPool2d',
    [x],
    ([a]) => {
      const out = emptyTensor(shape, a!.dtype);
      poolKernel(a!.data as Float64Array, n, g, out.data as Float64Array, argmax);
      return out;
    },
    (gy) => [scatterAdd('maxPool2d', gy, argmax, x.shape)],
    { kernelSize: [kh, kw], stride: [g.sh, g.sw], padding },
  );
}

provideOps({ conv2d, maxPool2d });
