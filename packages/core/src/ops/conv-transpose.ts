/**
 * Transposed 2-D convolution (NCHW): the adjoint of `conv2d` with respect to its input, so it
 * runs on the same im2col machinery and its gradients are conv2d and conv2d's weight gradient.
 */
import { optionalTensor, requireTensor } from '../args.js';
import { fmtShape, TapegradError } from '../errors.js';
import type { ConvGeometry } from '../kernels/conv.js';
import { checkOptions, type OptionKeys } from '../options.js';
import type { Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { convInputGrad, pair } from './conv.js';
import { reshape } from './shape-core.js';

type Pair = number | readonly [number, number];

/** Options of `convTranspose2d`: bias `[Cout]`, stride, padding and output padding (a number or `[h, w]`). */
export interface ConvTranspose2dOptions {
  bias?: Tensor | null;
  stride?: Pair;
  padding?: Pair;
  /** Extra rows and columns on the bottom and right of the output; less than the stride. */
  outputPadding?: Pair;
}

const OP = 'convTranspose2d';
const KEYS: OptionKeys<ConvTranspose2dOptions> = {
  bias: true,
  stride: true,
  padding: true,
  outputPadding: true,
};

/**
 * Transposed convolution of `x` `[N, Cin, H, W]` with `weight` `[Cin, Cout, KH, KW]` (PyTorch's
 * layout): every input pixel scatters `x[n, c, i, j] · weight[c]` into the output at
 * `(i·sH − pH, j·sW − pW)`. Output size `(H − 1)·sH − 2·pH + KH + outputPaddingH` (and the same for W).
 */
export function convTranspose2d(x: Tensor, weight: Tensor, options?: ConvTranspose2dOptions): Tensor {
  const { stride = 1, padding = 0, outputPadding = 0, ...o } = checkOptions(OP, options, KEYS);
  requireTensor(OP, 'the input', x);
  requireTensor(OP, 'weight', weight);
  const bias = optionalTensor(OP, 'bias', o.bias);
  if (x.ndim !== 4) throw new TapegradError(OP, `input must be NCHW (4-D), got shape ${fmtShape(x.shape)}.`);
  if (weight.ndim !== 4) {
    throw new TapegradError(OP, `weight must be [Cin, Cout, KH, KW], got shape ${fmtShape(weight.shape)}.`);
  }
  const [n, cin, h, w] = x.shape as [number, number, number, number];
  const [win, cout, kh, kw] = weight.shape as [number, number, number, number];
  if (win !== cin) {
    throw new TapegradError(
      OP,
      `input has ${cin} channels (shape ${fmtShape(x.shape)}) but weight ${fmtShape(weight.shape)} expects ${win} (its first axis).`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    throw new TapegradError(OP, `bias must have shape [${cout}], got ${fmtShape(bias.shape)}.`);
  }
  const [sh, sw] = pair(OP, 'stride', stride, 1);
  const [ph, pw] = pair(OP, 'padding', padding, 0);
  const [oph, opw] = pair(OP, 'outputPadding', outputPadding, 0);
  if (oph >= sh || opw >= sw) {
    throw new TapegradError(
      OP,
      `outputPadding [${oph},${opw}] must be smaller than the stride [${sh},${sw}].`,
    );
  }
  const oh = (h - 1) * sh - 2 * ph + kh + oph;
  const ow = (w - 1) * sw - 2 * pw + kw + opw;
  if (oh <= 0 || ow <= 0) {
    throw new TapegradError(
      OP,
      `padding [${ph},${pw}] leaves no output for input ${fmtShape(x.shape)} and kernel ${kh}x${kw} (output ${oh}x${ow}).`,
    );
  }
  // the convolution whose input gradient this is: from [N, Cout, oh, ow] down to [N, Cin, H, W]
  const g: ConvGeometry = { c: cout, h: oh, w: ow, kh, kw, sh, sw, ph, pw, oh: h, ow: w };
  const y = convInputGrad(x, weight, [n, cout, oh, ow], g, OP);
  return bias ? y.add(reshape(bias, [1, cout, 1, 1])) : y;
}

provideOps({ convTranspose2d });
