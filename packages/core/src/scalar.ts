import { describeValue, TapegradError } from './errors.js';
import { isAnomalyEnabled, isGradEnabled } from './grad-mode.js';
import { type BackwardOptions, creationSite, nextSeq, runBackward, type TapeNode } from './tape.js';

/** Options for {@link scalar}. */
export interface ScalarOptions {
  requiresGrad?: boolean;
  /** A name shown by `explainGradient`, `toDot` and the verification reports. */
  label?: string;
}

type ScalarBackward = (g: Scalar) => readonly (Scalar | null)[];

/**
 * One float64 number on the tape: the micrograd-sized path for named values, hand-sized graphs
 * and hand-derived gradient checks. `.value` and `.grad` are plain writable numbers, so a
 * hand-written update (`p.value -= lr * p.grad`) works.
 */
export class Scalar implements TapeNode {
  value: number;
  /** Accumulated d(output)/d(this) after `backward()`; 0 until then. */
  grad = 0;
  label: string | undefined;
  requiresGrad: boolean;
  readonly seq = nextSeq();
  readonly op: string;
  parents: readonly Scalar[];
  backwardFn: ScalarBackward | null;
  retainsGrad = false;
  released = false;
  readonly createdAt: string | undefined;

  /** @internal Use {@link scalar}. */
  constructor(
    value: number,
    op = 'leaf',
    parents: readonly Scalar[] = [],
    backwardFn: ScalarBackward | null = null,
    options: ScalarOptions = {},
  ) {
    this.value = value;
    this.op = op;
    this.parents = parents;
    this.backwardFn = backwardFn;
    this.requiresGrad = backwardFn !== null || (options.requiresGrad ?? false);
    this.label = options.label;
    this.createdAt = backwardFn ? creationSite() : undefined;
  }

  // --- binary ops: d(a+b) = (1, 1), d(a·b) = (b, a), … -----------------------------------------

  /** `this + other`. */
  add(other: Scalar | number): Scalar {
    const o = lift(other);
    return rec('add', this.value + o.value, [this, o], (g) => [g, g]);
  }
  /** `this − other`. */
  sub(other: Scalar | number): Scalar {
    const o = lift(other);
    return rec('sub', this.value - o.value, [this, o], (g) => [g, g.neg()]);
  }
  /** `this · other`. */
  mul(other: Scalar | number): Scalar {
    const o = lift(other);
    return rec('mul', this.value * o.value, [this, o], (g) => [g.mul(o), g.mul(this)]);
  }
  /** `this / other`. */
  div(other: Scalar | number): Scalar {
    const o = lift(other);
    return rec('div', this.value / o.value, [this, o], (g) => [g.div(o), g.mul(this).neg().div(o.mul(o))]);
  }
  /** `this ^ exponent`; d/dbase = e·b^(e−1), d/dexponent = b^e·ln b (needs b > 0 when it flows). */
  pow(exponent: Scalar | number): Scalar {
    const e = lift(exponent);
    const out = rec('pow', this.value ** e.value, [this, e], (g) => [
      g.mul(e).mul(this.pow(e.sub(1))),
      e.requiresGrad ? g.mul(out).mul(this.log()) : null,
    ]);
    return out;
  }
  /** Elementwise maximum; the gradient goes to the larger input (half each on a tie, as PyTorch). */
  maximum(other: Scalar | number): Scalar {
    const o = lift(other);
    const share = this.value > o.value ? 1 : this.value < o.value ? 0 : 0.5;
    return rec('maximum', Math.max(this.value, o.value), [this, o], (g) => [g.mul(share), g.mul(1 - share)]);
  }
  /** Elementwise minimum; the gradient goes to the smaller input (half each on a tie). */
  minimum(other: Scalar | number): Scalar {
    const o = lift(other);
    const share = this.value < o.value ? 1 : this.value > o.value ? 0 : 0.5;
    return rec('minimum', Math.min(this.value, o.value), [this, o], (g) => [g.mul(share), g.mul(1 - share)]);
  }

  // --- unary ops ------------------------------------------------------------------------------

  /** `−this`. */
  neg(): Scalar {
    return rec('neg', -this.value, [this], (g) => [g.neg()]);
  }
  /** `e^this`; its derivative is itself. */
  exp(): Scalar {
    const out = rec('exp', Math.exp(this.value), [this], (g) => [g.mul(out)]);
    return out;
  }
  /** Natural logarithm; a non-positive input gives NaN/−Infinity as in IEEE arithmetic. */
  log(): Scalar {
    return rec('log', Math.log(this.value), [this], (g) => [g.div(this)]);
  }
  /** Square root; d = 1 / (2√x). */
  sqrt(): Scalar {
    const out = rec('sqrt', Math.sqrt(this.value), [this], (g) => [g.div(out.mul(2))]);
    return out;
  }
  /** Absolute value; d = sign(x), 0 at 0 (as PyTorch). */
  abs(): Scalar {
    return rec('abs', Math.abs(this.value), [this], (g) => [g.mul(Math.sign(this.value))]);
  }
  /** Sine; d = cos x. */
  sin(): Scalar {
    return rec('sin', Math.sin(this.value), [this], (g) => [g.mul(this.cos())]);
  }
  /** Cosine; d = −sin x. */
  cos(): Scalar {
    return rec('cos', Math.cos(this.value), [this], (g) => [g.mul(this.sin()).neg()]);
  }
  /** Hyperbolic tangent; d = 1 − tanh². */
  tanh(): Scalar {
    const out = rec('tanh', Math.tanh(this.value), [this], (g) => [g.mul(out.mul(out).neg().add(1))]);
    return out;
  }
  /** Logistic sigmoid 1/(1+e^−x), computed without overflow; d = σ(1 − σ). */
  sigmoid(): Scalar {
    const x = this.value;
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    const out = rec('sigmoid', s, [this], (g) => [g.mul(out.mul(out.neg().add(1)))]);
    return out;
  }
  /** max(0, x); d = 1 for x > 0, else 0 (0 at 0, as PyTorch). */
  relu(): Scalar {
    return rec('relu', this.value > 0 ? this.value : 0, [this], (g) => [g.mul(this.value > 0 ? 1 : 0)]);
  }
  /** x for x > 0, `slope`·x otherwise (slope at 0, as PyTorch). */
  leakyRelu(slope = 0.01): Scalar {
    const k = this.value > 0 ? 1 : slope;
    return rec('leakyRelu', this.value * k, [this], (g) => [g.mul(k)]);
  }
  /** log(1 + e^(βx))/β, and exactly x where βx > threshold (PyTorch's rule); d = σ(βx). */
  softplus(options: { beta?: number; threshold?: number } = {}): Scalar {
    const { beta = 1, threshold = 20 } = options;
    const bx = this.value * beta;
    if (bx > threshold) return rec('softplus', this.value, [this], (g) => [g]);
    const value = (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / beta;
    return rec('softplus', value, [this], (g) => [g.mul(this.mul(beta).sigmoid())]);
  }

  // --- the tape -------------------------------------------------------------------------------

  /**
   * Reverse mode from this value: accumulates d(this)/d(leaf) into `.grad` of every leaf that
   * requires grad (PyTorch semantics: gradients add up until `zeroGrad()`).
   */
  backward(options: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new TapegradError(
        'backward',
        `this value (op '${this.op}') does not require grad: no input of its graph has requiresGrad: true, or it was computed inside noGrad().`,
      );
    }
    runBackward([this], [new Scalar(1)], options);
  }
  /** Sets `.grad` to 0. */
  zeroGrad(): void {
    this.grad = 0;
  }
  /** Keeps this intermediate's gradient in `.grad` during `backward()`. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }
  /** The same value, cut out of the graph. */
  detach(): Scalar {
    return new Scalar(this.value, 'leaf', [], null, { label: this.label });
  }
  /** Sets `requiresGrad` on a leaf (chainable, like PyTorch's `requires_grad_()`). */
  requiresGrad_(flag = true): this {
    if (this.backwardFn !== null) {
      throw new TapegradError(
        'requiresGrad_',
        `only leaves can change requiresGrad; '${this.op}' is an op result. Use detach() first.`,
      );
    }
    this.requiresGrad = flag;
    return this;
  }
  /** `label=value` or the value. */
  toString(): string {
    return this.label ? `Scalar(${this.label}=${this.value})` : `Scalar(${this.value})`;
  }

  /** @internal tape hooks */
  addGrad(a: unknown, b: unknown): unknown {
    return (a as Scalar).add(b as Scalar);
  }
  /** @internal Scalar gradients are stored as numbers, so sharing the object is harmless. */
  cloneGrad(g: unknown): unknown {
    return g;
  }
  /** @internal */
  storeGrad(g: unknown): void {
    this.grad += (g as Scalar).value;
  }
  /** @internal */
  isNonFinite(g: unknown): boolean {
    return !Number.isFinite((g as Scalar).value);
  }
}

/** A leaf Scalar: `scalar(0.25, { requiresGrad: true, label: 'w5' })`. */
export function scalar(value: number, options: ScalarOptions = {}): Scalar {
  if (typeof value !== 'number') {
    throw new TapegradError('scalar', `expected a number, got ${typeof value}. Use tensor() for arrays.`);
  }
  return new Scalar(value, 'leaf', [], null, options);
}

const lift = (x: Scalar | number): Scalar => {
  if (x instanceof Scalar) return x;
  if (typeof x !== 'number') {
    throw new TapegradError('Scalar', `expected a Scalar or a number as operand, got ${describeValue(x)}.`);
  }
  return new Scalar(x);
};

/** Records one Scalar op: the result, its parents and its backward closure, when recording. */
function rec(op: string, value: number, parents: readonly Scalar[], backward: ScalarBackward): Scalar {
  const recording = isGradEnabled() && parents.some((p) => p.requiresGrad);
  const out = recording ? new Scalar(value, op, parents, backward) : new Scalar(value, op);
  if (isAnomalyEnabled() && !Number.isFinite(value) && parents.every((p) => Number.isFinite(p.value))) {
    throw new TapegradError(
      op,
      `produced ${value} from finite inputs (${parents.map((p) => p.value).join(', ')}).` +
        `\nCreated at:\n${out.createdAt ?? creationSite() ?? '(unknown)'}`,
    );
  }
  return out;
}
