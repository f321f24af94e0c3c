/**
 * Average pooling over NCHW input: strided windows with zero padding (`avgPool2d`) and PyTorch's
 * adaptive windows (`adaptiveAvgPool2d`). Both are linear maps given by their windows; the
 * backward is the adjoint map, whose own backward is the forward again (second order works).
 */
import { requireTensor } from '../args.js';
import { fmtShape, TapegradError } from '../errors.js';
import {
  type AvgWindows,
  adaptiveWindows,
  avgPool,
  avgPoolBackward,
  slidingWindows,
  windowAreas,
} from '../kernels/pool.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { record } from '../record.js';
import { checkSize } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { geometry, type Pair, pair } from './conv.js';
import { requireFloat } from './elementwise.js';

/** Options of `avgPool2d`; `stride` defaults to `kernelSize`, as PyTorch. */
export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  /** Divide by the whole window, padding included (default true, as PyTorch), or only by the input cells in it. */
  countIncludePad?: boolean;
}

const AVG_POOL_KEYS: OptionKeys<AvgPool2dOptions> = {
  kernelSize: true,
  stride: true,
  padding: true,
  countIncludePad: true,
};

const requireNchw = (op: string, x: Tensor) => {
  requireTensor(op, 'the input', x);
  if (x.ndim !== 4) throw new TapegradError(op, `input must be NCHW (4-D), got shape ${fmtShape(x.shape)}.`);
  requireFloat(op, x);
};

/** Pools `x` over `win`, recorded as `op` with `attrs`. */
function pool(op: string, x: Tensor, win: AvgWindows, attrs: Record<string, number[] | boolean>): Tensor {
  const [n, c] = x.shape as [number, number];
  const shape = [n, c, win.rowStart.length, win.colStart.length];
  return record(
    op,
    [x],
    ([a]) => {
      const out = emptyTensor(shape, a!.dtype);
      avgPool(a!.data as Float64Array, n * c, win, out.data as Float64Array);
      return out;
    },
    (g) => [unpool(op, g, win, x.shape)],
    attrs,
  );
}

/** The adjoint of {@link pool}: spreads each gradient evenly over its window. */
function unpool(op: string, g: Tensor, win: AvgWindows, xShape: readonly number[]): Tensor {
  const [n, c] = xShape as [number, number];
  return record(
    `${op}Backward`,
    [g],
    ([a]) => {
      const dx = emptyTensor(xShape, a!.dtype);
      avgPoolBackward(a!.data as Float64Array, n * c, win, dx.data as Float64Array);
      return dx;
    },
    (c2) => [pool(op, c2, win, {})],
  );
}

/**
 * Window means over NCHW input, PyTorch's `avg_pool2d` (floor mode): each window's sum is divided
 * by `kh·kw` (padding counts as zeros) or, with `countIncludePad: false`, by its input cells.
 */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  options = checkOptions('avgPool2d', options, AVG_POOL_KEYS);
  requireNchw('avgPool2d', x);
  const [kh, kw] = pair('avgPool2d', 'kernelSize', options.kernelSize, 1);
  const padding = pair('avgPool2d', 'padding', options.padding ?? 0, 0);
  if (padding[0] * 2 > kh || padding[1] * 2 > kw) {
    throw new TapegradError(
      'avgPool2d',
      `padding [${padding}] must be at most half the kernel size [${kh},${kw}].`,
    );
  }
  const g = geometry('avgPool2d', x.shape, kh, kw, options.stride ?? [kh, kw], padding);
  const rows = slidingWindows(g.h, kh, g.sh, g.ph, g.oh);
  const cols = slidingWindows(g.w, kw, g.sw, g.pw, g.ow);
  const countIncludePad = options.countIncludePad ?? true;
  const divisor = countIncludePad
    ? new Float64Array(g.oh * g.ow).fill(kh * kw)
    : windowAreas(rows.start, rows.end, cols.start, cols.end);
  const win = {
    h: g.h,
    w: g.w,
    rowStart: rows.start,
    rowEnd: rows.end,
    colStart: cols.start,
    colEnd: cols.end,
    divisor,
  };
  return pool('avgPool2d', x, win, {
    kernelSize: [kh, kw],
    stride: [g.sh, g.sw],
    padding,
    countIncludePad,
  });
}

/**
 * Average pooling to a fixed output size `[oh, ow]` (a number for both; `null` keeps that input
 * size), with PyTorch's windows: output row i averages input rows `⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ − 1`.
 */
export function adaptiveAvgPool2d(
  x: Tensor,
  outputSize: number | readonly [number | null, number | null],
): Tensor {
  requireNchw('adaptiveAvgPool2d', x);
  const [, , h, w] = x.shape as [number, number, number, number];
  const [oh, ow] =
    typeof outputSize === 'number'
      ? [outputSize, outputSize]
      : Array.isArray(outputSize) && outputSize.length === 2
        ? outputSize
        : [Number.NaN, Number.NaN];
  const size: [number, number] = [oh ?? h, ow ?? w];
  if (!size.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new TapegradError(
      'adaptiveAvgPool2d',
      `outputSize must be a positive integer or a pair of them (null keeps the input size), got ${JSON.stringify(outputSize)}.`,
    );
  }
  checkSize('adaptiveAvgPool2d', [x.shape[0]!, x.shape[1]!, ...size]);
  if (h === 0 || w === 0) {
    throw new TapegradError('adaptiveAvgPool2d', `input ${fmtShape(x.shape)} has an empty spatial axis.`);
  }
  const rows = adaptiveWindows(h, size[0]);
  const cols = adaptiveWindows(w, size[1]);
  const divisor = windowAreas(rows.start, rows.end, cols.start, cols.end);
  const win = {
    h,
    w,
    rowStart: rows.start,
    rowEnd: rows.end,
    colStart: cols.start,
    colEnd: cols.end,
    divisor,
  };
  return pool('adaptiveAvgPool2d', x, win, { outputSize: size });
}

provideOps({ adaptiveAvgPool2d, avgPool2d });
