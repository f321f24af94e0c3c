/** Activation functions in functional form, beside the activation modules (PyTorch's `F.*`). */
import { markComposite, requireTensor, TapegradError, type Tensor, where } from '@tapegrad/core';
import { fmtShape } from '../util.js';

/** max(0, x). */
export const relu = (x: Tensor): Tensor => x.relu();
/** x for x > 0, `negativeSlope`·x otherwise. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => x.leakyRelu(negativeSlope);
/** x for x > 0, `alpha`·(eˣ − 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor => x.elu(alpha);
/** x·Φ(x), exactly or with the tanh approximation. */
export const gelu = (x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor => x.gelu(options);
/** 1/(1 + e⁻ˣ). */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** Softmax along `axis` (PyTorch's `dim`). */
export const softmax = (x: Tensor, axis = -1): Tensor => x.softmax(axis);
/** log(softmax) along `axis`, computed stably. */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => x.logSoftmax(axis);
/** log(1 + e^(βx))/β, and x where βx > threshold. */
export const softplus = (x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor =>
  x.softplus(options);

/**
 * x for x > 0, `weight`·x otherwise, with one learned slope (`weight` of 1 element) or one per
 * channel (`weight` `[C]` along axis 1, as PyTorch).
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  requireTensor('prelu', 'the input', x);
  requireTensor('prelu', 'weight', weight);
  let w = weight;
  if (weight.size !== 1) {
    if (weight.ndim !== 1 || x.ndim < 2 || x.shape[1] !== weight.size) {
      throw new TapegradError(
        'prelu',
        `weight of shape ${fmtShape(weight.shape)} needs input channels (axis 1) of size ${weight.size}, got input shape ${fmtShape(x.shape)}.`,
      );
    }
    w = weight.reshape([weight.size, ...x.shape.slice(2).map(() => 1)]);
  }
  return markComposite(where(x.gt(0), x, x.mul(w)), 'prelu', [x, w]);
}
