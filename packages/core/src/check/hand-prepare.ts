/**
 * What `checkHandDerived` is asked: the targets of the hand gradients (inputs, or values labelled
 * inside the function) and how to get the hand values at any point — fixed numbers, or the user's
 * function of the values there.
 */
import { type NestedNumbers, tensor } from '../creation.js';
import { describeValue, fmtShape, TapegradError } from '../errors.js';
import { Scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import { type Call, type HandTarget, type Point, type Run, runWithGrad } from './hand-run.js';
import { type Differentiable, flatValues, inputName, leafCopy } from './values.js';

const FN = 'checkHandDerived';

/** What float64 central differences (step 1e-6) can be trusted to: tolerances are never tighter. */
const NUMERIC_ATOL = 1e-7;
const NUMERIC_RTOL = 1e-5;

/** A hand-derived gradient: a number for a single value; an array, typed array or Tensor of the value's shape. */
export type HandGradient = number | readonly unknown[] | Float32Array | Float64Array | Tensor;

/** Hand gradients at one point: one per input, or a record by label. */
export type HandResult = readonly HandGradient[] | Readonly<Record<string, HandGradient>>;

/**
 * What a hand function receives: every input and every labelled value of the function at the
 * point, by label — numbers when the inputs are Scalars, float64 Tensors when they are Tensors.
 */
export type HandValues<T extends readonly Differentiable[]> = T extends readonly Scalar[]
  ? Readonly<Record<string, number>>
  : Readonly<Record<string, Tensor>>;

/** A value as the hand function sees it. */
export type HandValue = number | Tensor;

/** The question, resolved. */
export interface Prepared {
  call: Call;
  inputs: readonly Differentiable[];
  /** The inputs' names (labels, or `input k`). */
  names: string[];
  targets: HandTarget[];
  /** Labels of the intermediate targets (they must be labelled before use). */
  watched: Set<string>;
  /** The hand was given as numbers (possibly printed, rounded digits), not as a function. */
  fixedHand: boolean;
  /** The hand gradients for a run: one flat array per target. */
  handAt(run: Run, nodes: readonly Differentiable[], values: Record<string, HandValue>): Float64Array[];
  /** The hand function at modified values (for diagnosis); undefined if fixed or if it throws. */
  rehand(values: Record<string, HandValue>, nodes: readonly Differentiable[]): Float64Array[] | undefined;
  atol: number;
  rtol: number;
  eps: number;
  randomPoints: number;
  seed: number;
  radius: number;
  sampleElements: number;
  close(a: number, b: number): boolean;
  /** Against finite differences: no tighter than their own accuracy (atol 1e-7, rtol 1e-5). */
  closeNumeric(a: number, b: number): boolean;
}

interface Settings {
  atol?: number;
  rtol?: number;
  eps?: number;
  points?: number;
  seed?: number;
  radius?: number;
  sampleElements?: number;
}

/** Resolves the targets and the options. */
export function prepareHand(
  call: Call,
  inputs: readonly Differentiable[],
  hand: unknown,
  options: Settings,
): Prepared {
  const names = inputs.map(inputName);
  const isFunction = typeof hand === 'function';
  const handFn = hand as (values: Record<string, HandValue>) => unknown;
  let first: unknown = hand;
  if (isFunction) {
    const base: Point = inputs.map(flatValues);
    first = callHand(handFn, valuesOf(runWithGrad(call, inputs, base, new Set()), names), 'the given point');
  }
  const targets = handTargets(first, names);
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-4;
  const pick = (result: unknown, nodes: readonly Differentiable[]) =>
    targets.map((t, j) => handValues(nodes[j]!, entryOf(result, t, j), t.name));
  return {
    call,
    inputs,
    names,
    targets,
    watched: new Set(targets.filter((t) => t.inputIndex < 0).map((t) => t.name)),
    fixedHand: !isFunction,
    handAt: (_run, nodes, values) => pick(isFunction ? callHand(handFn, values, 'a point') : hand, nodes),
    rehand: (values, nodes) => {
      if (!isFunction) return undefined;
      try {
        return pick(handFn(values), nodes);
      } catch {
        return undefined;
      }
    },
    atol,
    rtol,
    eps: options.eps ?? 1e-6,
    randomPoints: isFunction ? Math.max(0, Math.floor(options.points ?? 50)) : 0,
    seed: options.seed ?? 0,
    radius: options.radius ?? 0.5,
    sampleElements: Math.max(1, Math.floor(options.sampleElements ?? 8)),
    close: (a, b) => Math.abs(a - b) <= atol + rtol * Math.abs(b),
    closeNumeric: (a, b) =>
      Math.abs(a - b) <= Math.max(atol, NUMERIC_ATOL) + Math.max(rtol, NUMERIC_RTOL) * Math.abs(b),
  };
}

function callHand(
  fn: (values: Record<string, HandValue>) => unknown,
  values: Record<string, HandValue>,
  where: string,
) {
  try {
    return fn(values);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new TapegradError(FN, `the hand function threw at ${where}: ${why}`);
  }
}

/** The targets a hand result speaks of: every input (an array) or the record's keys. */
export function handTargets(result: unknown, names: readonly string[]): HandTarget[] {
  if (Array.isArray(result)) {
    if (result.length !== names.length) {
      throw new TapegradError(
        FN,
        `handGrads must have one entry per input (${names.length}), got ${result.length}. To check only some, give a record by label ({ ${names[0]}: … }).`,
      );
    }
    return names.map((name, k) => ({ name, inputIndex: k }));
  }
  if (
    result === null ||
    typeof result !== 'object' ||
    result instanceof Tensor ||
    ArrayBuffer.isView(result)
  ) {
    throw new TapegradError(
      FN,
      `hand gradients must be an array (one per input), a record by label, or a function returning either; got ${describeValue(result)}.`,
    );
  }
  const keys = Object.keys(result);
  if (keys.length === 0)
    throw new TapegradError(FN, 'the record of hand gradients is empty; give at least one.');
  return keys.map((name) => ({ name, inputIndex: names.indexOf(name) }));
}

function entryOf(result: unknown, t: HandTarget, j: number): unknown {
  if (Array.isArray(result)) return result[t.inputIndex >= 0 ? t.inputIndex : j];
  if (result !== null && typeof result === 'object' && t.name in result)
    return (result as Record<string, unknown>)[t.name];
  throw new TapegradError(FN, `the hand function returned no gradient for '${t.name}' at a random point.`);
}

/** The values a hand function receives at a run: inputs by name, then the labelled values. */
export function valuesOf(run: Run, names: readonly string[]): Record<string, HandValue> {
  const values: Record<string, HandValue> = {};
  const snapshot = (x: Differentiable): HandValue =>
    x instanceof Scalar ? x.value : (leafCopy(x, false, 'float64') as Tensor);
  run.inputs.forEach((x, k) => (values[names[k]!] = snapshot(x)));
  for (const [label, node] of run.labelled) if (!(label in values)) values[label] = snapshot(node);
  return values;
}

/** A hand gradient for `x` as flat float64 numbers, validated against its shape. */
export function handValues(x: Differentiable, h: unknown, name: string): Float64Array {
  if (x instanceof Scalar) {
    if (typeof h !== 'number') {
      throw new TapegradError(
        FN,
        `the hand gradient of Scalar input '${name}' must be a number, got ${describeValue(h)}.`,
      );
    }
    return Float64Array.of(h);
  }
  if (typeof h === 'number' && x.size === 1) return Float64Array.of(h);
  const flat = h instanceof Float32Array || h instanceof Float64Array;
  if (!(h instanceof Tensor) && !flat && !Array.isArray(h)) {
    throw new TapegradError(
      FN,
      `the hand gradient of tensor '${name}' must be a nested array, a typed array or a Tensor of shape ${fmtShape(x.shape)}, got ${describeValue(h)}.`,
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
      FN,
      `the hand gradient of '${name}' has shape ${fmtShape(t.shape)}, the ${x.isLeaf ? 'input' : 'value'} has shape ${fmtShape(x.shape)}; give one value per element.`,
    );
  }
  return flatValues(t);
}
