import {
  checkOptions,
  markComposite,
  noGrad,
  type OptionKeys,
  optionalTensor,
  requireFinite,
  requireTensor,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';
import { fmtShape } from '../util.js';

/**
 * Layer normalization over the trailing `normalizedShape` axes: biased variance, `eps` inside the
 * square root, then the optional elementwise `weight` and `bias`.
 */
export const layerNorm = (
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor => x.layerNorm(normalizedShape, weight, bias, eps);

/** Options of {@link batchNorm}; PyTorch's defaults. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use batch statistics and update the running ones (true), or use the running ones (false). */
  training?: boolean;
  momentum?: number;
  eps?: number;
  /** Names the caller in errors. */
  op?: string;
}

const BATCH_NORM_KEYS: OptionKeys<BatchNormOptions> = {
  weight: true,
  bias: true,
  training: true,
  momentum: true,
  eps: true,
  op: true,
};

/**
 * Batch normalization over input `[N, C, *]` (`[N, C]`, `[N, C, L]`, `[N, C, H, W]`, …), per
 * channel C. In training the batch mean and biased variance normalize, and the running statistics
 * (if given) move towards the batch mean and the **unbiased** variance by `momentum`, as PyTorch.
 * Otherwise the running statistics normalize.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options?: BatchNormOptions,
): Tensor {
  const o = checkOptions(options?.op ?? 'batchNorm', options, BATCH_NORM_KEYS);
  const { training = false, op = 'batchNorm' } = o;
  requireTensor(op, 'the input', x);
  optionalTensor(op, 'runningMean', runningMean);
  optionalTensor(op, 'runningVar', runningVar);
  const weight = optionalTensor(op, 'weight', o.weight);
  const bias = optionalTensor(op, 'bias', o.bias);
  const momentum = requireFinite(op, 'momentum', o.momentum ?? 0.1, 0, 1);
  const eps = requireFinite(op, 'eps', o.eps ?? 1e-5, 0);
  if (x.ndim < 2) {
    throw new TapegradError(
      op,
      `expects input [N, C, *] with at least 2 axes, got shape ${fmtShape(x.shape)}.`,
    );
  }
  const c = x.shape[1]!;
  const bshape = x.shape.map((_, i) => (i === 1 ? c : 1));
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = c === 0 ? 0 : x.size / c;
  const useBatch = training || runningMean === null || runningVar === null;
  let mean: Tensor;
  let variance: Tensor;
  if (useBatch) {
    if (count < 2 && training) {
      throw new TapegradError(
        op,
        `expected more than 1 value per channel when training, got input shape ${fmtShape(x.shape)}.`,
      );
    }
    mean = x.mean(axes, true);
    variance = x.sub(mean).square().mean(axes, true);
    if (training && runningMean && runningVar) {
      noGrad(() => {
        runningMean.mul_(1 - momentum).add_(mean.reshape([c]), momentum);
        runningVar.mul_(1 - momentum).add_(variance.reshape([c]).mul(count / (count - 1)), momentum);
      });
    }
  } else {
    mean = runningMean.reshape(bshape);
    variance = runningVar.reshape(bshape);
  }
  let y = x.sub(mean).div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  // With running statistics this is one BatchNormalization node for exporters.
  return useBatch ? y : markComposite(y, 'batchNorm', [x, weight, bias, runningMean, runningVar], { eps });
}
