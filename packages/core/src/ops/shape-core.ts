import * as k from '../kernels/indexing.js';
import { cast, expand, record, sumTo } from '../record.js';
import { resolveShape } from '../shape.js';
import type { OpAttrs } from '../tensor.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';

/** Same elements in a new shape (row-major; one `-1` inferred). Copies, so the result is independent. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape('reshape', shape, x.size, x.shape);
  return record(
    'reshape',
    [x],
    ([a]) => {
      const out = emptyTensor(target, a!.dtype);
      out.data.set(a!.data);
      return out;
    },
    (g) => [reshape(g, x.shape)],
    { shape: target },
  );
}

/**
 * `out.flat[i] = x.flat[positions[i]]`, shaped `outShape`; recorded as `op` so errors and
 * explanations name the public op (permute, slice, gather, …), with that op's `attrs` for
 * exporters. The gradient scatter-adds back.
 */
export function take(
  op: string,
  x: Tensor,
  positions: Int32Array,
  outShape: readonly number[],
  attrs?: OpAttrs,
): Tensor {
  return record(
    op,
    [x],
    ([a]) => {
      const out = emptyTensor(outShape, a!.dtype);
      k.take(a!.data, positions, out.data);
      return out;
    },
    (g) => [scatterAdd(op, g, positions, x.shape)],
    attrs,
  );
}

/** `out = zeros(shape); out.flat[positions[i]] += g.flat[i]`: the adjoint of {@link take}. */
export function scatterAdd(op: string, g: Tensor, positions: Int32Array, shape: readonly number[]): Tensor {
  return record(
    `${op}Backward`,
    [g],
    ([a]) => {
      const out = emptyTensor(shape, a!.dtype);
      k.scatterAdd(a!.data, positions, out.data);
      return out;
    },
    (c) => [take(op, c, positions, g.shape)],
  );
}

provideOps({ cast, expand, reshape });

export { cast, expand, sumTo };
