import { copiesNote } from './copies.js';

/**
 * The one error type tapegrad throws for user mistakes. Its message names the op, the offending
 * shapes, dtypes or values, and where it helps, the fix.
 */
export class TapegradError extends Error {
  /** The op or function that rejected its input (e.g. `'matmul'`, `'backward'`). */
  readonly op: string;

  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'TapegradError';
    this.op = op;
  }
}

/** Formats a shape as `[2,3]` for error messages. */
export const fmtShape = (shape: readonly number[]): string =>
  Array.isArray(shape) ? `[${shape.join(',')}]` : String(shape);

/**
 * A short description of an unexpected value's type for error messages (`null`, `an array`,
 * `Tensor`, `string`, …). An object's class name is given without the underscores a bundler may
 * prefix (`_Tensor`), followed by a note when several copies of @tapegrad/core are loaded.
 */
export const describeValue = (x: unknown): string =>
  x === null
    ? 'null'
    : x === undefined
      ? 'undefined'
      : Array.isArray(x)
        ? 'an array'
        : typeof x === 'object'
          ? `${((x as object).constructor?.name ?? 'object').replace(/^_+(?=\w)/, '')}${copiesNote()}`
          : typeof x;

/** Throws unless `f` is a function (a callback, a function to transform), naming the op and what came instead. */
export function requireFunction(op: string, name: string, f: unknown): void {
  if (typeof f !== 'function') {
    throw new TapegradError(op, `${name} must be a function, got ${describeValue(f)}.`);
  }
}

/** A numeric parameter (slope, alpha, beta, bound, …) must be a number that is not NaN; names the op. */
export function requireNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    const shown = typeof v === 'number' || v === undefined ? String(v) : (JSON.stringify(v) ?? String(v));
    throw new TapegradError(op, `${name} must be a number, got ${shown}.`);
  }
  return v;
}
