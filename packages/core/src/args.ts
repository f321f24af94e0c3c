/**
 * Argument checks for public entry points, shared by core and nn: each runs before any kernel, so
 * a wrong argument fails with a `TapegradError` naming the function, the argument and what was
 * passed, never a `TypeError` from deep inside.
 */
import { describeValue, TapegradError } from './errors.js';
import { Tensor } from './tensor.js';

/** What was passed where a Tensor belongs, and how to make one from it. */
function notATensor(x: unknown): string {
  if (Array.isArray(x)) return 'got an array; wrap it with tensor(...)';
  if (typeof x === 'number') return `got the number ${x}; wrap it with tensor(${x}) for a 0-d tensor`;
  if (ArrayBuffer.isView(x))
    return `got a ${describeValue(x)}; wrap it with tensor(...) or fromTypedArray(data, shape)`;
  return `got ${describeValue(x)}`;
}

/**
 * Returns `x` if it is a Tensor; otherwise throws naming `op` and the argument `name` (a plain
 * array gets "expected a Tensor, got an array; wrap it with tensor(...)").
 */
export function requireTensor(op: string, name: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  throw new TapegradError(op, `expected a Tensor for ${name}, ${notATensor(x)}.`);
}

/**
 * Returns `x` if it is a Tensor or a number (a binary op's operand); otherwise throws as
 * `requireTensor` (`name` may be empty when the op has no better word than "operand").
 */
export function requireOperand(op: string, name: string, x: unknown): Tensor | number {
  if (x instanceof Tensor || typeof x === 'number') return x;
  throw new TapegradError(
    op,
    `expected a Tensor or a number${name ? ` for ${name}` : ''}, ${notATensor(x)}.`,
  );
}

/** `requireTensor` for an optional argument: `null` and `undefined` pass through as `null`. */
export function optionalTensor(op: string, name: string, x: unknown): Tensor | null {
  return x === null || x === undefined ? null : requireTensor(op, name, x);
}

/** Checks a list of tensors (`concat`, `stack`, …): an array whose every element is a Tensor. */
export function requireTensorList(op: string, name: string, xs: unknown): Tensor[] {
  if (!Array.isArray(xs)) {
    throw new TapegradError(op, `expected an array of Tensors for ${name}, got ${describeValue(xs)}.`);
  }
  xs.forEach((x, i) => requireTensor(op, `element ${i} of ${name}`, x));
  return xs as Tensor[];
}

/**
 * Returns `v` if it is an integer ≥ `min` (any integer with `min` −Infinity); otherwise throws
 * naming `op`, `name` and the value.
 */
export function requireInteger(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    const bound = min === -Infinity ? '' : ` ≥ ${min}`;
    throw new TapegradError(op, `${name} must be an integer${bound}, got ${showValue(v)}.`);
  }
  return v;
}

/**
 * Returns `v` if it is a finite number in `[min, max]`; otherwise throws naming `op`, `name`, the
 * range and the value (NaN and ±Infinity included).
 */
export function requireFinite(op: string, name: string, v: unknown, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const range =
      min === -Infinity && max === Infinity
        ? 'a finite number'
        : max === Infinity
          ? `a finite number ≥ ${min}`
          : min === -Infinity
            ? `a finite number ≤ ${max}`
            : `a number in [${min}, ${max}]`;
    throw new TapegradError(op, `${name} must be ${range}, got ${showValue(v)}.`);
  }
  return v;
}

/** A value as an error message shows it: numbers as JavaScript prints them, strings quoted. */
export function showValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  return describeValue(v);
}
