/**
 * What a gradient check measures: the function at fresh copies of the inputs, its autodiff
 * vector-Jacobian products, and float64 central differences, with every element of every input
 * and output addressed by one flat index.
 */
import { gradientsOf } from '../differentiable.js';
import { fmtShape, TapegradError } from '../errors.js';
import { withGradMode } from '../grad-mode.js';
import { Scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import {
  checkInputs,
  checkOutput,
  cotangentFor,
  type Differentiable,
  dtypeOfValue,
  flatValues,
  fmtIndex,
  inputName,
  leafCopy,
  multiIndex,
  setElement,
  shapeOf,
  sizeOfValue,
} from './values.js';

/** A function of the inputs with one or more outputs (gradgradcheck checks several gradients). */
export type MultiOutputFn = (inputs: Differentiable[]) => { values: Differentiable[]; names?: string[] };

/** The function, its inputs and outputs, and the measurements on them. */
export class CheckProblem {
  readonly names: string[];
  readonly outs: Differentiable[];
  readonly outNames: string[] | undefined;
  readonly inSizes: number[];
  readonly outSizes: number[];
  readonly nIn: number;
  readonly nOut: number;
  /** True when some input or output is float32 (looser tolerances). */
  readonly float32: boolean;
  /** Problems found by the backward passes (wrong shapes, throwing rules). */
  readonly problems: string[] = [];
  private readonly reported = new Set<string>();
  private readonly analyticInputs: Differentiable[];
  private readonly numericInputs: Differentiable[];
  private readonly base: Float64Array[];

  constructor(
    readonly fnName: string,
    private readonly f: MultiOutputFn,
    readonly inputs: readonly unknown[],
    /** The numeric evaluations record (the function itself computes gradients, as in gradgradcheck). */
    private readonly numericNeedsGrad: boolean,
  ) {
    checkInputs(fnName, inputs);
    const xs = inputs as Differentiable[];
    this.names = xs.map(inputName);
    this.analyticInputs = xs.map((x) => leafCopy(x, true));
    const first = withGradMode(true, () => f(this.analyticInputs));
    this.outs = first.values.map((o) => checkOutput(fnName, o));
    if (this.outs.length === 0) throw new TapegradError(fnName, 'the function returned no outputs.');
    this.outNames = first.names ?? (this.outs.length > 1 ? this.outs.map((_, j) => `out ${j}`) : undefined);
    this.inSizes = xs.map(sizeOfValue);
    this.outSizes = this.outs.map(sizeOfValue);
    this.nIn = this.inSizes.reduce((a, b) => a + b, 0);
    this.nOut = this.outSizes.reduce((a, b) => a + b, 0);
    this.float32 = [...xs, ...this.outs].some((x) => dtypeOfValue(x) === 'float32');
    this.numericInputs = xs.map((x) =>
      leafCopy(x, numericNeedsGrad, x instanceof Tensor ? 'float64' : undefined),
    );
    this.base = this.numericInputs.map(flatValues);
  }

  /** The float32 inputs promoted to float64 copies for finite differences, by name. */
  promotedNames(): string[] {
    return (this.inputs as Differentiable[])
      .map((x, k) => (dtypeOfValue(x) === 'float32' ? `'${this.names[k]}'` : null))
      .filter((n) => n !== null);
  }

  /** All outputs at the numeric copies of the inputs, flattened. */
  evaluate(): Float64Array {
    const run = () => this.f(this.numericInputs).values.map((v) => checkOutput(this.fnName, v));
    const values = withGradMode(this.numericNeedsGrad, run);
    const flat = new Float64Array(this.nOut);
    let at = 0;
    values.forEach((v, j) => {
      if (sizeOfValue(v) !== this.outSizes[j]) {
        throw new TapegradError(
          this.fnName,
          `output ${j} has shape ${fmtShape(shapeOf(v))} on the float64 copy of the inputs but ${fmtShape(shapeOf(this.outs[j]!))} on the inputs themselves; the function must not depend on dtype for its shape.`,
        );
      }
      flat.set(flatValues(v), at);
      at += this.outSizes[j]!;
    });
    return flat;
  }

  /** The analytic gradients Jᵀw, flattened over all inputs (a throwing rule is a finding, not a crash). */
  vjp(weights: Float64Array): Float64Array {
    const roots: Differentiable[] = [];
    const seeds: Differentiable[] = [];
    let at = 0;
    this.outs.forEach((out, j) => {
      const w = weights.subarray(at, at + this.outSizes[j]!);
      at += this.outSizes[j]!;
      if (!out.requiresGrad || w.every((x) => x === 0)) return;
      roots.push(out);
      seeds.push(cotangentFor(out, w));
    });
    const g = new Float64Array(this.nIn);
    if (roots.length === 0) return g;
    let grads: (Differentiable | null)[];
    try {
      grads = withGradMode(true, () => gradientsOf(roots, seeds, this.analyticInputs, { retainGraph: true }));
    } catch (e) {
      if (!(e instanceof TapegradError)) throw e;
      this.report(`backward threw: ${e.message.split('\n')[0]}`);
      return g;
    }
    at = 0;
    grads.forEach((gk, k) => {
      const problem =
        gk === null ? undefined : gradientProblem(this.inputs[k] as Differentiable, gk, this.names[k]!);
      if (problem) this.report(problem);
      else if (gk !== null) g.set(flatValues(gk), at);
      at += this.inSizes[k]!;
    });
    return g;
  }

  /** Central differences of every output along input element `c` (a Jacobian column). */
  centralColumn(c: number, eps: number): Float64Array {
    const { k, local } = this.locate(c);
    const x = this.numericInputs[k]!;
    const v = this.base[k]![local]!;
    setElement(x, local, v + eps);
    const plus = this.evaluate();
    setElement(x, local, v - eps);
    const minus = this.evaluate();
    setElement(x, local, v);
    for (let r = 0; r < this.nOut; r++) plus[r] = (plus[r]! - minus[r]!) / (2 * eps);
    return plus;
  }

  /** Shifts every input element `c` by `sign · eps · direction(c)`; `restore()` undoes it. */
  perturb(direction: (c: number) => number, sign: number, eps: number): void {
    let c = 0;
    this.numericInputs.forEach((x, k) => {
      const b = this.base[k]!;
      for (let i = 0; i < b.length; i++, c++) {
        const d = direction(c);
        if (d !== 0) setElement(x, i, b[i]! + sign * eps * d);
      }
    });
  }

  restore(): void {
    this.numericInputs.forEach((x, k) => this.base[k]!.forEach((v, i) => setElement(x, i, v)));
  }

  /** Input `k`, element `local` and multi-index of flat input position `c`. */
  locate(c: number): { k: number; local: number; index: number[] } {
    let k = 0;
    let local = c;
    while (local >= this.inSizes[k]!) local -= this.inSizes[k++]!;
    return { k, local, index: multiIndex(shapeOf(this.inputs[k] as Differentiable), local) };
  }

  /** A name for flat output position `r` (undefined for a single-element output). */
  outLabel(r: number): string | undefined {
    if (this.nOut === 1) return undefined;
    let j = 0;
    while (r >= this.outSizes[j]!) r -= this.outSizes[j++]!;
    const idx = fmtIndex(multiIndex(shapeOf(this.outs[j]!), r));
    return this.outNames ? `${this.outNames[j]}${idx === '-' ? '' : idx}` : idx;
  }

  private report(problem: string): void {
    if (!this.reported.has(problem)) this.problems.push(problem);
    this.reported.add(problem);
  }
}

/** Shape, dtype and kind of a returned gradient against its input; a message when wrong. */
function gradientProblem(x: Differentiable, g: unknown, name: string): string | undefined {
  if (x instanceof Scalar) {
    return g instanceof Scalar ? undefined : `the gradient of Scalar input '${name}' is not a Scalar.`;
  }
  if (!(g instanceof Tensor)) return `the gradient of tensor input '${name}' is not a Tensor.`;
  if (g.shape.length !== x.shape.length || g.shape.some((d, i) => d !== x.shape[i])) {
    return `the gradient of input '${name}' has shape ${fmtShape(g.shape)}, the input has shape ${fmtShape(x.shape)}.`;
  }
  if (g.dtype !== x.dtype) return `the gradient of input '${name}' is ${g.dtype}, the input is ${x.dtype}.`;
  return undefined;
}
