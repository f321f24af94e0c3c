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
export const fmtShape = (shape: readonly number[]): string => `[${shape.join(',')}]`;

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

/** A numeric parameter (slope, alpha, beta, bound, …) must be a number that is not NaN; names the op. */
export function requireNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new TapegradError(op, `${name} must be a number, got ${JSON.stringify(v) ?? String(v)}.`);
  }
  return v;
}
