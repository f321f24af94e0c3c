/**
 * The shape primitives the engine itself relies on: dtype casts, broadcasting (`expand`) and its
 * adjoint (`sumTo`), `reshape`, and gathering flat positions (`take`) with its adjoint
 * (`scatterAdd`). Every other shape op is built from these.
 */
import type { DType } from '../dtype.js';
import { fmtShape, TapegradError } from '../errors.js';
import * as k from '../kernels/indexing.js';
import { fuse } from '../lazy.js';
import { record } from '../record.js';
import { broadcastsTo, checkShape, resolveShape, sameShape, sizeOf } from '../shape.js';
import type { OpAttrs } from '../tensor.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { sum } from './reduce.js';

/** Converts to `dtype`; between float dtypes the gradient is cast back. int32 results never require grad. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const convert = ([a]: Tensor[]) => {
    const out = emptyTensor(a!.shape, dtype);
    k.convert(a!.data, out.data);
    return out;
  };
  if (dtype === 'int32' || x.dtype === 'int32') return convert([x]);
  return record('cast', [x], convert, (g) => [cast(g, x.dtype)], { dtype });
}

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

/** Broadcasts to `shape` (NumPy rules; new leading axes allowed; `-1` keeps a size). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const offset = shape.length - x.shape.length;
  if (offset < 0) {
    throw new TapegradError(
      'expand',
      `cannot expand shape ${fmtShape(x.shape)} to fewer axes ${fmtShape(shape)}.`,
    );
  }
  const target = shape.map((d, i) => (d === -1 && i >= offset ? x.shape[i - offset]! : d));
  checkShape('expand', target);
  if (!broadcastsTo(x.shape, target)) {
    throw new TapegradError(
      'expand',
      `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)}: only size-1 axes can grow.`,
    );
  }
  if (sameShape(x.shape, target)) return x;
  return record(
    'expand',
    [x],
    ([a]) => {
      const lazy = a!.size === 1 ? fuse({ kind: 'copy' }, [a!], target, a!.dtype) : null;
      if (lazy) return lazy;
      const out = emptyTensor(target, a!.dtype);
      k.broadcastTo(a!.data, a!.shape, out.data, target);
      return out;
    },
    (g) => [sumTo(g, x.shape)],
    { shape: target },
  );
}

/** Sums `g` over the axes along which `shape` was broadcast: the adjoint of {@link expand}. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const summed = sum(g, axes, true);
  return sizeOf(summed.shape) === sizeOf(shape) && summed.shape.length === shape.length
    ? summed
    : reshape(summed, shape);
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
