/**
 * The chain rule as paths: the graph between an output and an input collapsed to the nodes a
 * person names (the "stops"), the local factor on each collapsed edge, and every path from the
 * output back to the input with its contribution. Works on a {@link GraphView}, so Scalar and
 * Tensor graphs are explained alike.
 */
import { sizeOfValue } from '../check/values.js';
import type { Differentiable } from '../differentiable.js';
import type { Formula } from '../math/formula.js';
import type { Cotangent, GraphView } from './view.js';

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
  /** With `symbolic: true` (Scalar graphs): the factor as a formula in the labels. */
  formula?: Formula;
}

/** One path from the output to `wrt`. */
export interface ExplainedPath {
  /** Names of the nodes along the path, output first. */
  nodes: string[];
  factors: ExplainedFactor[];
  /** This path's contribution to the gradient (flat, `wrt`'s shape): the product of its factors. */
  contribution: Float64Array;
  /** With `symbolic: true` (Scalar graphs): the product of the factors' formulas, simplified. */
  formula?: Formula;
}

/** A collapsed edge: from a stop to the next stop on the way to the input. */
export interface Edge {
  to: Differentiable;
  factor: ExplainedFactor;
}

/** What the path functions share: the view, the input, the nodes on paths to it, names. */
export interface PathContext {
  view: GraphView;
  output: Differentiable;
  wrt: Differentiable;
  /** Seqs of the nodes from which `wrt` can be reached (including `wrt`). */
  onPath: ReadonlySet<number>;
  /** Seqs of the named nodes paths step through. */
  stops: ReadonlySet<number>;
  name(n: Differentiable): string;
}

/** The nodes from which `wrt` is reachable, in one ascending pass (parents come first). */
export function nodesOnPaths(view: GraphView, wrt: Differentiable): Set<number> {
  const onPath = new Set<number>();
  for (const n of view.nodes) {
    if (n.seq === wrt.seq || view.parents(n).some((p) => onPath.has(p.seq))) onPath.add(n.seq);
  }
  return onPath;
}

/**
 * A reverse pass from `start` with cotangent `g` through on-path nodes, not crossing stops: the
 * cotangents arriving at each stop, the region passed through (newest first), and the final
 * cotangent of every node in it. `pull` replaces the view's own (to see what a changed local
 * derivative would give).
 */
export function propagate(
  ctx: PathContext,
  start: Differentiable,
  g: Cotangent,
  stopAtStops = true,
  pull: GraphView['pull'] = ctx.view.pull,
) {
  const { view, onPath, stops } = ctx;
  const barrier = (n: Differentiable) =>
    n.seq !== start.seq && (stopAtStops ? stops.has(n.seq) : n.seq === ctx.wrt.seq);
  const region: Differentiable[] = [];
  const inRegion = new Set<number>([start.seq]);
  const walk = [start];
  while (walk.length > 0) {
    const n = walk.pop()!;
    region.push(n);
    if (barrier(n)) continue;
    for (const p of view.parents(n)) {
      if (onPath.has(p.seq) && !inRegion.has(p.seq)) {
        inRegion.add(p.seq);
        walk.push(p);
      }
    }
  }
  region.sort((a, b) => b.seq - a.seq);
  const pending = new Map<number, Cotangent>([[start.seq, g]]);
  const arrived = new Map<number, Cotangent>();
  for (const n of region) {
    const gn = pending.get(n.seq);
    if (gn === undefined) continue;
    if (barrier(n)) {
      arrived.set(n.seq, gn);
      continue;
    }
    for (const [p, pg] of pull(n, gn)) {
      if (!onPath.has(p.seq)) continue;
      const prev = pending.get(p.seq);
      pending.set(p.seq, prev === undefined ? pg : view.add(prev, pg));
    }
  }
  return { arrived, region, final: pending };
}

/** For each stop, the stops one factor away and the factor in between (earlier branches first). */
export function collapse(ctx: PathContext): Map<number, Edge[]> {
  const { view } = ctx;
  const edges = new Map<number, Edge[]>();
  for (const s of view.nodes) {
    // From `wrt` no path leads on (its inputs cannot reach it): nothing to collapse.
    if (!ctx.stops.has(s.seq) || s.seq === ctx.wrt.seq) continue;
    const { arrived, region } = propagate(ctx, s, view.ones(s));
    const list: Edge[] = [];
    for (const [seq, gt] of arrived) {
      const t = view.canonical(region.find((n) => n.seq === seq)!);
      const single = sizeOfValue(s) === 1 && sizeOfValue(t) === 1;
      list.push({
        to: t,
        factor: {
          of: ctx.name(s),
          wrt: ctx.name(t),
          value: single ? view.flat(gt)[0] : undefined,
          shapes: [[...s.shape], [...t.shape]],
          ops: opsBetween(ctx, s, t, region),
        },
      });
    }
    list.sort((a, b) => a.to.seq - b.to.seq);
    edges.set(s.seq, list);
  }
  return edges;
}

/** Number of paths from each stop to `wrt` (capped at the largest safe integer). */
export function countPaths(ctx: PathContext, edges: ReadonlyMap<number, Edge[]>): Map<number, number> {
  const count = new Map<number, number>([[ctx.wrt.seq, 1]]);
  for (const s of ctx.view.nodes) {
    if (!ctx.stops.has(s.seq) || s.seq === ctx.wrt.seq) continue;
    const total = (edges.get(s.seq) ?? []).reduce((c, e) => c + (count.get(e.to.seq) ?? 0), 0);
    count.set(s.seq, Math.min(Number.MAX_SAFE_INTEGER, total));
  }
  return count;
}

/**
 * Every path from the output to `wrt`, depth first with an explicit stack (a long chain must not
 * overflow it); each path's contribution is the seed pulled back along its stops.
 */
export function listPaths(
  ctx: PathContext,
  edges: ReadonlyMap<number, Edge[]>,
  count: ReadonlyMap<number, number>,
  seed: Cotangent,
): ExplainedPath[] {
  type Step = { node: Differentiable; edge: Edge | null; prev: Step | null };
  const paths: ExplainedPath[] = [];
  const dfs: Step[] = [{ node: ctx.output, edge: null, prev: null }];
  while (dfs.length > 0) {
    const step = dfs.pop()!;
    if (step.node.seq === ctx.wrt.seq) {
      const trail: Edge[] = [];
      for (let s: Step | null = step; s?.edge; s = s.prev) trail.push(s.edge);
      trail.reverse();
      paths.push(pathOf(ctx, trail, seed));
      continue;
    }
    const next = edges.get(step.node.seq) ?? [];
    for (let i = next.length - 1; i >= 0; i--) {
      const e = next[i]!;
      if ((count.get(e.to.seq) ?? 0) > 0) dfs.push({ node: e.to, edge: e, prev: step });
    }
  }
  return paths;
}

function pathOf(ctx: PathContext, trail: readonly Edge[], seed: Cotangent): ExplainedPath {
  let g: Cotangent = seed;
  let from = ctx.output;
  for (const t of trail) {
    g = propagate(ctx, from, g).arrived.get(t.to.seq)!;
    from = t.to;
  }
  return {
    nodes: [ctx.name(ctx.output), ...trail.map((t) => ctx.name(t.to))],
    factors: trail.map((t) => t.factor),
    contribution: ctx.view.flat(g),
  };
}

/** When paths are too many to list: the gradient split by the op that consumes `wrt`. */
export function lastSteps(ctx: PathContext, seed: Cotangent): { via: string; contribution: Float64Array }[] {
  const { view, wrt } = ctx;
  const { final } = propagate(ctx, ctx.output, seed, false);
  const steps: { via: string; contribution: Float64Array }[] = [];
  for (const c of view.nodes) {
    const gc = final.get(c.seq);
    if (gc === undefined || !ctx.onPath.has(c.seq) || !view.parents(c).some((p) => p.seq === wrt.seq))
      continue;
    const contribution = new Float64Array(sizeOfValue(wrt));
    for (const [p, pg] of view.pull(c, gc)) {
      if (p.seq === wrt.seq) view.flat(pg).forEach((v, j) => (contribution[j] = contribution[j]! + v));
    }
    steps.push({ via: ctx.name(c), contribution });
  }
  return steps;
}

/** Ops from stop `s` to stop `t` inside `region`: `s`'s op, then unlabeled ops leading to `t`. */
function opsBetween(
  ctx: PathContext,
  s: Differentiable,
  t: Differentiable,
  region: readonly Differentiable[],
): string[] {
  const leads = new Set<number>([t.seq]);
  const between = (n: Differentiable) => n.seq !== s.seq && !ctx.stops.has(n.seq);
  for (const n of [...region].reverse()) {
    if (between(n) && ctx.view.parents(n).some((p) => leads.has(p.seq))) leads.add(n.seq);
  }
  return [s.op, ...region.filter((n) => between(n) && leads.has(n.seq)).map((n) => n.op)];
}

/** A readable name per node: its label, else its op, numbered when the op occurs more than once. */
export function nodeNames(nodes: readonly Differentiable[]): Map<number, string> {
  const total = new Map<string, number>();
  for (const n of nodes) if (n.label === undefined) total.set(n.op, (total.get(n.op) ?? 0) + 1);
  const seen = new Map<string, number>();
  const names = new Map<number, string>();
  for (const n of nodes) {
    if (n.label !== undefined) {
      names.set(n.seq, n.label);
      continue;
    }
    const k = (seen.get(n.op) ?? 0) + 1;
    seen.set(n.op, k);
    names.set(n.seq, (total.get(n.op) ?? 0) > 1 ? `${n.op}#${k}` : n.op);
  }
  return names;
}
