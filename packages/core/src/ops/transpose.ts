/** Matrix transposes with PyTorch's names: `t()` and the `.T` getter. */
import { fmtShape, TapegradError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { permute } from './shape.js';

/** Swaps the two axes of a matrix; 0-d and 1-D tensors come back unchanged, as `torch.t`. */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) {
    throw new TapegradError(
      't',
      `expects a tensor with at most 2 axes, got shape ${fmtShape(x.shape)}. Use transpose(a, b) to swap two axes of a batch.`,
    );
  }
  return x.ndim < 2 ? x : permute(x, [1, 0]);
}

/** Reverses the order of all axes (`x.T`, as NumPy and PyTorch); 0-d and 1-D come back unchanged. */
export const reverseAxes = (x: Tensor): Tensor =>
  x.ndim < 2
    ? x
    : permute(
        x,
        x.shape.map((_, i) => x.ndim - 1 - i),
      );

provideOps({ reverseAxes, t });
