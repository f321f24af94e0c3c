import { GELU_KEYS, type GeluOptions, SOFTPLUS_KEYS, type SoftplusOptions } from './activation-options.js';
import { describeValue, requireNumber as requireParameter, TapegradError } from './errors.js';
import { creationSite, isAnomalyEnabled, isGradEnabled, withGradMode } from './grad-mode.js';
import { labelGiven } from './label-hook.js';
import type { Algebra, Value } from './math/algebra.js';
import { NUMBERS } from './math/numbers.js';
import { BINARY_RULES, type BinaryRule, UNARY_RULES, type UnaryRule } from './math/rules.js';
import { checkOptions, type OptionKeys } from './options.js';
import { backwardNumbers, nodeOpName, parentOf, unaryParams } from './scalar/backward.js';
import { backwardRecorded, type ScalarKit } from './scalar/backward-recorded.js';
import {
  BINARY_CODE,
  binaryRuleOf,
  CUSTOM,
  INPUT,
  isUnaryCode,
  UNARY_CODE,
  unaryRuleOf,
} from './scalar/ops.js';
import {
  BYTES_PER_NODE,
  CONST_LEFT,
  type CustomNode,
  leafSegmentWithRoom,
  NO_PARENT,
  nextOpKey,
  nodeKey,
  opSegmentWithRoom,
  P0_GRAD,
  P1_GRAD,
  RECORDED,
  RELEASED,
  REQUIRES_GRAD,
  RETAINS_GRAD,
  type Segment,
  sealOpSegment,
  tapeCounts,
} from './scalar/segment.js';
import { BACKWARD_KEYS, type BackwardOptions } from './tape.js';

/** Options for {@link scalar}. */
export interface ScalarOptions {
  requiresGrad?: boolean;
  /** A name shown by `explainGradient`, `toDot` and the verification reports. */
  label?: string;
}

const SCALAR_KEYS: OptionKeys<ScalarOptions> = { requiresGrad: true, label: true };

/**
 * One float64 number on the tape: the micrograd-sized path for named values, hand-sized graphs
 * and hand-derived gradient checks. `.value` and `.grad` are plain writable numbers, so a
 * hand-written update (`p.value -= lr * p.grad`) works.
 *
 * A Scalar is a thin handle onto a node of a compact tape of typed arrays (58 bytes a node): each
 * op stores its result and its local derivatives as it runs, and `backward()` is one loop over the
 * nodes in reverse creation order. Nothing needs disposing: the tape's memory goes when the last
 * Scalar referring to it does.
 */
export class Scalar {
  /** @internal The segment of the tape holding this node. */
  readonly seg: Segment;
  /** @internal The node's slot in its segment. */
  readonly at: number;

  /** @internal Use {@link scalar}. */
  constructor(seg: Segment, at: number) {
    this.seg = seg;
    this.at = at;
  }

  /** The value. Writing it does not change derivatives already recorded from the old value. */
  get value(): number {
    return this.seg.value[this.at]!;
  }
  set value(v: number) {
    this.seg.value[this.at] = v;
  }
  /** Accumulated d(output)/d(this) after `backward()`; 0 until then. */
  get grad(): number {
    return this.seg.gradientOf(this.at);
  }
  set grad(v: number) {
    this.seg.setGradient(this.at, v);
  }
  /** A name shown by `explainGradient`, `toDot` and the verification reports. */
  get label(): string | undefined {
    return this.seg.labels?.get(this.at);
  }
  set label(name: string | undefined) {
    if (name === undefined) this.seg.labels?.delete(this.at);
    else {
      (this.seg.labels ??= new Map()).set(this.at, String(name));
      labelGiven(this, String(name));
    }
  }
  /** Whether gradients flow to this value (see {@link Scalar.requiresGrad_}). */
  get requiresGrad(): boolean {
    return (this.seg.flags[this.at]! & REQUIRES_GRAD) !== 0;
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  /** Number of elements: 1 (a Scalar is a 0-d float64 value). */
  get size(): 1 {
    return 1;
  }
  /** Shape: `[]`, as a 0-d tensor's. */
  get shape(): readonly number[] {
    return NO_AXES;
  }
  /** Element type: `'float64'`. */
  get dtype(): 'float64' {
    return 'float64';
  }
  /** The op that produced this value (`'leaf'` for leaves). */
  get op(): string {
    return nodeOpName(this.seg, this.at);
  }
  /** True for values not produced by a recorded op. */
  get isLeaf(): boolean {
    return (this.seg.flags[this.at]! & RECORDED) === 0;
  }
  /** Whether {@link Scalar.retainGrad} was called: this op result keeps its gradient in `.grad`. */
  get retainsGrad(): boolean {
    return (this.seg.flags[this.at]! & RETAINS_GRAD) !== 0;
  }
  /** True once a `backward()` without `retainGraph` has gone through this op result. */
  get released(): boolean {
    return (this.seg.flags[this.at]! & RELEASED) !== 0;
  }
  /**
   * An identifier of this node that orders the graph: op results created later have larger ones,
   * and leaves come before op results.
   */
  get seq(): number {
    const key = nodeKey(this.seg, this.at);
    return this.seg.holdsLeaves ? key - LEAF_OFFSET : key;
  }
  /** The Scalar inputs of the op that produced this value (none for a leaf or a number operand). */
  get parents(): Scalar[] {
    if (this.isLeaf) return [];
    if (this.seg.ops[this.at] === CUSTOM) {
      return this.seg.customs!.get(this.at)!.parents.map((p) => new Scalar(p.seg, p.at));
    }
    return [parentOf(this.seg, this.at, 0), parentOf(this.seg, this.at, 1)]
      .filter((p) => p !== null)
      .map((p) => new Scalar(p.seg, p.at));
  }

  // --- two inputs: d(a+b) = (1, 1), d(a·b) = (b, a), … (rules in math/rules.ts) -------------------

  /** `this + other`. */
  add(other: Scalar | number): Scalar {
    return binary(ADD, this, other);
  }
  /** `this − other`. */
  sub(other: Scalar | number): Scalar {
    return binary(SUB, this, other);
  }
  /** `this · other`. */
  mul(other: Scalar | number): Scalar {
    return binary(MUL, this, other);
  }
  /** `this / other`. */
  div(other: Scalar | number): Scalar {
    return binary(DIV, this, other);
  }
  /** `this ^ exponent`; at 0^0 both derivatives are 0, as PyTorch. */
  pow(exponent: Scalar | number): Scalar {
    return binary(POW, this, exponent);
  }
  /** The larger of the two; a tie splits the gradient equally, as PyTorch. */
  maximum(other: Scalar | number): Scalar {
    return binary(MAXIMUM, this, other);
  }
  /** The smaller of the two; a tie splits the gradient equally. */
  minimum(other: Scalar | number): Scalar {
    return binary(MINIMUM, this, other);
  }

  // --- one input ---------------------------------------------------------------------------------

  /** `−this`. */
  neg(): Scalar {
    return unary(U.neg, this);
  }
  /** `e^this`. */
  exp(): Scalar {
    return unary(U.exp, this);
  }
  /** Natural logarithm (−Infinity at 0, NaN below, as IEEE arithmetic). */
  log(): Scalar {
    return unary(U.log, this);
  }
  /** log(1 + this), accurate near 0. */
  log1p(): Scalar {
    return unary(U.log1p, this);
  }
  /** e^this − 1, accurate near 0. */
  expm1(): Scalar {
    return unary(U.expm1, this);
  }
  /** Square root. */
  sqrt(): Scalar {
    return unary(U.sqrt, this);
  }
  /** `this²`. */
  square(): Scalar {
    return unary(U.square, this);
  }
  /** Absolute value (gradient 0 at 0). */
  abs(): Scalar {
    return unary(U.abs, this);
  }
  /** Sine. */
  sin(): Scalar {
    return unary(U.sin, this);
  }
  /** Cosine. */
  cos(): Scalar {
    return unary(U.cos, this);
  }
  /** Hyperbolic tangent. */
  tanh(): Scalar {
    return unary(U.tanh, this);
  }
  /** Logistic sigmoid, overflow-free. */
  sigmoid(): Scalar {
    return unary(U.sigmoid, this);
  }
  /** max(0, x) (gradient 0 at 0). */
  relu(): Scalar {
    return unary(U.relu, this);
  }
  /** x for x > 0, `slope`·x otherwise (slope at 0, as PyTorch). */
  leakyRelu(slope = 0.01): Scalar {
    return unary(U.leakyRelu, this, requireParameter('leakyRelu', 'slope', slope));
  }
  /** x for x > 0, `alpha`·(e^x − 1) otherwise. */
  elu(alpha = 1): Scalar {
    return unary(U.elu, this, requireParameter('elu', 'alpha', alpha));
  }
  /** The error function. */
  erf(): Scalar {
    return unary(U.erf, this);
  }
  /** x·Φ(x) exactly (`'none'`, the default) or with the tanh approximation. */
  gelu(options?: GeluOptions): Scalar {
    const approximate = checkOptions('gelu', options, GELU_KEYS).approximate ?? 'none';
    if (approximate === 'none') return unary(U.gelu, this);
    if (approximate === 'tanh') return unary(U.geluTanh, this);
    throw new TapegradError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'.`);
  }
  /** log(1 + e^(βx))/β, and exactly x where βx > threshold (PyTorch's rule). */
  softplus(options?: SoftplusOptions): Scalar {
    options = checkOptions('softplus', options, SOFTPLUS_KEYS);
    const beta = requireParameter('softplus', 'beta', options.beta ?? 1);
    if (beta === 0) throw new TapegradError('softplus', 'beta must be non-zero.');
    return unary(U.softplus, this, beta, requireParameter('softplus', 'threshold', options.threshold ?? 20));
  }
  /** Clamps into [min, max] (pass `undefined` for a missing bound); gradient 1 inside, bounds inclusive. */
  clamp(min?: number, max?: number): Scalar {
    if (min === undefined && max === undefined) {
      throw new TapegradError('clamp', 'needs at least one of min and max.');
    }
    const lo = min === undefined ? -Infinity : requireParameter('clamp', 'min', min);
    const hi = max === undefined ? Infinity : requireParameter('clamp', 'max', max);
    if (lo > hi) throw new TapegradError('clamp', `min ${lo} is greater than max ${hi}.`);
    return unary(U.clamp, this, lo, hi);
  }

  // --- the tape ----------------------------------------------------------------------------------

  /**
   * Reverse mode from this value: accumulates d(this)/d(leaf) into `.grad` of every leaf that
   * requires grad (PyTorch semantics: gradients add up until `zeroGrad()`). The graph stays
   * readable afterwards — `explainGradient` and `toDot` still work — but a second `backward()`
   * through it needs `{ retainGraph: true }` on the first.
   */
  backward(options?: BackwardOptions): void {
    options = checkOptions('backward', options, BACKWARD_KEYS);
    if (!this.requiresGrad) {
      throw new TapegradError(
        'backward',
        `this value (op '${this.op}') does not require grad: no input of its graph has requiresGrad: true, or it was computed inside noGrad().`,
      );
    }
    const createGraph = options.createGraph ?? false;
    const retainGraph = options.retainGraph ?? createGraph;
    if (createGraph) withGradMode(true, () => backwardRecorded([this], [scalar(1)], { retainGraph }, KIT));
    else backwardNumbers([this], [1], { retainGraph });
    if (!retainGraph) sealOpSegment();
  }
  /** Sets `.grad` to 0. */
  zeroGrad(): void {
    this.grad = 0;
  }
  /** Keeps this intermediate's gradient in `.grad` during `backward()`. */
  retainGrad(): this {
    this.seg.flags[this.at] = this.seg.flags[this.at]! | RETAINS_GRAD;
    return this;
  }
  /** The same value as a new leaf, cut out of the graph (the label is kept). */
  detach(): Scalar {
    return scalar(this.value, { label: this.label });
  }
  /** Sets `requiresGrad` on a leaf (chainable, like PyTorch's `requires_grad_()`). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) {
      throw new TapegradError(
        'requiresGrad_',
        `only leaves can change requiresGrad; '${this.op}' is an op result. Use detach() first.`,
      );
    }
    const flags = this.seg.flags[this.at]!;
    this.seg.flags[this.at] = flag ? flags | REQUIRES_GRAD : flags & ~REQUIRES_GRAD;
    return this;
  }
  /** `Scalar(label=value)` or `Scalar(value)`. */
  toString(): string {
    return this.label ? `Scalar(${this.label}=${this.value})` : `Scalar(${this.value})`;
  }
}

const NO_AXES: readonly number[] = Object.freeze([]);

/** Puts leaves' `seq` below every op result's. */
const LEAF_OFFSET = 2 ** 52;

/** A leaf Scalar: `scalar(0.25, { requiresGrad: true, label: 'w5' })`. */
export function scalar(value: number, options?: ScalarOptions): Scalar {
  options = checkOptions('scalar', options, SCALAR_KEYS);
  if (typeof value !== 'number') {
    throw new TapegradError(
      'scalar',
      `expected a number, got ${describeValue(value)}. Use tensor() for arrays.`,
    );
  }
  const out = unrecorded(0, value);
  if (options.requiresGrad) out.seg.flags[out.at] = REQUIRES_GRAD;
  if (options.label !== undefined) out.label = options.label;
  return out;
}

/** What the Scalar tape has stored so far, and what each node costs. */
export interface ScalarTapeStats {
  /** Op results recorded with their local derivatives. */
  recorded: number;
  /** Leaves and results computed without recording. */
  unrecorded: number;
  /** Bytes of tape memory per node: value, gradient, local derivatives, parents, op and flags. */
  bytesPerNode: number;
}

/**
 * Counts of the Scalar nodes stored since the process started — recorded op results and
 * unrecorded values — and the bytes each takes. Useful to size a computation: a step that records
 * N nodes keeps about N · `bytesPerNode` bytes alive until its graph is dropped.
 */
export function scalarTapeStats(): ScalarTapeStats {
  return { ...tapeCounts(), bytesPerNode: BYTES_PER_NODE };
}

// --- recording --------------------------------------------------------------------------------------

interface UnaryEntry {
  readonly rule: UnaryRule;
  readonly code: number;
}
interface BinaryEntry {
  readonly rule: BinaryRule;
  readonly code: number;
}

const U = Object.fromEntries(
  Object.values(UNARY_RULES).map((rule) => [rule.name, { rule, code: UNARY_CODE[rule.name] }]),
) as { readonly [K in keyof typeof UNARY_RULES]: UnaryEntry };
const binaryEntry = (rule: BinaryRule): BinaryEntry => ({ rule, code: BINARY_CODE[rule.name] });
const ADD = binaryEntry(BINARY_RULES.add);
const SUB = binaryEntry(BINARY_RULES.sub);
const MUL = binaryEntry(BINARY_RULES.mul);
const DIV = binaryEntry(BINARY_RULES.div);
const POW = binaryEntry(BINARY_RULES.pow);
const MAXIMUM = binaryEntry(BINARY_RULES.maximum);
const MINIMUM = binaryEntry(BINARY_RULES.minimum);

const requires = (x: Scalar): boolean => (x.seg.flags[x.at]! & REQUIRES_GRAD) !== 0;

/** A node that is not recorded (a leaf, or a result computed from values that need no gradient). */
function unrecorded(code: number, value: number): Scalar {
  const seg = leafSegmentWithRoom();
  const at = seg.count++;
  seg.value[at] = value;
  seg.ops[at] = code;
  return new Scalar(seg, at);
}

/** A fresh slot for a recorded result, with its value, op code and flags set. */
function recordedSlot(code: number, value: number, flags: number): Scalar {
  const seg = opSegmentWithRoom();
  const at = seg.count++;
  seg.value[at] = value;
  seg.ops[at] = code;
  seg.flags[at] = RECORDED | REQUIRES_GRAD | flags;
  if (isAnomalyEnabled()) (seg.createdAt ??= new Map()).set(at, creationSite() ?? '(unknown)');
  return new Scalar(seg, at);
}

/** Records a one-input op: its value and its derivative, both from the op's rule. */
function unary(op: UnaryEntry, x: Scalar, p = 0, q = 0): Scalar {
  const xv = x.value;
  const value = op.rule.value(xv, p, q);
  if (isAnomalyEnabled()) checkFinite(op.rule.name, value, [xv]);
  if (!requires(x) || !isGradEnabled()) return unrecorded(op.code, value);
  const out = recordedSlot(op.code, value, P0_GRAD);
  const { seg, at } = out;
  seg.d0[at] = op.rule.grad(NUMBERS, xv, value, p, q);
  seg.d1[at] = p;
  if (op.rule.params.length > 1) (seg.secondParams ??= new Map()).set(at, q);
  seg.parents[2 * at] = seg.link(x.seg, x.at);
  seg.parents[2 * at + 1] = NO_PARENT;
  return out;
}

/** Records a two-input op; a number operand is stored as a constant of the node, not a node. */
function binary(op: BinaryEntry, a: Scalar | number, b: Scalar | number): Scalar {
  const av = operandValue(op, a);
  const bv = operandValue(op, b);
  const value = op.rule.value(av, bv);
  if (isAnomalyEnabled()) checkFinite(op.rule.name, value, [av, bv]);
  const ga = typeof a !== 'number' && requires(a);
  const gb = typeof b !== 'number' && requires(b);
  if (!(ga || gb) || !isGradEnabled()) return unrecorded(op.code, value);
  const flags = (ga ? P0_GRAD : 0) | (gb ? P1_GRAD : 0) | (typeof a === 'number' ? CONST_LEFT : 0);
  const out = recordedSlot(op.code, value, flags);
  const { seg, at } = out;
  if (typeof a === 'number') {
    seg.parents[2 * at] = NO_PARENT;
    seg.d0[at] = a;
  } else {
    seg.parents[2 * at] = seg.link(a.seg, a.at);
    if (ga) seg.d0[at] = op.rule.grad(NUMBERS, av, bv, value, 0);
  }
  if (typeof b === 'number') {
    seg.parents[2 * at + 1] = NO_PARENT;
    seg.d1[at] = b;
  } else {
    seg.parents[2 * at + 1] = seg.link(b.seg, b.at);
    if (gb) seg.d1[at] = op.rule.grad(NUMBERS, av, bv, value, 1);
  }
  return out;
}

function operandValue(op: BinaryEntry, x: Scalar | number): number {
  if (typeof x === 'number') return x;
  if (x instanceof Scalar) return x.value;
  throw new TapegradError(op.rule.name, `expected a Scalar or a number as operand, got ${describeValue(x)}.`);
}

/** @internal Under `detectAnomaly`: a non-finite result from finite inputs is an error naming the op. */
export function checkFinite(op: string, value: number, inputs: readonly number[]): void {
  if (Number.isFinite(value) || !inputs.every(Number.isFinite)) return;
  throw new TapegradError(
    op,
    `produced ${value} from finite inputs (${inputs.join(', ')}).\nCreated at:\n${creationSite() ?? '(unknown)'}`,
  );
}

// --- what transforms, custom ops and recorded backward passes need ----------------------------------

/** Scalar ops as an algebra: derivative rules evaluated here are recorded (when grad mode is on). */
const SCALARS: Algebra<Scalar> = {
  add: (a, b) => apply2(ADD, a, b),
  sub: (a, b) => apply2(SUB, a, b),
  mul: (a, b) => apply2(MUL, a, b),
  div: (a, b) => apply2(DIV, a, b),
  pow: (a, b) => apply2(POW, a, b),
  neg: (a) => apply1(U.neg, a),
  exp: (a) => apply1(U.exp, a),
  log: (a) => apply1(U.log, a),
  sin: (a) => apply1(U.sin, a),
  cos: (a) => apply1(U.cos, a),
  tanh: (a) => apply1(U.tanh, a),
  sigmoid: (a) => apply1(U.sigmoid, a),
  erf: (a) => apply1(U.erf, a),
  sign: (a) => NUMBERS.sign(numberOf(a)),
  gt: (a, b) => NUMBERS.gt(numberOf(a), numberOf(b)),
  ge: (a, b) => NUMBERS.ge(numberOf(a), numberOf(b)),
  lt: (a, b) => NUMBERS.lt(numberOf(a), numberOf(b)),
  le: (a, b) => NUMBERS.le(numberOf(a), numberOf(b)),
  eq: (a, b) => NUMBERS.eq(numberOf(a), numberOf(b)),
  where: (cond, a, b) => (numberOf(cond) !== 0 ? a : b),
};

const numberOf = (x: Value<Scalar>): number => (typeof x === 'number' ? x : x.value);
const apply1 = (op: UnaryEntry, a: Value<Scalar>): Value<Scalar> =>
  typeof a === 'number' ? op.rule.value(a, 0, 0) : unary(op, a);
const apply2 = (op: BinaryEntry, a: Value<Scalar>, b: Value<Scalar>): Value<Scalar> =>
  typeof a === 'number' && typeof b === 'number' ? op.rule.value(a, b) : binary(op, a, b);

const KIT: ScalarKit<Scalar> = {
  handle: (seg, at) => new Scalar(seg, at),
  algebra: SCALARS,
  valueOf: (g) => g.value,
};

/**
 * @internal Gradients of `roots` (seeded with `seeds`) with respect to `inputs`, as fresh Scalars
 * (null where no gradient arrives), leaving every `.grad` alone. With `createGraph` the gradients
 * are recorded, so they can be differentiated again.
 */
export function scalarGradients(
  roots: readonly Scalar[],
  seeds: readonly Scalar[],
  inputs: readonly Scalar[],
  options: { createGraph: boolean; retainGraph: boolean },
): (Scalar | null)[] {
  if (options.createGraph) {
    return withGradMode(true, () =>
      backwardRecorded(roots, seeds, { retainGraph: options.retainGraph, inputs }, KIT),
    );
  }
  const values = backwardNumbers(
    roots,
    seeds.map((s) => s.value),
    { retainGraph: options.retainGraph, inputs },
  );
  return values.map((v) => (v === null ? null : scalar(v)));
}

/**
 * @internal The gradient of `x`'s parents given gradient `g` of `x`, one entry per parent position
 * (a parent used twice appears twice). Reads the local derivatives recorded on the tape, so it works
 * after `backward()` too.
 */
export function scalarPullback(x: Scalar, g: number): [Scalar, number][] {
  const { seg, at } = x;
  const flag = seg.flags[at]!;
  if ((flag & RECORDED) === 0) return [];
  if (seg.ops[at] === CUSTOM) {
    const node = seg.customs!.get(at)!;
    const grads = node.numeric(g);
    return node.parents.flatMap((p, i) => {
      const gi = grads[i];
      return gi === null || gi === undefined || (p.seg.flags[p.at]! & REQUIRES_GRAD) === 0
        ? []
        : [[new Scalar(p.seg, p.at), gi] as [Scalar, number]];
    });
  }
  const out: [Scalar, number][] = [];
  for (const [k, bit, partials] of [
    [0, P0_GRAD, seg.d0],
    [1, P1_GRAD, seg.d1],
  ] as const) {
    const p = (flag & bit) !== 0 ? parentOf(seg, at, k) : null;
    if (p !== null) out.push([new Scalar(p.seg, p.at), g * partials[at]!]);
  }
  return out;
}

/** @internal What produced a Scalar node: its rule and operands (numbers for number operands). */
export type ScalarNodeInfo =
  | { kind: 'leaf' }
  | { kind: 'input'; input: Scalar }
  | { kind: 'unary'; rule: UnaryRule; input: Scalar; params: [number, number] }
  | { kind: 'binary'; rule: BinaryRule; operands: [Scalar | number, Scalar | number] }
  | { kind: 'custom'; name: string; inputs: Scalar[] };

/** @internal The rule and operands of a node, read from the tape (also after `backward()`). */
export function scalarNodeInfo(x: Scalar): ScalarNodeInfo {
  const { seg, at } = x;
  if ((seg.flags[at]! & RECORDED) === 0) return { kind: 'leaf' };
  const code = seg.ops[at]!;
  const handle = (k: 0 | 1) => {
    const p = parentOf(seg, at, k);
    return p === null ? null : new Scalar(p.seg, p.at);
  };
  if (code === CUSTOM) {
    const node = seg.customs!.get(at)!;
    return { kind: 'custom', name: node.name, inputs: node.parents.map((p) => new Scalar(p.seg, p.at)) };
  }
  if (code === INPUT) return { kind: 'input', input: handle(0)! };
  if (isUnaryCode(code))
    return { kind: 'unary', rule: unaryRuleOf(code), input: handle(0)!, params: unaryParams(seg, at) };
  return {
    kind: 'binary',
    rule: binaryRuleOf(code),
    operands: [handle(0) ?? seg.d0[at]!, handle(1) ?? seg.d1[at]!],
  };
}

/** @internal A `seq` no larger than that of any Scalar op result recorded from now on. */
export const scalarSeqWatermark = (): number => nextOpKey();

/** @internal Gradients of `root` (seeded with 1) for `inputs`, reading the tape even after release. */
export function scalarGradientsReadOnly(root: Scalar, inputs: readonly Scalar[]): (number | null)[] {
  return backwardNumbers([root], [1], { retainGraph: true, inputs, readOnly: true });
}

/** @internal The identity a transform records on a traced argument, so gradients pass through it. */
export function scalarInput(x: Scalar): Scalar {
  const out = recordedSlot(INPUT, x.value, P0_GRAD);
  out.seg.d0[out.at] = 1;
  out.seg.parents[2 * out.at] = out.seg.link(x.seg, x.at);
  out.seg.parents[2 * out.at + 1] = NO_PARENT;
  return out;
}

/**
 * @internal Records a custom op (`customGrad`) on Scalars: `value` computed by the user's forward,
 * `rules` its backward in numbers and in recorded Scalars.
 */
export function scalarCustomOp(
  name: string,
  inputs: readonly Scalar[],
  value: number,
  rules: (out: Scalar) => Pick<CustomNode, 'numeric' | 'recorded'>,
): Scalar {
  if (!isGradEnabled() || !inputs.some(requires)) return unrecorded(CUSTOM_UNRECORDED, value);
  const out = recordedSlot(CUSTOM, value, 0);
  const node: CustomNode = { name, parents: inputs.map((x) => ({ seg: x.seg, at: x.at })), ...rules(out) };
  (out.seg.customs ??= new Map()).set(out.at, node);
  out.seg.parents[2 * out.at] = NO_PARENT;
  out.seg.parents[2 * out.at + 1] = NO_PARENT;
  // The inputs' segments must outlive this node: the custom node holds them through `parents`.
  return out;
}

/** Op code shown for an unrecorded custom-op result (a leaf). */
const CUSTOM_UNRECORDED = 0;
