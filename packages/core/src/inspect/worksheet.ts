/**
 * `backpropWorksheet`: a labelled Scalar graph worked out the way the tutorials lay it out — the
 * given values, every labelled value of the forward pass with its equation and its numbers, every
 * gradient in backward order as the chain rule through the labelled values it feeds, and one step
 * of gradient descent.
 */
import type { Differentiable } from '../differentiable.js';
import { TapegradError } from '../errors.js';
import { constant, type Formula } from '../math/formula.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { Scalar } from '../scalar.js';
import { type ReportFormat, requireFormat } from './markup.js';
import { collapse, type Edge, nodeNames, type PathContext } from './paths.js';
import { formulasOnEdges, scalarFormulas } from './symbolic.js';
import { type GraphView, graphView } from './view.js';
import { formatWorksheet } from './worksheet-format.js';

/** Options of {@link backpropWorksheet}. */
export interface WorksheetOptions {
  /** `'text'` (default), `'markdown'` (tables) or `'latex'` (aligned equations). */
  format?: ReportFormat;
  /** Learning rate η of the descent step (default 1). */
  lr?: number;
  /** Significant digits of printed numbers (default 10). */
  digits?: number;
}

const WORKSHEET_KEYS: OptionKeys<WorksheetOptions> = { format: true, lr: true, digits: true };

/** A value of the forward pass: its equation in the labels (none for a given value) and its value. */
export interface WorksheetValue {
  name: string;
  formula: Formula | undefined;
  value: number;
}

/** One term of a gradient: ∂out/∂via (already known) times the local factor ∂via/∂this. */
export interface WorksheetTerm {
  via: string;
  /** ∂output/∂via; the output's own term has 1 here. */
  upstream: number;
  /** ∂via/∂this as a formula in the labels, and its value. */
  local: Formula;
  localValue: number;
}

/** ∂output/∂name as the sum of its terms. */
export interface WorksheetGradient {
  name: string;
  terms: WorksheetTerm[];
  value: number;
}

/** One parameter's descent step: `value − lr · gradient`. */
export interface WorksheetUpdate {
  name: string;
  value: number;
  gradient: number;
  updated: number;
}

/** The worked example as data; `toString()` writes it out. */
export interface BackpropWorksheet {
  output: string;
  lr: number;
  /** Leaves with labels and parameters (values that require grad), in creation order. */
  given: WorksheetValue[];
  /** Labelled values computed by the graph, in creation order, with their equations. */
  forward: WorksheetValue[];
  /** Every gradient, in backward order (a value's gradient once all it feeds is done). */
  backward: WorksheetGradient[];
  /** One step of gradient descent for every parameter, in creation order. */
  update: WorksheetUpdate[];
  /** Largest |worksheet gradient − backward pass| over the parameters. */
  autodiffDifference: number;
  /** The worksheet written out in the requested format. */
  toString(): string;
}

/**
 * The whole worked example of a labelled Scalar graph, as a tutorial writes it: given values;
 * the forward pass (each labelled value's equation, the numbers substituted, the value); the
 * backward pass in order, each gradient as the sum over the labelled values it feeds of
 * upstream gradient × local factor, with the factors' formulas and numbers; one step of gradient
 * descent `p ← p − lr·∂output/∂p` for every parameter. Unlabeled ops are folded into the factors
 * (label the values you want to see). It reads the graph without changing any `.grad`, before or
 * after `backward()`.
 *
 * @example
 * console.log(backpropWorksheet(E_total, { lr: 0.5 }).toString());
 */
export function backpropWorksheet(output: Scalar, options?: WorksheetOptions): BackpropWorksheet {
  const fn = 'backpropWorksheet';
  options = checkOptions(fn, options, WORKSHEET_KEYS);
  if (!(output instanceof Scalar)) {
    throw new TapegradError(
      fn,
      'works on Scalar graphs (hand-sized, labelled); for a Tensor graph use explainGradient or checkHandDerived.',
    );
  }
  if (!output.requiresGrad)
    throw new TapegradError(fn, 'the output does not depend on any value that requires grad.');
  const format = requireFormat(fn, options.format);
  const lr = options.lr ?? 1;
  const digits = options.digits ?? 10;
  const { ctx, nodes, params } = worksheetContext(graphView(fn, output), output);
  const formulas = scalarFormulas((n) => n.label ?? (n.isLeaf && n.requiresGrad ? ctx.name(n) : undefined));
  const edges = collapse(ctx);
  formulasOnEdges(ctx, edges, formulas);
  const backward = backwardPass(ctx, edges, nodes);
  const gradientOf = new Map(backward.map((g) => [g.name, g.value]));
  const update = params.map((p) => {
    const gradient = gradientOf.get(ctx.name(p)) ?? 0;
    return { name: ctx.name(p), value: p.value, gradient, updated: p.value - lr * gradient };
  });
  const autodiff = params.map((p, k) => Math.abs(ctx.view.autodiff(p)[0]! - update[k]!.gradient));
  const result: Omit<BackpropWorksheet, 'toString'> = {
    output: ctx.name(output),
    lr,
    given: nodes
      .filter((n) => n.isLeaf && (n.requiresGrad || n.label !== undefined))
      .map((n) => ({ name: ctx.name(n), formula: undefined, value: n.value })),
    forward: nodes
      .filter((n) => !n.isLeaf && (n.label !== undefined || n.seq === output.seq))
      .map((n) => ({ name: ctx.name(n), formula: formulas.definition(n), value: n.value })),
    backward,
    update,
    autodiffDifference: Math.max(0, ...autodiff),
  };
  return { ...result, toString: () => formatWorksheet(result, format, digits) };
}

/**
 * The stops of a worksheet — the output, labelled values and parameters — over the whole graph.
 * Every node is on a path; `wrt` only tells `collapse` whose edges to skip, and a leaf has none.
 */
function worksheetContext(view: GraphView, output: Scalar) {
  const nodes = view.nodes as Scalar[];
  const names = nodeNames(nodes);
  const name = (n: Differentiable) => n.label ?? names.get(n.seq) ?? n.op;
  const params = nodes.filter((n) => n.isLeaf && n.requiresGrad);
  const stops = new Set(
    nodes
      .filter((n) => n.seq === output.seq || (n.requiresGrad && (n.label !== undefined || n.isLeaf)))
      .map((n) => n.seq),
  );
  const onPath = new Set(nodes.map((n) => n.seq));
  const ctx: PathContext = { view, output: view.canonical(output), wrt: params[0]!, onPath, stops, name };
  return { ctx, nodes, params };
}

/**
 * The gradient of every stop, newest first, each as the sum of its incoming edges; a parameter
 * (a leaf) follows as soon as every value it feeds is done, as a tutorial updates w5 right after
 * the output layer.
 */
function backwardPass(
  ctx: PathContext,
  edges: ReadonlyMap<number, Edge[]>,
  nodes: readonly Scalar[],
): WorksheetGradient[] {
  const incoming = new Map<number, { from: Scalar; edge: Edge }[]>();
  for (const n of nodes)
    for (const e of edges.get(n.seq) ?? [])
      incoming.set(e.to.seq, [...(incoming.get(e.to.seq) ?? []), { from: n, edge: e }]);
  const grad = new Map<number, number>([[ctx.output.seq, 1]]);
  const done = new Set<number>([ctx.output.seq]);
  const out: WorksheetGradient[] = [];
  const emit = (n: Scalar) => {
    const terms = (incoming.get(n.seq) ?? []).map(({ from, edge }) => ({
      via: ctx.name(from),
      upstream: grad.get(from.seq)!,
      local: edge.factor.formula ?? constant(edge.factor.value!),
      localValue: edge.factor.value!,
    }));
    const value = terms.reduce((s, t) => s + t.upstream * t.localValue, 0);
    grad.set(n.seq, value);
    done.add(n.seq);
    out.push({ name: ctx.name(n), terms, value });
  };
  const leaves = nodes.filter((n) => n.isLeaf && ctx.stops.has(n.seq));
  const ready = (n: Scalar) => (incoming.get(n.seq) ?? []).every(({ from }) => done.has(from.seq));
  for (const n of [...nodes].reverse()) {
    if (n.isLeaf || !ctx.stops.has(n.seq) || done.has(n.seq)) continue;
    emit(n);
    for (const leaf of leaves) if (!done.has(leaf.seq) && ready(leaf)) emit(leaf);
  }
  for (const leaf of leaves) if (!done.has(leaf.seq)) emit(leaf);
  return out;
}
