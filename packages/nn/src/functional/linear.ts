import { linear as coreLinear, TapegradError, type Tensor } from '@tapegrad/core';
import { fmtShape } from '../util.js';

/**
 * `x @ weightᵀ + bias` over the last axis of `x`, with `weight` in PyTorch's `[out, in]` layout.
 * `op` names the caller in errors (the `Linear` layer passes its own name).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, op = 'linear'): Tensor {
  const inFeatures = weight.shape[1];
  if (weight.ndim !== 2 || inFeatures === undefined) {
    throw new TapegradError(op, `weight must be 2-D [out, in], got shape ${fmtShape(weight.shape)}.`);
  }
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new TapegradError(
      op,
      `input has ${x.ndim === 0 ? 'no feature axis' : `${x.shape[x.ndim - 1]} features`} (shape ${fmtShape(x.shape)}) but the layer expects inFeatures=${inFeatures}. Reshape the input so its last axis has ${inFeatures} entries, or build the layer with inFeatures=${x.shape[x.ndim - 1] ?? 1}.`,
    );
  }
  return coreLinear(x, weight, bias);
}
