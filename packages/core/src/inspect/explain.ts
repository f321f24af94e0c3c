/**
 * `explainGradient`: the chain rule as a textbook writes it — every path from an output back to
 * an input, each local factor with its value, each path's product, and their sum.
 */
import { sizeOfValue } from '../check/values.js';
import type { Differentiable } from '../differentiable.js';
import { TapegradError } from '../errors.js';
import type { Formula } from '../math/formula.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { Scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import { formatExplanation } from './explain-format.js';
import { type ReportFormat, requireFormat } from './markup.js';
import {
  collapse,
  countPaths,
  type ExplainedFactor,
  type ExplainedPath,
  lastSteps,
  listPaths,
  nodeNames,
  nodesOnPaths,
  type PathContext,
} from './paths.js';
import { attachFormulas, definitionsOf, type FormulaDefinition, scalarFormulas } from './symbolic.js';
import { type GraphView, graphView } from './view.js';

export type { ExplainedFactor, ExplainedPath, FormulaDefinition };

/** Options of {@link explainGradient}. */
export interface ExplainOptions {
  /**
   * Which nodes a path names. `'labeled'` (the default when some intermediate node on the paths
   * has a label) stops at labeled nodes and folds the unlabeled ops between two of them into one
   * factor, as a textbook does; `'all'` names every op (with `symbolic`, unlabeled values are
   * named `v3`, `v7`, … after their place in the graph, and their definitions are listed).
   */
  steps?: 'labeled' | 'all';
  /** Beyond this many paths, print a summary instead of every path (default 50). */
  maxPaths?: number;
  /** Significant digits of printed numbers (default 10). */
  digits?: number;
  /**
   * Write each local factor as a formula in the labels, then its value
   * (`∂out_o1/∂l_o1 = out_o1·(1 − out_o1) = 0.2090716728`), and the gradient as the sum over paths
   * of their products. Symbolic explanations cover Scalar graphs (every elementwise op, from the
   * same rule table as the numbers; a custom op's factor is named, not written out); a Tensor
   * graph is explained with numbers and Jacobian shapes, with a note saying so.
   */
  symbolic?: boolean;
  /** `'text'` (default), `'markdown'` (each path a table) or `'latex'` (aligned equations). */
  format?: ReportFormat;
}

const EXPLAIN_KEYS: OptionKeys<ExplainOptions> = {
  steps: true,
  maxPaths: true,
  digits: true,
  symbolic: true,
  format: true,
};

/** The structured explanation; `toString()` is what `explainGradient` returns. */
export interface GradientExplanation {
  output: string;
  wrt: string;
  /** Shape of `wrt` (and of each contribution). */
  shape: number[];
  /** Number of paths (also when they were too many to list). */
  pathCount: number;
  /** Every path, or none when there were more than `maxPaths`. */
  paths: ExplainedPath[];
  /** Sum of the paths' contributions (flat). */
  sum: Float64Array;
  /** The gradient by an ordinary backward pass, for comparison (flat). */
  autodiff: Float64Array;
  /** When paths were too many: the gradient split by the op that consumes `wrt`. */
  lastSteps: { via: string; contribution: Float64Array }[];
  /** With `symbolic`: the gradient as the sum over paths of their products, simplified. */
  formula?: Formula;
  /** With `symbolic` and `steps: 'all'`: what each generated name (`v3`) stands for. */
  definitions: FormulaDefinition[];
  /** Remarks (e.g. that a Tensor graph has no symbolic form). */
  notes: string[];
  /** The explanation in the requested format: what `explainGradient` returns. */
  toString(): string;
}

/**
 * The chain rule for `∂output/∂wrt`, path by path, as text (or Markdown, or LaTeX). Labeled values
 * (`label: 'w5'`) name the steps. An op that uses the same value twice (`x.mul(x)`) contributes one
 * factor, the sum over both uses (2x). With `symbolic: true` each factor is also a formula in the
 * labels (Scalar graphs). On Scalar graphs it works before and after `backward()`; a Tensor graph
 * must be explained before `backward()` or after `backward({ retainGraph: true })`.
 *
 * @example
 * E_total.backward();
 * console.log(explainGradient(E_total, w5, { symbolic: true }));
 */
export function explainGradient(
  output: Scalar | Tensor,
  wrt: Scalar | Tensor,
  options?: ExplainOptions,
): string {
  return explainGradientPaths(output, wrt, checkOptions('explainGradient', options, EXPLAIN_KEYS)).toString();
}

/** The structured form of {@link explainGradient}: paths, factors, contributions, sum, formulas. */
export function explainGradientPaths(
  output: Scalar | Tensor,
  wrt: Scalar | Tensor,
  options?: ExplainOptions,
): GradientExplanation {
  options = checkOptions('explainGradientPaths', options, EXPLAIN_KEYS);
  checkArguments(output, wrt);
  const format = requireFormat('explainGradient', options.format);
  const maxPaths = options.maxPaths ?? 50;
  const digits = options.digits ?? 10;
  const view = graphView('explainGradient', output);
  const symbolic = (options.symbolic ?? false) && output instanceof Scalar;
  const { ctx, steps, formulas, generated } = pathContext(view, output, wrt, options.steps, symbolic);
  const edges = collapse(ctx);
  const count = countPaths(ctx, edges);
  const pathCount = ctx.onPath.has(output.seq) ? (count.get(output.seq) ?? 0) : 0;
  const seed = view.ones(ctx.output);
  const paths = pathCount > 0 && pathCount <= maxPaths ? listPaths(ctx, edges, count, seed) : [];
  const summary = pathCount > maxPaths ? lastSteps(ctx, seed) : [];
  const sum = new Float64Array(sizeOfValue(wrt));
  for (const part of [...paths.map((p) => p.contribution), ...summary.map((s) => s.contribution)]) {
    part.forEach((v, i) => (sum[i] = sum[i]! + v));
  }
  const formula = formulas && paths.length > 0 ? attachFormulas(ctx, edges, paths, formulas) : undefined;
  const used = paths.flatMap((p) => p.factors.flatMap((f) => (f.formula ? [f.formula] : [])));
  const result: Omit<GradientExplanation, 'toString'> = {
    output: ctx.name(ctx.output),
    wrt: ctx.name(ctx.wrt),
    shape: [...wrt.shape],
    pathCount,
    paths,
    sum,
    autodiff: view.autodiff(ctx.wrt),
    lastSteps: summary,
    formula,
    definitions: formulas && generated ? definitionsOf(used, generated, formulas) : [],
    notes: options.symbolic && !symbolic ? [TENSOR_NOTE] : [],
  };
  const style = { digits, maxPaths, steps, outputSize: sizeOfValue(output), format, symbolic };
  return { ...result, toString: () => formatExplanation(result, style) };
}

const TENSOR_NOTE =
  'symbolic formulas cover Scalar graphs; this Tensor graph is explained with numbers and Jacobian shapes.';

/**
 * Which nodes the paths stop at and what they are called; with `symbolic`, the formulas of the
 * Scalar graph under the same names (and, for `steps: 'all'`, the generated names `v3`, …).
 */
function pathContext(
  view: GraphView,
  output: Differentiable,
  wrt: Differentiable,
  stepsOption: 'labeled' | 'all' | undefined,
  symbolic: boolean,
) {
  const target = view.canonical(wrt);
  const onPath = nodesOnPaths(view, target);
  const inside = view.nodes.filter((n) => onPath.has(n.seq) && n.seq !== output.seq && n.seq !== wrt.seq);
  const steps = stepsOption ?? (inside.some((n) => n.label !== undefined) ? 'labeled' : 'all');
  const stops = new Set(
    view.nodes
      .filter((n) => onPath.has(n.seq))
      .filter((n) => steps === 'all' || n.seq === output.seq || n.seq === wrt.seq || n.label !== undefined)
      .map((n) => n.seq),
  );
  const names = nodeNames(view.nodes);
  const index = new Map(view.nodes.map((n, i) => [n.seq, i]));
  const generatedName = (n: Differentiable) => `v${index.get(n.seq)}`;
  const byAll = symbolic && steps === 'all';
  const name = (n: Differentiable) => n.label ?? (byAll ? generatedName(n) : (names.get(n.seq) ?? n.op));
  const ctx: PathContext = { view, output: view.canonical(output), wrt: target, onPath, stops, name };
  if (!symbolic) return { ctx, steps, formulas: undefined, generated: undefined };
  // Unnamed constants are written as their values; in 'all' mode every other value has a name,
  // in 'labeled' mode unlabeled op results are written out as their definitions.
  const symbolFor = (n: Scalar) =>
    n.label ?? (n.isLeaf && !n.requiresGrad ? undefined : byAll || n.isLeaf ? name(n) : undefined);
  const generated = byAll
    ? new Map(view.nodes.filter((n) => n.label === undefined).map((n) => [generatedName(n), n as Scalar]))
    : undefined;
  return { ctx, steps, formulas: scalarFormulas(symbolFor), generated };
}

function checkArguments(output: unknown, wrt: unknown): void {
  const fn = 'explainGradient';
  for (const [what, v] of [
    ['output', output],
    ['wrt', wrt],
  ] as const) {
    if (!(v instanceof Scalar) && !(v instanceof Tensor)) {
      throw new TapegradError(
        fn,
        `${what} must be a Scalar or a Tensor, got ${v === null ? 'null' : typeof v}.`,
      );
    }
  }
  if (output instanceof Scalar !== wrt instanceof Scalar) {
    throw new TapegradError(fn, 'output and wrt must both be Scalars or both be Tensors.');
  }
}
