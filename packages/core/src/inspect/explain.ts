/**
 * `explainGradient`: the chain rule as a textbook writes it — every path from an output back to
 * an input, each local factor with its value, each path's product, and their sum.
 */

import { fmtNum } from '../check/table.js';
import { cotangentFor, flatValues, sizeOfValue } from '../check/values.js';
import { fmtShape, TapegradError } from '../errors.js';
import { noGrad } from '../grad-mode.js';
import { Scalar } from '../scalar.js';
import { reachable, runBackward } from '../tape.js';
import { Tensor } from '../tensor.js';

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

/** One local factor ∂of/∂wrt along a path: a number when both ends hold one element. */
export interface ExplainedFactor {
  of: string;
  wrt: string;
  /** The local derivative, or `undefined` when it is a Jacobian (see `shapes`). */
  value: number | undefined;
  /** `[shape of 'of', shape of 'wrt']`: the Jacobian's shape. */
  shapes: [number[], number[]];
  /** The ops this factor goes through (more than one when unlabeled ops were folded in). */
  ops: string[];
}

/** One path from the output to `wrt`. */
export interface ExplainedPath {
  /** Names of the nodes along the path, output first. */
  nodes: string[];
  factors: ExplainedFactor[];
  /** This path's contribution to the gradient (flat, `wrt`'s shape): the product of its factors. */
  contribution: Float64Array;
}

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
  toString(): string;
}

type Node = Scalar | Tensor;

/**
 * The chain rule for `∂output/∂wrt`, path by path, as text. Each local factor is found by running
 * the node's backward closure with a unit cotangent, so call it before `backward()` or after
 * `backward({ retainGraph: true })`. Labeled values (`label: 'w5'`) name the steps. An op that
 * uses the same value twice (`x.mul(x)`) contributes one factor, the sum over both uses (2x).
 *
 * @example
 * console.log(explainGradient(E_total, w5));
 */
export function explainGradient(
  output: Scalar | Tensor,
  wrt: Scalar | Tensor,
  options: ExplainOptions = {},
): string {
  return explainGradientPaths(output, wrt, options).toString();
}

/** The structured form of {@link explainGradient}: paths, factors, contributions, sum. */
export function explainGradientPaths(
  output: Scalar | Tensor,
  wrt: Scalar | Tensor,
  options: ExplainOptions = {},
): GradientExplanation {
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
  const maxPaths = options.maxPaths ?? 50;
  const digits = options.digits ?? 10;
  const released = () =>
    new TapegradError(
      fn,
      `the graph of '${output.label ?? output.op}' was released by backward(); explain the gradient before calling backward(), or call backward({ retainGraph: true }) to keep the graph.`,
    );
  if (output.released) throw released();

  const graph = reachable([output]) as Node[];
  if (graph.some((n) => n.released)) throw released();
  const onPath = new Set<Node>();
  for (const n of graph) if (n === wrt || n.parents.some((p) => onPath.has(p as Node))) onPath.add(n);

  const names = nodeNames(graph);
  const name = (n: Node) => names.get(n) ?? n.label ?? n.op;
  const shapeOf = (n: Node): number[] => (n instanceof Tensor ? [...n.shape] : []);
  const wrtSize = sizeOfValue(wrt);
  const seed = cotangentFor(output, new Float64Array(sizeOfValue(output)).fill(1));
  const autodiff = output.requiresGrad
    ? runBackward([output], [seed], { inputs: [wrt], retainGraph: true })[0]
    : null;
  const autodiffFlat = autodiff ? flatValues(autodiff as Node) : new Float64Array(wrtSize);

  const labeledInside = [...onPath].some((n) => n !== output && n !== wrt && n.label !== undefined);
  const steps = options.steps ?? (labeledInside ? 'labeled' : 'all');
  const stops = new Set<Node>(
    steps === 'all' ? onPath : [...onPath].filter((n) => n === output || n === wrt || n.label !== undefined),
  );

  /**
   * A reverse pass from `start` with cotangent `g` through the on-path nodes, not crossing
   * `barrier` nodes: the cotangents arriving at each barrier node, the region passed through, and
   * the final cotangent of every node in it.
   */
  const propagate = (start: Node, g: unknown, barrier: ReadonlySet<Node>) => {
    const region: Node[] = [];
    const inRegion = new Set<Node>([start]);
    const walk: Node[] = [start];
    while (walk.length > 0) {
      const n = walk.pop()!;
      region.push(n);
      if (n !== start && barrier.has(n)) continue;
      for (const p of n.parents as Node[]) {
        if (onPath.has(p) && !inRegion.has(p)) {
          inRegion.add(p);
          walk.push(p);
        }
      }
    }
    region.sort((a, b) => b.seq - a.seq);
    const pending = new Map<Node, unknown>([[start, g]]);
    const arrived = new Map<Node, unknown>();
    noGrad(() => {
      for (const n of region) {
        const gn = pending.get(n);
        if (gn === undefined) continue;
        if (n !== start && barrier.has(n)) {
          arrived.set(n, gn);
          continue;
        }
        const closure = n.backwardFn as ((x: unknown) => readonly unknown[]) | null;
        if (closure === null) continue;
        const grads = closure(gn);
        n.parents.forEach((p, i) => {
          const pg = grads[i];
          if (pg === null || pg === undefined || !onPath.has(p as Node)) return;
          const prev = pending.get(p as Node);
          pending.set(p as Node, prev === undefined ? pg : p.addGrad(prev, pg));
        });
      }
    });
    return { arrived, region, final: pending };
  };

  // The collapsed graph: for each stop, the stops one factor away and the ops in between.
  const unit = (n: Node) => cotangentFor(n, new Float64Array(sizeOfValue(n)).fill(1));
  const edges = new Map<Node, { to: Node; factor: ExplainedFactor }[]>();
  for (const s of stops) {
    if (s === wrt) continue;
    const { arrived, region } = propagate(s, unit(s), stops);
    const list: { to: Node; factor: ExplainedFactor }[] = [];
    for (const [t, gt] of arrived) {
      const single = sizeOfValue(s) === 1 && sizeOfValue(t) === 1;
      list.push({
        to: t,
        factor: {
          of: name(s),
          wrt: name(t),
          value: single ? flatValues(gt as Node)[0] : undefined,
          shapes: [shapeOf(s), shapeOf(t)],
          ops: opsBetween(s, t, region, stops),
        },
      });
    }
    list.sort((a, b) => a.to.seq - b.to.seq); // earlier-created branches first: o1 before o2
    edges.set(s, list);
  }

  // Path counts per stop (ascending creation order: a stop's targets were created before it).
  const count = new Map<Node, number>([[wrt, 1]]);
  for (const s of [...stops].sort((a, b) => a.seq - b.seq)) {
    if (s === wrt) continue;
    count.set(
      s,
      Math.min(
        Number.MAX_SAFE_INTEGER,
        (edges.get(s) ?? []).reduce((c, e) => c + (count.get(e.to) ?? 0), 0),
      ),
    );
  }
  const pathCount = onPath.has(output) ? (count.get(output) ?? 0) : 0;

  const paths: ExplainedPath[] = [];
  const lastSteps: GradientExplanation['lastSteps'] = [];
  const sum = new Float64Array(wrtSize);
  if (pathCount > 0 && pathCount <= maxPaths) {
    // Depth-first over the collapsed graph with an explicit stack (a long chain must not overflow
    // it); each entry links to its predecessor, so extending a path costs O(1).
    type Step = { node: Node; edge: { to: Node; factor: ExplainedFactor } | null; prev: Step | null };
    const dfs: Step[] = [{ node: output, edge: null, prev: null }];
    while (dfs.length > 0) {
      const step = dfs.pop()!;
      if (step.node === wrt) {
        const trail: { to: Node; factor: ExplainedFactor }[] = [];
        for (let s: Step | null = step; s?.edge; s = s.prev) trail.push(s.edge);
        trail.reverse();
        let g: unknown = seed;
        let from: Node = output;
        for (const t of trail) {
          g = propagate(from, g, stops).arrived.get(t.to);
          from = t.to;
        }
        const contribution = flatValues(g as Node);
        contribution.forEach((v, i) => (sum[i] = sum[i]! + v));
        paths.push({
          nodes: [name(output), ...trail.map((t) => name(t.to))],
          factors: trail.map((t) => t.factor),
          contribution,
        });
        continue;
      }
      const next = edges.get(step.node) ?? [];
      for (let i = next.length - 1; i >= 0; i--) {
        const e = next[i]!;
        if ((count.get(e.to) ?? 0) > 0) dfs.push({ node: e.to, edge: e, prev: step });
      }
    }
  } else if (pathCount > maxPaths) {
    const consumers = [...onPath].filter((n) => n.parents.includes(wrt as never));
    // Every node's full cotangent (a node's entry is final once the pass has passed it).
    const { final } = propagate(output, seed, new Set([wrt]));
    for (const c of consumers) {
      const gc = final.get(c);
      if (gc === undefined) continue;
      const grads = noGrad(() => (c.backwardFn as (x: unknown) => readonly unknown[])(gc));
      const contribution = new Float64Array(wrtSize);
      c.parents.forEach((p, i) => {
        const pg = grads[i];
        if (p === wrt && pg)
          flatValues(pg as Node).forEach((v, j) => (contribution[j] = contribution[j]! + v));
      });
      contribution.forEach((v, i) => (sum[i] = sum[i]! + v));
      lastSteps.push({ via: name(c), contribution });
    }
  }

  const result: Omit<GradientExplanation, 'toString'> = {
    output: name(output),
    wrt: name(wrt),
    shape: shapeOf(wrt),
    pathCount,
    paths,
    sum,
    autodiff: autodiffFlat,
    lastSteps,
  };
  const outputSize = sizeOfValue(output);
  return { ...result, toString: () => formatExplanation(result, { digits, maxPaths, steps, outputSize }) };
}

/** Ops from stop `s` to stop `t` inside `region`: `s`'s op, then unlabeled ops leading to `t`. */
function opsBetween(s: Node, t: Node, region: readonly Node[], stops: ReadonlySet<Node>): string[] {
  const leads = new Set<Node>([t]);
  const ascending = [...region].reverse();
  for (const n of ascending) {
    if (n === s || stops.has(n)) continue;
    if (n.parents.some((p) => leads.has(p as Node))) leads.add(n);
  }
  return [s.op, ...region.filter((n) => n !== s && !stops.has(n) && leads.has(n)).map((n) => n.op)];
}

/** A readable name per node: its label, else its op numbered when the op occurs more than once. */
function nodeNames(nodes: readonly Node[]): Map<Node, string> {
  const total = new Map<string, number>();
  for (const n of nodes) if (n.label === undefined) total.set(n.op, (total.get(n.op) ?? 0) + 1);
  const seen = new Map<string, number>();
  const names = new Map<Node, string>();
  for (const n of nodes) {
    if (n.label !== undefined) {
      names.set(n, n.label);
      continue;
    }
    const k = (seen.get(n.op) ?? 0) + 1;
    seen.set(n.op, k);
    names.set(n, (total.get(n.op) ?? 0) > 1 ? `${n.op}#${k}` : n.op);
  }
  return names;
}

const MAX_FACTORS_SHOWN = 24;

function formatExplanation(
  e: Omit<GradientExplanation, 'toString'>,
  o: { digits: number; maxPaths: number; steps: 'labeled' | 'all'; outputSize: number },
): string {
  const num = (v: number) => fmtNum(v, o.digits);
  const single = e.shape.every((d) => d === 1);
  const vec = (a: Float64Array) => {
    if (a.length === 1) return num(a[0]!);
    const norm = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    const values = a.length <= 6 ? ` [${Array.from(a, num).join(', ')}]` : '';
    return `shape ${fmtShape(e.shape)}, norm ${num(norm)}${values}`;
  };
  const lines: string[] = [];
  const target = `∂${e.output}/∂${e.wrt}`;
  const by =
    o.steps === 'labeled' ? ' (steps at labeled values; unlabeled ops folded into their factor)' : '';
  if (o.outputSize > 1)
    lines.push(`(${e.output} has ${o.outputSize} elements: explaining the gradient of their sum)`);
  if (e.pathCount === 0) {
    lines.push(`${target}: no path from ${e.output} back to ${e.wrt}; the gradient is 0.`);
    return lines.join('\n');
  }
  if (e.paths.length === 0) {
    lines.push(
      `${target}: ${e.pathCount} paths, more than maxPaths = ${o.maxPaths}; not listing them.`,
      'Label a few intermediate values (steps fold the ops between labels) or pass { maxPaths }.',
      `The gradient split by the op consuming ${e.wrt} (the last factor of every path):`,
    );
    const shown = [...e.lastSteps].sort((a, b) => norm(b.contribution) - norm(a.contribution)).slice(0, 10);
    for (const s of shown) lines.push(`  via ${s.via}: ${vec(s.contribution)}`);
    if (e.lastSteps.length > shown.length) lines.push(`  … ${e.lastSteps.length - shown.length} more`);
  } else {
    lines.push(`${target} by the chain rule: ${e.pathCount} path${e.pathCount === 1 ? '' : 's'}${by}`);
    e.paths.forEach((p, k) => {
      const nodes =
        p.nodes.length <= MAX_FACTORS_SHOWN
          ? p.nodes
          : [...p.nodes.slice(0, 10), `… ${p.nodes.length - 20} more`, ...p.nodes.slice(-10)];
      lines.push(`path ${k + 1}: ${nodes.join(' → ')}`);
      const terms = p.factors.map((f) => `∂${f.of}/∂${f.wrt}`);
      const width = Math.max(...terms.map((t) => t.length), 'product'.length);
      const shownIdx =
        p.factors.length <= MAX_FACTORS_SHOWN
          ? p.factors.map((_, i) => i)
          : [...Array(10).keys(), -1, ...Array.from({ length: 10 }, (_, i) => p.factors.length - 10 + i)];
      const values = p.factors.map((f) =>
        f.value !== undefined ? num(f.value) : `Jacobian ${fmtShape(f.shapes[0])} ← ${fmtShape(f.shapes[1])}`,
      );
      const valueWidth = Math.max(...values.map((v) => v.length));
      for (const i of shownIdx) {
        if (i < 0) {
          lines.push(`    … ${p.factors.length - 20} more factors`);
          continue;
        }
        lines.push(
          `    ${terms[i]!.padEnd(width)} = ${values[i]!.padEnd(valueWidth)}   [${p.factors[i]!.ops.join(', ')}]`,
        );
      }
      lines.push(`    ${(single ? 'product' : 'contribution').padEnd(width)} = ${vec(p.contribution)}`);
    });
  }
  const sumText =
    e.paths.length === 0 ? 'sum over the last steps' : e.pathCount === 1 ? 'gradient' : 'sum over paths';
  lines.push(`${sumText}: ${target} = ${vec(e.sum)}`);
  let diff = 0;
  e.sum.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - e.autodiff[i]!))));
  lines.push(
    `autodiff (backward pass): ${vec(e.autodiff)}${diff > 0 ? `; max |difference| ${diff.toExponential(1)}` : ' (equal)'}`,
  );
  return lines.join('\n');
}

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
