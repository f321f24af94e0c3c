/**
 * The comparison engine behind `gradcheck` and `gradgradcheck`: autodiff gradients of a function
 * with one or more outputs, against float64 central differences.
 */
import { TapegradError } from '../errors.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { Generator } from '../random.js';
import { CheckProblem, type MultiOutputFn } from './problem.js';
import type { GradcheckReport } from './report.js';
import { Tally } from './tally.js';
import { fmtIndex } from './values.js';

export type { MultiOutputFn };

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

/** The keys of {@link GradcheckOptions}. */
export const GRADCHECK_KEYS: OptionKeys<GradcheckOptions> = {
  eps: true,
  atol: true,
  rtol: true,
  fullJacobianLimit: true,
  directions: true,
  sampleElements: true,
  seed: true,
  maxWorst: true,
};

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
  checkOptions(fnName, options, GRADCHECK_KEYS);
  const problem = new CheckProblem(fnName, f, inputs, numericNeedsGrad);
  const o = resolve(fnName, options, problem.float32);
  const notes: string[] = [];
  if (problem.float32) {
    const promoted = problem.promotedNames();
    notes.push(
      promoted.length > 0
        ? `float32 input ${promoted.join(', ')} promoted to a float64 copy for finite differences; float32 tolerances`
        : 'float32 output: float32 tolerances',
    );
  }
  const tally = new Tally(o.atol, o.rtol, o.maxWorst);
  const full = problem.nIn <= o.limit && problem.nOut <= o.limit;
  if (full) checkFullJacobian(problem, tally, o);
  else notes.push(...checkAdjoint(problem, tally, o));
  const problems = [...problem.problems];
  const nd = tally.nondeterministic;
  if (nd.length > 0) {
    const e = nd[0]!;
    problems.push(
      `backward gave different gradients on a second run over the same graph (${nd.length}${nd.length >= 20 ? '+' : ''} elements), e.g. input '${e.input}' element ${fmtIndex(e.index)}${e.output ? ` for output ${e.output}` : ''}: ${e.first} then ${e.second}. A backward rule depends on call order or on state left by an earlier call.`,
    );
  }
  return {
    ok: tally.failed === 0 && problems.length === 0,
    maxAbsError: tally.maxAbsError,
    maxRelError: tally.maxRelError,
    worst: tally.worstEntries(),
    checked: tally.checked,
    failed: tally.failed,
    mode: full ? 'full-jacobian' : 'adjoint',
    eps: o.eps,
    atol: o.atol,
    rtol: o.rtol,
    nondeterministic: nd,
    problems,
    notes,
  };
}

/** Every Jacobian entry: one backward pass per output element (run twice), one column of differences per input element. */
function checkFullJacobian(p: CheckProblem, tally: Tally, o: Resolved): void {
  const unit = new Float64Array(p.nOut);
  const row = (r: number) => {
    unit.fill(0);
    unit[r] = 1;
    return p.vjp(unit);
  };
  const rows = Array.from({ length: p.nOut }, (_, r) => row(r));
  // A second pass over the same graph: a rule that depends on call order or hidden state
  // gives different numbers the second time.
  for (let r = 0; r < p.nOut; r++) noteNondeterminism(p, tally, r, rows[r]!, row(r));
  for (let c = 0; c < p.nIn; c++) {
    const column = p.centralColumn(c, o.eps);
    const { k, index } = p.locate(c);
    for (let r = 0; r < p.nOut; r++) {
      const entry = { input: p.names[k]!, inputIndex: k, index, output: p.outLabel(r) };
      tally.compare({ ...entry, analytic: rows[r]![c]!, numeric: column[r]! });
    }
  }
}

/**
 * Jᵀu for one seeded cotangent u, compared element by element (a sample of elements when the
 * input is large, plus random ±1 directions through all of it). Returns the notes it adds.
 */
function checkAdjoint(p: CheckProblem, tally: Tally, o: Resolved): string[] {
  const gen = new Generator(o.seed);
  const u = new Float64Array(p.nOut);
  if (p.nOut === 1) u[0] = 1;
  else for (let r = 0; r < p.nOut; r++) u[r] = gen.normal();
  const g = p.vjp(u);
  noteNondeterminism(p, tally, undefined, g, p.vjp(u));
  const dotU = (y: Float64Array) => y.reduce((s, v, r) => s + v * u[r]!, 0);
  const large = p.nIn > o.limit;
  const columns = large ? sampleIndices(gen, p.nIn, o.sample) : Array.from({ length: p.nIn }, (_, c) => c);
  for (const c of columns) {
    const { k, index } = p.locate(c);
    tally.compare({
      input: p.names[k]!,
      inputIndex: k,
      index,
      analytic: g[c]!,
      numeric: dotU(p.centralColumn(c, o.eps)),
    });
  }
  const notes: string[] = [];
  if (large) {
    for (let d = 0; d < o.directions; d++) checkDirection(p, tally, o, gen, g, dotU, d);
    notes.push(
      `${p.nIn} input elements: ${columns.length} sampled one by one, ${o.directions} random directions`,
    );
  }
  if (p.nOut > 1) notes.push(`${p.nOut} output elements: compared through a seeded random cotangent (Jᵀu)`);
  return notes;
}

/** ⟨Jᵀu, v⟩ against the central difference of ⟨u, f⟩ along a random ±1 direction v. */
function checkDirection(
  p: CheckProblem,
  tally: Tally,
  o: Resolved,
  gen: Generator,
  g: Float64Array,
  dotU: (y: Float64Array) => number,
  d: number,
): void {
  const v = new Float64Array(p.nIn);
  for (let c = 0; c < p.nIn; c++) v[c] = gen.random() < 0.5 ? -1 : 1;
  p.perturb((c) => v[c]!, 1, o.eps);
  const plus = dotU(p.evaluate());
  p.perturb((c) => v[c]!, -1, o.eps);
  const minus = dotU(p.evaluate());
  p.restore();
  const analytic = g.reduce((s, x, c) => s + x * v[c]!, 0);
  const magnitude = g.reduce((s, x) => s + Math.abs(x), 0);
  const entry = { input: 'all inputs', inputIndex: -1, index: [], output: `direction ${d}` };
  tally.compare({ ...entry, analytic, numeric: (plus - minus) / (2 * o.eps) }, Math.sqrt(p.nIn), magnitude);
}

/** Records the elements where two backward passes over the same graph disagree (at most 20). */
function noteNondeterminism(
  p: CheckProblem,
  tally: Tally,
  r: number | undefined,
  a: Float64Array,
  b: Float64Array,
): void {
  for (let c = 0; c < p.nIn; c++) {
    if (Object.is(a[c], b[c]) || tally.nondeterministic.length >= 20) continue;
    const { k, index } = p.locate(c);
    tally.nondeterministic.push({
      input: p.names[k]!,
      inputIndex: k,
      index,
      output: r === undefined ? undefined : p.outLabel(r),
      first: a[c]!,
      second: b[c]!,
    });
  }
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
