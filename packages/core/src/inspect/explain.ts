/**
 * `explainGradient`: the chain rule as a textbook writes it — every path from an output back to
 * an input, each local factor with its value, each path's product, and their sum.
 */
import { sizeOfValue } from '../check/values.js';
import { TapegradError } from '../errors.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { Scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import { formatExplanation } from './explain-format.js';
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
import { graphView } from './view.js';

export type { ExplainedFactor, ExplainedPath };

/** Options of {@link explainGradient}. */
export interface ExplainOptions {
  /**
   * Which nodes a path names. `'labeled'` (the default when some intermediate node on the paths
   * has a label) stops at labeled nodes and folds the unlabeled ops between two of them into one
   * factor, as a textbook does; `'all'` names every op.
   */
  steps?: 'labeled' | 'all';
  /** Beyond this many paths, print a summary instead of every path (default 50). */
  maxPaths?: number;
  /** Significant digits of printed numbers (default 10). */
  digits?: number;
}

const EXPLAIN_KEYS: OptionKeys<ExplainOptions> = { steps: true, maxPaths: true, digits: true };

/** The structured explanation; `toString()` is the text `explainGradient` returns. */
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
  /** The explanation as text: what `explainGradient` returns. */
  toString(): string;
}

/**
 * The chain rule for `∂output/∂wrt`, path by path, as text. Labeled values (`label: 'w5'`) name
 * the steps. An op that uses the same value twice (`x.mul(x)`) contributes one factor, the sum
 * over both uses (2x). On Scalar graphs it works before and after `backward()`; a Tensor graph
 * must be explained before `backward()` or after `backward({ retainGraph: true })`.
 *
 * @example
 * E_total.backward();
 * console.log(explainGradient(E_total, w5));
 */
export function explainGradient(
  output: Scalar | Tensor,
  wrt: Scalar | Tensor,
  options?: ExplainOptions,
): string {
  return explainGradientPaths(output, wrt, checkOptions('explainGradient', options, EXPLAIN_KEYS)).toString();
}

/** The structured form of {@link explainGradient}: paths, factors, contributions, sum. */
export function explainGradientPaths(
  output: Scalar | Tensor,
  wrt: Scalar | Tensor,
  options?: ExplainOptions,
): GradientExplanation {
  options = checkOptions('explainGradientPaths', options, EXPLAIN_KEYS);
  checkArguments(output, wrt);
  const maxPaths = options.maxPaths ?? 50;
  const digits = options.digits ?? 10;
  const view = graphView('explainGradient', output);
  const target = view.canonical(wrt);
  const onPath = nodesOnPaths(view, target);
  const names = nodeNames(view.nodes);
  const inside = view.nodes.filter((n) => onPath.has(n.seq) && n.seq !== output.seq && n.seq !== wrt.seq);
  const steps = options.steps ?? (inside.some((n) => n.label !== undefined) ? 'labeled' : 'all');
  const stops = new Set(
    view.nodes
      .filter((n) => onPath.has(n.seq))
      .filter((n) => steps === 'all' || n.seq === output.seq || n.seq === wrt.seq || n.label !== undefined)
      .map((n) => n.seq),
  );
  const ctx: PathContext = {
    view,
    output: view.canonical(output),
    wrt: target,
    onPath,
    stops,
    name: (n) => names.get(n.seq) ?? n.label ?? n.op,
  };
  const edges = collapse(ctx);
  const pathCount = onPath.has(output.seq) ? (countPaths(ctx, edges).get(output.seq) ?? 0) : 0;
  const seed = view.ones(ctx.output);
  const paths =
    pathCount > 0 && pathCount <= maxPaths ? listPaths(ctx, edges, countPaths(ctx, edges), seed) : [];
  const summary = pathCount > maxPaths ? lastSteps(ctx, seed) : [];
  const sum = new Float64Array(sizeOfValue(wrt));
  for (const part of [...paths.map((p) => p.contribution), ...summary.map((s) => s.contribution)]) {
    part.forEach((v, i) => (sum[i] = sum[i]! + v));
  }
  const result: Omit<GradientExplanation, 'toString'> = {
    output: ctx.name(ctx.output),
    wrt: ctx.name(target),
    shape: [...wrt.shape],
    pathCount,
    paths,
    sum,
    autodiff: view.autodiff(target),
    lastSteps: summary,
  };
  const outputSize = sizeOfValue(output);
  return { ...result, toString: () => formatExplanation(result, { digits, maxPaths, steps, outputSize }) };
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
