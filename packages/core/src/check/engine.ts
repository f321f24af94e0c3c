/**
 * The comparison engine behind `gradcheck` and `gradgradcheck`: autodiff gradients of a function
 * with one or more outputs, against float64 central differences.
 */

import { gradientsOf } from '../differentiable.js';
import { fmtShape, TapegradError } from '../errors.js';
import { withGradMode } from '../grad-mode.js';
import { Generator } from '../random.js';
import { Scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import type { GradcheckEntry, GradcheckReport, NondeterministicEntry } from './report.js';
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

/** Options of `gradcheck` and `gradgradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5 in float64, 1e-4 when a float32 value is involved). */
  atol?: number;
  /** Relative tolerance (default 1e-3 in float64, 1e-2 when a float32 value is involved). */
  rtol?: number;
  /**
   * Up to this many input elements and output elements, the full Jacobian is compared entry by
   * entry; beyond it, a seeded random-cotangent adjoint check (default 1000).
   */
  fullJacobianLimit?: number;
  /** Random directions for the adjoint check of large inputs (default 3). */
  directions?: number;
  /** Input elements checked one by one in the adjoint check of large inputs (default 100). */
  sampleElements?: number;
  /** Seed of the random cotangents, directions and samples (default 0). */
  seed?: number;
  /** Rows of the worst-entries table (default 5). */
  maxWorst?: number;
}

/** A function of the inputs with one or more outputs (gradgradcheck checks several gradients). */
export type MultiOutputFn = (inputs: Differentiable[]) => { values: Differentiable[]; names?: string[] };

interface Resolved {
  eps: number;
  atol: number;
  rtol: number;
  limit: number;
  directions: number;
  sample: number;
  seed: number;
  maxWorst: number;
}

/** Keeps the `keep` worst entries without holding every compared element. */
class WorstList {
  private items: { e: GradcheckEntry; badness: number }[] = [];
  constructor(private readonly keep: number) {}
  add(e: GradcheckEntry, badness: number): void {
    this.items.push({ e, badness });
    if (this.items.length > 4 * this.keep + 16) this.trim();
  }
  result(): GradcheckEntry[] {
    this.trim();
    return this.items.map((x) => x.e);
  }
  private trim(): void {
    this.items.sort((a, b) => b.badness - a.badness);
    this.items.length = Math.min(this.items.length, this.keep);
  }
}

/**
 * Runs the whole check. `numericNeedsGrad` makes the finite-difference evaluations record (the
 * function itself computes gradients, as in gradgradcheck).
 */
export function runCheck(
  fnName: string,
  f: MultiOutputFn,
  inputs: readonly unknown[],
  options: GradcheckOptions,
  numericNeedsGrad: boolean,
): Omit<GradcheckReport, 'toString'> {
  checkInputs(fnName, inputs);
  const names = inputs.map(inputName);
  const notes: string[] = [];
  const problems: string[] = [];

  const analyticInputs = inputs.map((x) => leafCopy(x, true));
  const first = withGradMode(true, () => f(analyticInputs));
  const outs = first.values.map((o) => checkOutput(fnName, o));
  if (outs.length === 0) throw new TapegradError(fnName, 'the function returned no outputs.');
  const outNames = first.names ?? (outs.length > 1 ? outs.map((_, j) => `out ${j}`) : undefined);

  const inSizes = inputs.map(sizeOfValue);
  const outSizes = outs.map(sizeOfValue);
  const nIn = inSizes.reduce((a, b) => a + b, 0);
  const nOut = outSizes.reduce((a, b) => a + b, 0);
  const float32 = [...inputs, ...outs].some((x) => dtypeOfValue(x) === 'float32');
  const o = resolve(fnName, options, float32);
  if (float32) {
    const promoted = inputs
      .map((x, k) => (dtypeOfValue(x) === 'float32' ? `'${names[k]}'` : null))
      .filter(Boolean);
    notes.push(
      promoted.length > 0
        ? `float32 input ${promoted.join(', ')} promoted to a float64 copy for finite differences; float32 tolerances`
        : 'float32 output: float32 tolerances',
    );
  }

  const numericInputs = inputs.map((x) =>
    leafCopy(x, numericNeedsGrad, x instanceof Tensor ? 'float64' : undefined),
  );
  const evaluate = (): Float64Array => {
    const run = () => f(numericInputs).values.map((v) => checkOutput(fnName, v));
    const values = withGradMode(numericNeedsGrad, run);
    const flat = new Float64Array(nOut);
    let at = 0;
    values.forEach((v, j) => {
      if (sizeOfValue(v) !== outSizes[j]) {
        throw new TapegradError(
          fnName,
          `output ${j} has shape ${fmtShape(shapeOf(v))} on the float64 copy of the inputs but ${fmtShape(shapeOf(outs[j]!))} on the inputs themselves; the function must not depend on dtype for its shape.`,
        );
      }
      flat.set(flatValues(v), at);
      at += outSizes[j]!;
    });
    return flat;
  };

  const rootsFor = (weights: Float64Array) => {
    const roots: Differentiable[] = [];
    const seeds: Differentiable[] = [];
    let at = 0;
    outs.forEach((out, j) => {
      const w = weights.subarray(at, at + outSizes[j]!);
      at += outSizes[j]!;
      if (!out.requiresGrad || w.every((x) => x === 0)) return;
      roots.push(out);
      seeds.push(cotangentFor(out, w));
    });
    return { roots, seeds };
  };
  const reported = new Set<string>();
  /** The analytic gradients Jᵀw, flattened over all inputs. */
  const vjp = (weights: Float64Array): Float64Array => {
    const { roots, seeds } = rootsFor(weights);
    const g = new Float64Array(nIn);
    if (roots.length === 0) return g;
    let grads: (unknown | null)[];
    try {
      grads = withGradMode(true, () => gradientsOf(roots, seeds, analyticInputs, { retainGraph: true }));
    } catch (e) {
      // A backward rule that throws (e.g. a gradient of the wrong shape) is a finding, not a crash.
      if (!(e instanceof TapegradError)) throw e;
      const problem = `backward threw: ${e.message.split('\n')[0]}`;
      if (!reported.has(problem)) problems.push(problem);
      reported.add(problem);
      return g;
    }
    let at = 0;
    grads.forEach((gk, k) => {
      const x = inputs[k]!;
      if (gk !== null) {
        const problem = gradientProblem(x, gk, names[k]!);
        if (problem) {
          if (!reported.has(problem)) problems.push(problem);
          reported.add(problem);
        } else g.set(flatValues(gk as Differentiable), at);
      }
      at += inSizes[k]!;
    });
    return g;
  };

  const gen = new Generator(o.seed);
  const worst = new WorstList(o.maxWorst);
  const nondeterministic: NondeterministicEntry[] = [];
  let checked = 0;
  let failed = 0;
  let maxAbsError = 0;
  let maxRelError = 0;
  const compare = (
    entry: Omit<GradcheckEntry, 'absError' | 'relError' | 'ok'>,
    tolScale = 1,
    magnitude?: number,
  ) => {
    const { analytic, numeric } = entry;
    const absError = Math.abs(analytic - numeric);
    // Relative to the larger magnitude, floored at atol so that noise around zero reads as small.
    const relError = absError === 0 ? 0 : absError / Math.max(Math.abs(analytic), Math.abs(numeric), o.atol);
    const bound = o.atol * tolScale + o.rtol * (magnitude ?? Math.abs(numeric));
    const finite = Number.isFinite(analytic) && Number.isFinite(numeric);
    const ok = absError <= bound && finite;
    checked++;
    if (!ok) failed++;
    maxAbsError = Math.max(maxAbsError, Number.isNaN(absError) ? Infinity : absError);
    maxRelError = Math.max(maxRelError, Number.isNaN(relError) ? Infinity : relError);
    // Rank by how far past its tolerance an entry is, so the worst offenders are listed first.
    const badness = !finite ? Infinity : bound > 0 ? absError / bound : absError > 0 ? Infinity : 0;
    worst.add({ ...entry, absError, relError, ok }, badness);
  };
  const locate = (c: number) => {
    let k = 0;
    while (c >= inSizes[k]!) c -= inSizes[k++]!;
    return { k, index: multiIndex(shapeOf(inputs[k]!), c) };
  };
  const outLabel = (r: number): string | undefined => {
    if (nOut === 1) return undefined;
    let j = 0;
    while (r >= outSizes[j]!) r -= outSizes[j++]!;
    const idx = fmtIndex(multiIndex(shapeOf(outs[j]!), r));
    return outNames ? `${outNames[j]}${idx === '-' ? '' : idx}` : idx;
  };
  const noteNondeterminism = (r: number | undefined, a: Float64Array, b: Float64Array) => {
    for (let c = 0; c < nIn; c++) {
      if (Object.is(a[c], b[c]) || nondeterministic.length >= 20) continue;
      const { k, index } = locate(c);
      nondeterministic.push({
        input: names[k]!,
        inputIndex: k,
        index,
        output: r === undefined ? undefined : outLabel(r),
        first: a[c]!,
        second: b[c]!,
      });
    }
  };

  /** Central difference of `weights · f` along `direction` (a flat vector over all inputs). */
  const base = numericInputs.map(flatValues);
  const perturb = (direction: (c: number) => number, sign: number) => {
    let c = 0;
    numericInputs.forEach((x, k) => {
      const b = base[k]!;
      for (let i = 0; i < b.length; i++, c++) {
        const d = direction(c);
        if (d !== 0) setElement(x, i, b[i]! + sign * o.eps * d);
      }
    });
  };
  const restore = () => numericInputs.forEach((x, k) => base[k]!.forEach((v, i) => setElement(x, i, v)));
  const centralColumn = (c: number): Float64Array => {
    const { k } = locate(c);
    const local = c - inSizes.slice(0, k).reduce((a, b) => a + b, 0);
    const x = numericInputs[k]!;
    const v = base[k]![local]!;
    setElement(x, local, v + o.eps);
    const plus = evaluate();
    setElement(x, local, v - o.eps);
    const minus = evaluate();
    setElement(x, local, v);
    for (let r = 0; r < nOut; r++) plus[r] = (plus[r]! - minus[r]!) / (2 * o.eps);
    return plus;
  };

  let mode: GradcheckReport['mode'];
  if (nIn <= o.limit && nOut <= o.limit) {
    mode = 'full-jacobian';
    const rows: Float64Array[] = [];
    const unit = new Float64Array(nOut);
    for (let r = 0; r < nOut; r++) {
      unit.fill(0);
      unit[r] = 1;
      rows.push(vjp(unit));
    }
    // A second pass over the same graph: a rule that depends on call order or hidden state
    // gives different numbers the second time.
    for (let r = 0; r < nOut; r++) {
      unit.fill(0);
      unit[r] = 1;
      noteNondeterminism(r, rows[r]!, vjp(unit));
    }
    for (let c = 0; c < nIn; c++) {
      const column = centralColumn(c);
      const { k, index } = locate(c);
      for (let r = 0; r < nOut; r++) {
        compare({
          input: names[k]!,
          inputIndex: k,
          index,
          output: outLabel(r),
          analytic: rows[r]![c]!,
          numeric: column[r]!,
        });
      }
    }
  } else {
    mode = 'adjoint';
    const u = new Float64Array(nOut);
    if (nOut === 1) u[0] = 1;
    else for (let r = 0; r < nOut; r++) u[r] = gen.normal();
    const g = vjp(u);
    noteNondeterminism(undefined, g, vjp(u));
    const dotU = (y: Float64Array) => y.reduce((s, v, r) => s + v * u[r]!, 0);
    const columns =
      nIn <= o.limit ? Array.from({ length: nIn }, (_, c) => c) : sampleIndices(gen, nIn, o.sample);
    for (const c of columns) {
      const col = centralColumn(c);
      const { k, index } = locate(c);
      compare({ input: names[k]!, inputIndex: k, index, analytic: g[c]!, numeric: dotU(col) });
    }
    if (nIn > o.limit) {
      for (let d = 0; d < o.directions; d++) {
        const v = new Float64Array(nIn);
        for (let c = 0; c < nIn; c++) v[c] = gen.random() < 0.5 ? -1 : 1;
        perturb((c) => v[c]!, 1);
        const plus = dotU(evaluate());
        perturb((c) => v[c]!, -1);
        const minus = dotU(evaluate());
        restore();
        const analytic = g.reduce((s, x, c) => s + x * v[c]!, 0);
        const magnitude = g.reduce((s, x) => s + Math.abs(x), 0);
        compare(
          {
            input: 'all inputs',
            inputIndex: -1,
            index: [],
            output: `direction ${d}`,
            analytic,
            numeric: (plus - minus) / (2 * o.eps),
          },
          Math.sqrt(nIn),
          magnitude,
        );
      }
      notes.push(
        `${nIn} input elements: ${columns.length} sampled one by one, ${o.directions} random directions`,
      );
    }
    if (nOut > 1) notes.push(`${nOut} output elements: compared through a seeded random cotangent (Jᵀu)`);
  }

  if (nondeterministic.length > 0) {
    const e = nondeterministic[0]!;
    problems.push(
      `backward gave different gradients on a second run over the same graph (${nondeterministic.length}${nondeterministic.length >= 20 ? '+' : ''} elements), e.g. input '${e.input}' element ${fmtIndex(e.index)}${e.output ? ` for output ${e.output}` : ''}: ${e.first} then ${e.second}. A backward rule depends on call order or on state left by an earlier call.`,
    );
  }
  return {
    ok: failed === 0 && problems.length === 0,
    maxAbsError,
    maxRelError,
    worst: worst.result(),
    checked,
    failed,
    mode,
    eps: o.eps,
    atol: o.atol,
    rtol: o.rtol,
    nondeterministic,
    problems,
    notes,
  };
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

function resolve(fnName: string, options: GradcheckOptions, float32: boolean): Resolved {
  const o: Resolved = {
    eps: options.eps ?? 1e-6,
    atol: options.atol ?? (float32 ? 1e-4 : 1e-5),
    rtol: options.rtol ?? (float32 ? 1e-2 : 1e-3),
    limit: options.fullJacobianLimit ?? 1000,
    directions: options.directions ?? 3,
    sample: options.sampleElements ?? 100,
    seed: options.seed ?? 0,
    maxWorst: options.maxWorst ?? 5,
  };
  for (const [key, v] of Object.entries(o)) {
    if (!Number.isFinite(v) || v < 0 || (key === 'eps' && v === 0)) {
      throw new TapegradError(
        fnName,
        `option ${PUBLIC_NAMES[key] ?? key} must be a ${key === 'eps' ? 'positive' : 'non-negative'} finite number, got ${v}.`,
      );
    }
  }
  return o;
}

const PUBLIC_NAMES: Record<string, string> = { limit: 'fullJacobianLimit', sample: 'sampleElements' };

/** `count` distinct positions out of `n`, seeded. */
function sampleIndices(gen: Generator, n: number, count: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, n)) picked.add(gen.int(0, n));
  return [...picked].sort((a, b) => a - b);
}
