/** `checkHandDerived`: gradients worked out on paper against autodiff and finite differences. */
import { type NestedNumbers, tensor } from '../creation.js';
import { gradientsOf } from '../differentiable.js';
import { describeValue, fmtShape, TapegradError } from '../errors.js';
import { noGrad, withGradMode } from '../grad-mode.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { Scalar, scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import { fmtErr, fmtNum, fmtTol, table } from './table.js';
import {
  checkInputs,
  checkOutput,
  type Differentiable,
  elementOf,
  flatValues,
  fmtIndex,
  inputName,
  leafCopy,
  multiIndex,
  setElement,
  sizeOfValue,
} from './values.js';

/** A hand-derived gradient: a number per Scalar input; an array, typed array or Tensor of the input's shape per Tensor input. */
export type HandGradient = number | readonly unknown[] | Float32Array | Float64Array | Tensor;

/** Options of {@link checkHandDerived}. */
export interface HandDerivedOptions {
  /** Absolute tolerance of hand against autodiff and numeric (default 1e-6). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
}

const HAND_DERIVED_KEYS: OptionKeys<HandDerivedOptions> = { atol: true, rtol: true, eps: true };

/** One gradient element: what the paper says, what autodiff says, what finite differences say. */
export interface HandDerivedRow {
  /** The input's label, or `input k`. */
  input: string;
  inputIndex: number;
  /** Multi-index of the element (`[]` for a Scalar). */
  index: number[];
  hand: number;
  autodiff: number;
  numeric: number;
  /** The hand value agrees with both autodiff and finite differences. */
  ok: boolean;
}

/** The comparison table. */
export interface HandDerivedReport {
  ok: boolean;
  rows: HandDerivedRow[];
  atol: number;
  rtol: number;
  /** Remarks, e.g. autodiff itself disagreeing with finite differences. */
  notes: string[];
  /** The table, wrong rows marked and named. */
  toString(): string;
}

/**
 * Checks gradients derived by hand: for each element of each input, the hand value against the
 * autodiff gradient and a float64 central difference. `f` returns a single-element Scalar or
 * Tensor (a loss) and receives fresh copies of `inputs`; `handGrads[k]` is a number for a Scalar
 * input, or an array/Tensor of input k's shape.
 *
 * @example
 * checkHandDerived((w) => loss(w), [w5], [-0.018375021], { atol: 1e-8 }).toString();
 */
export function checkHandDerived<T extends Differentiable[]>(
  f: (...inputs: T) => Differentiable,
  inputs: readonly [...T],
  handGrads: readonly HandGradient[],
  options: HandDerivedOptions = {},
): HandDerivedReport {
  const fn = 'checkHandDerived';
  options = checkOptions(fn, options, HAND_DERIVED_KEYS);
  if (typeof f !== 'function') {
    throw new TapegradError(fn, `the first argument must be a function of the inputs, got ${typeof f}.`);
  }
  checkInputs(fn, inputs);
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-4;
  const eps = options.eps ?? 1e-6;
  if (!Array.isArray(handGrads) || handGrads.length !== inputs.length) {
    throw new TapegradError(
      fn,
      `handGrads must have one entry per input (${inputs.length}), got ${Array.isArray(handGrads) ? handGrads.length : describeValue(handGrads)}.`,
    );
  }
  const names = inputs.map(inputName);
  const hand = inputs.map((x, k) => handValues(x, handGrads[k], names[k]!));
  const call = f as (...a: Differentiable[]) => Differentiable;

  const copies = inputs.map((x) => leafCopy(x, true));
  const out = checkOutput(
    fn,
    withGradMode(true, () => call(...copies)),
  );
  if (sizeOfValue(out) !== 1) {
    throw new TapegradError(
      fn,
      `the function must return a single value (a loss), got shape ${fmtShape(out instanceof Tensor ? out.shape : [])}. Reduce it (e.g. .sum()) first.`,
    );
  }
  const seed = out instanceof Scalar ? scalar(1) : leafCopy(out, false);
  if (seed instanceof Tensor) seed.data[0] = 1;
  const grads = out.requiresGrad ? gradientsOf([out], [seed], copies) : copies.map(() => null);

  const numericInputs = inputs.map((x) => leafCopy(x, false, x instanceof Tensor ? 'float64' : undefined));
  const evaluate = () =>
    elementOf(
      checkOutput(
        fn,
        noGrad(() => call(...numericInputs)),
      ),
      0,
    );

  const rows: HandDerivedRow[] = [];
  const notes: string[] = [];
  inputs.forEach((x, k) => {
    const g = grads[k];
    const auto = g ? flatValues(g as Differentiable) : new Float64Array(sizeOfValue(x));
    const shape = x instanceof Tensor ? x.shape : [];
    const target = numericInputs[k]!;
    for (let i = 0; i < auto.length; i++) {
      const v = elementOf(target, i);
      setElement(target, i, v + eps);
      const plus = evaluate();
      setElement(target, i, v - eps);
      const minus = evaluate();
      setElement(target, i, v);
      const numeric = (plus - minus) / (2 * eps);
      const autodiff = auto[i]!;
      const h = hand[k]![i]!;
      const close = (a: number, b: number) => Math.abs(a - b) <= atol + rtol * Math.abs(b);
      if (!close(autodiff, numeric) && notes.length < 3) {
        notes.push(
          `autodiff (${fmtNum(autodiff)}) and finite differences (${fmtNum(numeric)}) disagree for '${names[k]}' ${fmtIndex(multiIndex(shape, i))}: check the function with gradcheck.`,
        );
      }
      rows.push({
        input: names[k]!,
        inputIndex: k,
        index: multiIndex(shape, i),
        hand: h,
        autodiff,
        numeric,
        ok: close(h, autodiff) && close(h, numeric),
      });
    }
  });
  const ok = rows.every((r) => r.ok);
  return { ok, rows, atol, rtol, notes, toString: () => formatHandReport(rows, atol, rtol, notes) };
}

const MAX_ROWS = 20;

function formatHandReport(rows: HandDerivedRow[], atol: number, rtol: number, notes: string[]): string {
  const wrong = rows.filter((r) => !r.ok);
  const wrongNames = [...new Set(wrong.map((r) => r.input))];
  const head =
    wrong.length === 0
      ? `checkHandDerived: all ${rows.length} hand-derived gradients agree with autodiff and finite differences`
      : `checkHandDerived: ${wrong.length} of ${rows.length} hand-derived gradients are WRONG (${wrongNames.map((n) => `'${n}'`).join(', ')})`;
  const shown =
    rows.length <= MAX_ROWS
      ? rows
      : [...wrong.slice(0, MAX_ROWS - 5), ...rows.filter((r) => r.ok).slice(0, 5)];
  const body = table(
    ['input', 'element', 'hand', 'autodiff', 'numeric', '|hand-autodiff|', ''],
    shown.map((r) => [
      r.input,
      fmtIndex(r.index),
      fmtNum(r.hand),
      fmtNum(r.autodiff),
      fmtNum(r.numeric),
      fmtErr(Math.abs(r.hand - r.autodiff)),
      r.ok ? 'ok' : '✗ wrong',
    ]),
  );
  const lines = [`${head} (atol ${fmtTol(atol)}, rtol ${fmtTol(rtol)})`, ...body];
  if (shown.length < rows.length) lines.push(`  … ${rows.length - shown.length} more rows, all ok`);
  for (const n of notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** The hand gradient of input `x` as flat float64 numbers, validated against its shape. */
function handValues(x: Differentiable, h: unknown, name: string): Float64Array {
  const fn = 'checkHandDerived';
  if (x instanceof Scalar) {
    if (typeof h !== 'number') {
      throw new TapegradError(
        fn,
        `the hand gradient of Scalar input '${name}' must be a number, got ${describeValue(h)}.`,
      );
    }
    return Float64Array.of(h);
  }
  if (typeof h === 'number' && x.size === 1) return Float64Array.of(h);
  const flat = h instanceof Float32Array || h instanceof Float64Array;
  if (!(h instanceof Tensor) && !flat && !Array.isArray(h)) {
    throw new TapegradError(
      fn,
      `the hand gradient of tensor input '${name}' must be a nested array, a typed array or a Tensor of shape ${fmtShape(x.shape)}, got ${describeValue(h)}.`,
    );
  }
  const t =
    h instanceof Tensor
      ? h
      : flat
        ? tensor(Float64Array.from(h))
        : tensor(h as NestedNumbers, { dtype: 'float64' });
  const sameShape = t.shape.length === x.shape.length && t.shape.every((d, i) => d === x.shape[i]);
  if (t.size !== x.size || (!flat && !sameShape)) {
    throw new TapegradError(
      fn,
      `the hand gradient of '${name}' has shape ${fmtShape(t.shape)}, the input has shape ${fmtShape(x.shape)}; give one value per element.`,
    );
  }
  return flatValues(t);
}
