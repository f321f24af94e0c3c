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
