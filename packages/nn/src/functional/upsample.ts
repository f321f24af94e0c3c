import {
  arange,
  checkOptions,
  type OptionKeys,
  requireTensor,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';
import { fmtShape } from '../util.js';

/** Options of {@link interpolate}: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** Output size of each spatial axis (one number for all). */
  size?: number | readonly number[] | null;
  /** Multiplier of each spatial axis (one number for all); the output size is ⌊in·scale⌋. */
  scaleFactor?: number | readonly number[] | null;
  /** Only `'nearest'` (PyTorch's default) is supported. */
  mode?: 'nearest';
}

/** The keys of {@link InterpolateOptions}. */
export const INTERPOLATE_KEYS: OptionKeys<InterpolateOptions> = { size: true, scaleFactor: true, mode: true };

const perAxis = (op: string, name: string, v: number | readonly number[], n: number): number[] => {
  const list = typeof v === 'number' ? Array.from({ length: n }, () => v) : [...v];
  if (list.length !== n || list.some((x) => !(x > 0) || !Number.isFinite(x))) {
    throw new TapegradError(
      op,
      `${name} must be a positive number or ${n} of them, got ${JSON.stringify(v)}.`,
    );
  }
  return list;
};

/**
 * Source positions of nearest-neighbour resampling from `size` to `out` along one axis, as
 * PyTorch 1.13 computes them (in float32): ⌊dst·scale⌋ capped at size − 1, with scale = 1/factor
 * when a scale factor was given, else size/out.
 */
function nearestIndex(size: number, out: number, factor: number | undefined): Tensor {
  const scale = Math.fround(factor === undefined ? size / out : 1 / factor);
  return arange(0, out, 1, { dtype: 'float32' })
    .mul(scale)
    .int()
    .minimum(size - 1)
    .int();
}

/**
 * Resizes the spatial axes of `[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]` input by nearest
 * neighbour (PyTorch's `F.interpolate(mode='nearest')`). Each output element copies one input
 * element, so the gradient sums back into the inputs it was copied from.
 */
export function interpolate(x: Tensor, options: InterpolateOptions, op = 'interpolate'): Tensor {
  const { size = null, scaleFactor = null, mode = 'nearest' } = checkOptions(op, options, INTERPOLATE_KEYS);
  requireTensor(op, 'the input', x);
  if (mode !== 'nearest')
    throw new TapegradError(op, `mode '${String(mode)}' is not supported; use 'nearest'.`);
  if (x.ndim < 3 || x.ndim > 5) {
    throw new TapegradError(
      op,
      `expects [N, C, L], [N, C, H, W] or [N, C, D, H, W] input, got shape ${fmtShape(x.shape)}.`,
    );
  }
  if ((size === null) === (scaleFactor === null)) {
    throw new TapegradError(op, 'give exactly one of size and scaleFactor.');
  }
  const spatial = x.ndim - 2;
  const factors = scaleFactor === null ? null : perAxis(op, 'scaleFactor', scaleFactor, spatial);
  const sizes =
    size === null
      ? x.shape.slice(2).map((d, i) => Math.floor(d * factors![i]!))
      : perAxis(op, 'size', size, spatial).map((d) => {
          if (!Number.isInteger(d))
            throw new TapegradError(op, `size must hold integers, got ${JSON.stringify(size)}.`);
          return d;
        });
  let y = x;
  sizes.forEach((out, i) => {
    const axis = i + 2;
    const n = x.shape[axis]!;
    if (out < 1)
      throw new TapegradError(
        op,
        `output size ${out} of axis ${axis} is empty (input ${fmtShape(x.shape)}).`,
      );
    if (out !== n) y = y.indexSelect(axis, nearestIndex(n, out, factors?.[i]));
  });
  return y;
}
