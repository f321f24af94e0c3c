/** One point of a hand-gradient check: hand, autodiff and finite differences for every target. */
import type { Generator } from '../random.js';
import type { HandValue, Prepared } from './hand-prepare.js';
import { valuesOf } from './hand-prepare.js';
import {
  autodiffOf,
  copiesAt,
  numericOf,
  type Point,
  type Run,
  runWithGrad,
  targetNode,
} from './hand-run.js';
import { type Differentiable, elementOf, sizeOfValue } from './values.js';

/** Graphs are kept for this many points (the given one first): diagnosis re-reads them. */
export const KEPT_GRAPHS = 4;

/** Everything measured at one point. */
export interface PointResult {
  /** 0 for the given point, k for the k-th random point. */
  index: number;
  point: Point;
  /** The run with gradients (kept for the first {@link KEPT_GRAPHS} points only). */
  run: Run | undefined;
  /** Each target's node in that run. */
  nodes: Differentiable[];
  /** What the hand function received. */
  values: Record<string, HandValue>;
  /** Per target, flat: the hand gradient, autodiff, and central differences (NaN where not sampled). */
  hand: Float64Array[];
  autodiff: Float64Array[];
  numeric: Float64Array[];
  /** Every hand element agrees with autodiff and with the differences taken. */
  ok: boolean;
}

/**
 * Evaluates the check at `point`. A random point (index > 0) where the function or its gradient
 * is not finite is skipped (undefined); there `rng` picks the elements to difference.
 */
export function evaluatePoint(
  setup: Prepared,
  index: number,
  point: Point,
  rng?: Generator,
): PointResult | undefined {
  const run = runWithGrad(setup.call, setup.inputs, point, setup.watched);
  const nodes = setup.targets.map((t) => targetNode(run, t));
  const autodiff = nodes.map((n) => autodiffOf(run, n));
  const finite = Number.isFinite(elementOf(run.out, 0)) && autodiff.every((a) => a.every(Number.isFinite));
  if (index > 0 && !finite) return undefined;
  const values = valuesOf(run, setup.names);
  const hand = setup.handAt(run, nodes, values);
  const copies = copiesAt(setup.inputs, point, false, true);
  const numeric = setup.targets.map((t, j) => {
    const size = sizeOfValue(nodes[j]!);
    const elements = rng ? sample(rng, size, setup.sampleElements) : [...Array(size).keys()];
    return numericOf(setup.call, copies, t, size, elements, setup.eps);
  });
  const ok = hand.every((h, j) =>
    h.every((v, i) => {
      const n = numeric[j]![i]!;
      // At a random point NaN marks an element not sampled; at the given one every element is.
      const unsampled = rng !== undefined && Number.isNaN(n);
      return setup.close(v, autodiff[j]![i]!) && (unsampled || setup.closeNumeric(v, n));
    }),
  );
  return {
    index,
    point,
    run: index < KEPT_GRAPHS ? run : undefined,
    nodes,
    values,
    hand,
    autodiff,
    numeric,
    ok,
  };
}

/** Up to `count` distinct element indices of `0..size−1`, drawn from `rng`. */
function sample(rng: Generator, size: number, count: number): number[] {
  if (size <= count) return [...Array(size).keys()];
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(rng.random() * size));
  return [...picked].sort((a, b) => a - b);
}
