import { describeValue, fmtShape, TapegradError } from './errors.js';

/** Number of elements of a shape (1 for the 0-d shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: shapes aligned from the right, size-1 or missing axes stretch. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new TapegradError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (axis ${i - n}: ${da} vs ${db}). Sizes must match or one of them must be 1.`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Whether `from` broadcasts to `to`. */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const f = from[from.length - i]!;
    if (f !== 1 && f !== to[to.length - i]) return false;
  }
  return true;
}

/** Normalizes a possibly negative axis against `rank`, or throws naming the op. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new TapegradError(
      op,
      `axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${rank === 0 ? 'none' : `${-rank}..${rank - 1}`}).`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Throws unless `v` is an array of numbers (a shape, a list of axes), naming the op and what was passed. */
export function requireNumberList(op: string, name: string, v: unknown): readonly number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number')) {
    throw new TapegradError(op, `${name} must be an array of integers, got ${shapeText(v)}.`);
  }
  return v;
}

/** Normalizes `axis?: number | number[]` into sorted, unique, non-negative axes (all when undefined). */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | undefined | null,
  rank: number,
): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : requireNumberList(op, 'axis', axis);
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new TapegradError(op, `axis ${fmtAxes(list)} repeats an axis.`);
  return out.sort((x, y) => x - y);
}

const fmtAxes = (a: readonly number[]) => `[${a.join(',')}]`;

/** Resolves a target shape with at most one `-1` for `size` elements. */
export function resolveShape(
  op: string,
  shape: readonly number[],
  size: number,
  from: readonly number[],
): number[] {
  requireNumberList(op, 'the shape', shape);
  let infer = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1) {
      if (infer >= 0) throw new TapegradError(op, `shape ${fmtShape(shape)} has more than one -1.`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new TapegradError(op, `shape ${fmtShape(shape)} has an invalid size ${d}.`);
    } else known *= d;
  });
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new TapegradError(
        op,
        `cannot infer -1 in ${fmtShape(shape)} for ${size} elements (input shape ${fmtShape(from)}).`,
      );
    }
    out[infer] = size / known;
  } else if (known !== size) {
    throw new TapegradError(
      op,
      `cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(shape)} (${known} elements).`,
    );
  }
  return out;
}

/**
 * The most elements a tensor holds: int32 indices (argmax, gather, sort) must reach every element,
 * and a typed array cannot be longer anyway.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Checks a user-supplied shape: non-negative integers only, at most {@link MAX_ELEMENTS} elements. */
export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TapegradError(
      op,
      `invalid shape ${shapeText(shape)}: expected an array of non-negative integers${Array.isArray(shape) ? '' : ', e.g. [2, 3]'}.`,
    );
  }
  checkSize(op, shape);
  return [...shape];
}

/** Throws unless a tensor of `shape` can exist (at most {@link MAX_ELEMENTS} elements). */
export function checkSize(op: string, shape: readonly number[]): void {
  const n = sizeOf(shape);
  if (n > MAX_ELEMENTS) {
    throw new TapegradError(
      op,
      `shape ${fmtShape(shape)} has ${n.toPrecision(3)} elements; a tensor holds at most ${MAX_ELEMENTS} (2^31 − 1).`,
    );
  }
}

/** A shape as the user wrote it, for error messages (NaN and Infinity included, unlike JSON). */
function shapeText(shape: unknown): string {
  if (!Array.isArray(shape)) {
    if (typeof shape === 'number') return `${shape} (a number)`;
    return typeof shape === 'string' ? `'${shape}'` : describeValue(shape);
  }
  return `[${shape.map((d) => (typeof d === 'string' ? `'${d}'` : String(d))).join(',')}]`;
}
