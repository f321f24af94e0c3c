/** Shape and indexing ops, each a table of flat positions fed to `take` (gradient: scatter-add). */

import { requireTensorList } from '../args.js';
import { describeValue, fmtShape, TapegradError } from '../errors.js';
import { fillOneHot, wrapIndices } from '../kernels/fill.js';
import * as k from '../kernels/indexing.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { record } from '../record.js';
import { normalizeAxes, normalizeAxis, requireNumberList, sizeOf, stridesOf } from '../shape.js';
import { emptyTensor, Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { reshape, scatterAdd, take } from './shape-core.js';

/** Output axis `i` is input axis `axes[i]`. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  requireNumberList('permute', 'axes', axes);
  if (axes.length !== x.ndim) {
    throw new TapegradError(
      'permute',
      `axes [${axes.join(',')}] must list each of the ${x.ndim} axes of shape ${fmtShape(x.shape)} once.`,
    );
  }
  const order = axes.map((a) => normalizeAxis('permute', a, x.ndim));
  if (new Set(order).size !== order.length)
    throw new TapegradError('permute', `axes [${axes.join(',')}] repeat an axis.`);
  const strides = stridesOf(x.shape);
  const shape = order.map((a) => x.shape[a]!);
  const walk = order.map((a) => strides[a]!);
  const inverse = order.map((_, i) => order.indexOf(i));
  return record(
    'permute',
    [x],
    ([a]) => {
      const out = emptyTensor(shape, a!.dtype);
      k.stridedCopy(a!.data, out.data, shape, walk, 0);
      return out;
    },
    (g) => [permute(g, inverse)],
    { axes: order },
  );
}

/** Swaps two axes (negative allowed). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  if (x.ndim < 2 && axis0 === -2 && axis1 === -1) return x;
  const a = normalizeAxis('transpose', axis0, x.ndim);
  const b = normalizeAxis('transpose', axis1, x.ndim);
  const axes = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, axes);
}

/** Removes size-1 axes: all of them, or those listed (a listed axis of size > 1 is kept, as PyTorch). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const axes = axis === undefined ? x.shape.map((_, i) => i) : normalizeAxes('squeeze', axis, x.ndim);
  return reshape(
    x,
    x.shape.filter((d, i) => !(d === 1 && axes.includes(i))),
  );
}

/** Inserts a size-1 axis at `axis` (−1 appends). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Flattens axes `start..end` (inclusive) into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', start, x.ndim);
  const e = normalizeAxis('flatten', end, x.ndim);
  if (s > e) throw new TapegradError('flatten', `startAxis ${start} comes after endAxis ${end}.`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Python slice semantics for one axis of size `n`: returns start, count and step. */
function resolveSlice(
  spec: readonly (number | null | undefined)[] | null,
  n: number,
  axis: number,
): [number, number, number] {
  const [start, stop, step = 1] = spec ?? [];
  const s = step ?? 1;
  if (!Number.isInteger(s) || s <= 0) {
    throw new TapegradError('slice', `step must be a positive integer, got ${s} on axis ${axis}.`);
  }
  const clampIndex = (v: number | null | undefined, dflt: number) => {
    if (v === null || v === undefined) return dflt;
    if (!Number.isInteger(v))
      throw new TapegradError('slice', `slice bounds must be integers, got ${v} on axis ${axis}.`);
    const r = v < 0 ? v + n : v;
    return Math.min(Math.max(r, 0), n);
  };
  const b = clampIndex(start, 0);
  const e = clampIndex(stop, n);
  return [b, Math.max(0, Math.ceil((e - b) / s)), s];
}

/** Basic slicing per leading axis: `[[start, stop, step] | null, …]`; later axes are whole. */
export function slice(x: Tensor, slices: readonly (readonly (number | null | undefined)[] | null)[]): Tensor {
  const bad = Array.isArray(slices)
    ? slices.findIndex((s) => s !== null && s !== undefined && (!Array.isArray(s) || s.length > 3))
    : -1;
  if (!Array.isArray(slices) || bad >= 0) {
    throw new TapegradError(
      'slice',
      `expected one [start, stop, step] array (or null) per leading axis, e.g. x.slice([[0, 2], null]), got ${Array.isArray(slices) ? `${JSON.stringify(slices[bad])} for axis ${bad}` : describeValue(slices)}.`,
    );
  }
  if (slices.length > x.ndim) {
    throw new TapegradError(
      'slice',
      `${slices.length} slices given for a tensor of shape ${fmtShape(x.shape)}.`,
    );
  }
  const strides = stridesOf(x.shape);
  let offset = 0;
  const shape: number[] = [];
  const walk: number[] = [];
  x.shape.forEach((n, d) => {
    const [start, count, step] = resolveSlice(slices[d] ?? null, n, d);
    offset += start * strides[d]!;
    shape.push(count);
    walk.push(strides[d]! * step);
  });
  return take('slice', x, k.stridedIndex(shape, walk, offset), shape, {
    slices: slices.map((s) => (s === null ? null : [...s])),
  });
}

/** Picks position `index` (negative counts from the end) along `axis`, dropping the axis. */
export function select(x: Tensor, axis: number, index: number): Tensor {
  const a = normalizeAxis('select', axis, x.ndim);
  const n = x.shape[a]!;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new TapegradError(
      'select',
      `index ${index} is out of range for axis ${axis} of size ${n} (shape ${fmtShape(x.shape)}).`,
    );
  }
  const i = index < 0 ? index + n : index;
  const strides = stridesOf(x.shape);
  const shape = x.shape.filter((_, d) => d !== a);
  const walk = strides.filter((_, d) => d !== a);
  return take('select', x, k.stridedIndex(shape, walk, i * strides[a]!), shape, { axis: a, index });
}

const requireIndex = (op: string, index: Tensor) => {
  if (!(index instanceof Tensor)) {
    throw new TapegradError(
      op,
      `expected an int32 Tensor for the index, ${Array.isArray(index) ? "got an array; wrap it with tensor(values, { dtype: 'int32' })" : `got ${describeValue(index)}`}.`,
    );
  }
  if (index.dtype !== 'int32') {
    throw new TapegradError(
      op,
      `index must be an int32 Tensor, got ${index.dtype}. Create it with tensor(values, { dtype: 'int32' }) or convert it with .int().`,
    );
  }
};

/** `out[…i…] = x[… index[…i…] …]` along `axis`; `index` has x's rank. Repeated indices accumulate gradients. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  requireIndex('gather', index);
  const a = normalizeAxis('gather', axis, x.ndim);
  if (index.ndim !== x.ndim || index.shape.some((d, i) => i !== a && d > x.shape[i]!)) {
    throw new TapegradError(
      'gather',
      `index shape ${fmtShape(index.shape)} does not fit input shape ${fmtShape(x.shape)} along axis ${axis} (same rank, and no larger on the other axes).`,
    );
  }
  const { positions, bad } = k.gatherIndex(x.shape, index.data as Int32Array, index.shape, a);
  if (bad !== undefined) {
    throw new TapegradError(
      'gather',
      `index ${bad} is out of range for axis ${axis} of size ${x.shape[a]} (input shape ${fmtShape(x.shape)}).`,
    );
  }
  return take('gather', x, positions, index.shape, { axis: a, index });
}

/** Whole slices along `axis` at the positions of 1-D int32 `index` (repeats accumulate gradients). */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  requireIndex('indexSelect', index);
  if (index.ndim > 1)
    throw new TapegradError('indexSelect', `index must be 1-D, got shape ${fmtShape(index.shape)}.`);
  const a = normalizeAxis('indexSelect', axis, x.ndim);
  const n = x.shape[a]!;
  const idx = new Int32Array(index.size);
  const bad = wrapIndices(index.data, n, idx);
  if (bad !== undefined) {
    throw new TapegradError(
      'indexSelect',
      `index ${bad} is out of range for axis ${axis} of size ${n} (shape ${fmtShape(x.shape)}).`,
    );
  }
  const shape = x.shape.map((d, i) => (i === a ? idx.length : d));
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  // The position table is only needed to scatter gradients back, so backward builds it.
  return record(
    'indexSelect',
    [x],
    ([t]) => {
      const out = emptyTensor(shape, t!.dtype);
      k.takeBlocks(t!.data, outer, n, inner, idx, out.data);
      return out;
    },
    (g) => [scatterAdd('indexSelect', g, k.indexSelectPositions(outer, n, inner, idx), x.shape)],
    { axis: a, index },
  );
}

/** Joins tensors along an existing axis; all other axes must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new TapegradError('concat', 'needs a non-empty array of tensors.');
  requireTensorList('concat', 'the tensors', xs);
  const first = xs[0]!;
  if (first.ndim === 0) throw new TapegradError('concat', 'cannot concatenate 0-d tensors; use stack.');
  const a = normalizeAxis('concat', axis, first.ndim);
  xs.forEach((x, i) => {
    if (x.ndim !== first.ndim || x.shape.some((d: number, j: number) => j !== a && d !== first.shape[j])) {
      throw new TapegradError(
        'concat',
        `tensor ${i} has shape ${fmtShape(x.shape)}, incompatible with ${fmtShape(first.shape)} for concatenation along axis ${axis}.`,
      );
    }
  });
  const shape = first.shape.map((d: number, j: number) =>
    j === a ? xs.reduce((s, x) => s + x.shape[a]!, 0) : d,
  );
  const outStrides = stridesOf(shape);
  let start = 0;
  const placements = xs.map((x) => {
    const positions = k.stridedIndex(x.shape, outStrides, start * outStrides[a]!);
    start += x.shape[a]!;
    return positions;
  });
  return record(
    'concat',
    xs,
    (inputs) => {
      const out = emptyTensor(shape, inputs[0]!.dtype);
      inputs.forEach((x, i) => k.scatterAdd(x.data, placements[i]!, out.data));
      return out;
    },
    (g, inputs, _, needs) =>
      inputs.map((x, i) => (needs[i] ? take('concat', g, placements[i]!, x.shape) : null)),
    { axis: a },
  );
}

/** Joins same-shaped tensors along a new axis at `axis`. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new TapegradError('stack', 'needs a non-empty array of tensors.');
  requireTensorList('stack', 'the tensors', xs);
  const first = xs[0]!;
  xs.forEach((x, i) => {
    if (x.ndim !== first.ndim || x.shape.some((d: number, j: number) => d !== first.shape[j])) {
      throw new TapegradError(
        'stack',
        `tensor ${i} has shape ${fmtShape(x.shape)} but tensor 0 has ${fmtShape(first.shape)}; stack needs equal shapes.`,
      );
    }
  });
  const a = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    xs.map((x) => {
      const shape = [...x.shape];
      shape.splice(a, 0, 1);
      return reshape(x, shape);
    }),
    a,
  );
}

/** A copy with its own buffer; the gradient passes through unchanged. */
export const clone = (x: Tensor): Tensor =>
  record(
    'clone',
    [x],
    ([a]) => new Tensor(a!.data.slice(), a!.shape, a!.dtype),
    (g) => [g],
  );

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** The result's dtype, float32 by default. */
  dtype?: 'float32' | 'float64';
}

const ONE_HOT_KEYS: OptionKeys<OneHotOptions> = { dtype: true };

/** One-hot rows for int32 class indices: shape `[...indices.shape, numClasses]`, float32 by default. */
export function oneHot(indices: Tensor, numClasses: number, options?: OneHotOptions): Tensor {
  const { dtype = 'float32' } = checkOptions('oneHot', options, ONE_HOT_KEYS);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TapegradError('oneHot', `dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}.`);
  }
  requireIndex('oneHot', indices);
  if (!Number.isInteger(numClasses) || numClasses <= 0) {
    throw new TapegradError('oneHot', `numClasses must be a positive integer, got ${numClasses}.`);
  }
  const out = emptyTensor([...indices.shape, numClasses], dtype);
  const bad = fillOneHot(indices.data, numClasses, out.data);
  if (bad >= 0) {
    throw new TapegradError(
      'oneHot',
      `class index ${indices.data[bad]} (at flat position ${bad}) is out of range for ${numClasses} classes.`,
    );
  }
  return out;
}

provideOps({ clone, flatten, gather, indexSelect, permute, select, slice, squeeze, transpose, unsqueeze });
