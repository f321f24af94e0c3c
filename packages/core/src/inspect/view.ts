/**
 * A read-only view of the graph behind a value, the same for Scalar and Tensor graphs: its nodes,
 * the edges gradients flow along, and how a cotangent passes back through each node. The
 * inspection tools (`explainGradient`, `toDot`, the worksheet) are written against it.
 *
 * A Scalar graph keeps its local derivatives on the tape, so its view works before and after
 * `backward()`; a Tensor graph's backward rules are closures that `backward()` frees, so its view
 * needs the graph kept (`retainGraph`).
 */
import { cotangentFor, flatValues, sizeOfValue } from '../check/values.js';
import type { Differentiable } from '../differentiable.js';
import { gradientsOf } from '../differentiable.js';
import { TapegradError } from '../errors.js';
import { noGrad } from '../grad-mode.js';
import { walkGraph } from '../graph.js';
import { Scalar, scalarGradientsReadOnly, scalarPullback } from '../scalar.js';
import type { Tensor } from '../tensor.js';

/** A gradient flowing through the view: a number at a Scalar node, a Tensor at a Tensor node. */
export type Cotangent = number | Tensor;

/** The view; build it with {@link graphView}. */
export interface GraphView {
  /** Every node reachable from the output, in creation order (one object per node). */
  readonly nodes: readonly Differentiable[];
  /** The view's object for a node. */
  canonical(n: Differentiable): Differentiable;
  /** The distinct inputs of `n` that gradients flow to. */
  parents(n: Differentiable): Differentiable[];
  /** The cotangent `g` of `n` passed back to its inputs, one entry per input position. */
  pull(n: Differentiable, g: Cotangent): [Differentiable, Cotangent][];
  /** Sum of two cotangents of one node. */
  add(a: Cotangent, b: Cotangent): Cotangent;
  /** The cotangent of all ones for `n` (the gradient of the sum of its elements). */
  ones(n: Differentiable): Cotangent;
  /** A cotangent's elements as float64. */
  flat(g: Cotangent): Float64Array;
  /** d(sum of the output)/d`wrt` by an ordinary backward pass over the same graph. */
  autodiff(wrt: Differentiable): Float64Array;
}

/**
 * The view of the graph that produced `output`. `fn` names the calling tool in errors (a Tensor
 * graph released by `backward()` cannot be inspected).
 */
export function graphView(fn: string, output: Differentiable): GraphView {
  const nodes = walkGraph([output]);
  const bySeq = new Map(nodes.map((n) => [n.seq, n]));
  const canonical = (n: Differentiable) => bySeq.get(n.seq) ?? n;
  if (!(output instanceof Scalar) && nodes.some((n) => (n as Tensor).released)) {
    throw new TapegradError(
      fn,
      `the graph of '${output.label ?? output.op}' was released by backward(); call ${fn} before backward(), or call backward({ retainGraph: true }) to keep the graph.`,
    );
  }
  const distinct = (list: Differentiable[]) => [...new Map(list.map((p) => [p.seq, canonical(p)])).values()];
  return {
    nodes,
    canonical,
    parents: (n) => distinct((n.parents as Differentiable[]).filter((p) => p.requiresGrad)),
    pull: (n, g) =>
      n instanceof Scalar
        ? scalarPullback(n, g as number).map(([p, c]) => [canonical(p), c])
        : pullTensor(n, g as Tensor).map(([p, c]) => [canonical(p), c]),
    add: (a, b) => (typeof a === 'number' ? a + (b as number) : noGrad(() => a.add(b as Tensor))),
    ones: (n) => (n instanceof Scalar ? 1 : (cotangentFor(n, new Float64Array(n.size).fill(1)) as Tensor)),
    flat: (g) => (typeof g === 'number' ? Float64Array.of(g) : flatValues(g)),
    autodiff: (wrt) => autodiffOf(output, wrt),
  };
}

/** Runs a tensor node's backward closure (not recording). */
function pullTensor(n: Tensor, g: Tensor): [Tensor, Tensor][] {
  if (n.backwardFn === null) return [];
  const fn = n.backwardFn;
  const grads = noGrad(() => fn(g));
  return n.parents.flatMap((p, i) => {
    const gi = grads[i];
    return gi && p.requiresGrad ? [[p, gi] as [Tensor, Tensor]] : [];
  });
}

function autodiffOf(output: Differentiable, wrt: Differentiable): Float64Array {
  if (!output.requiresGrad) return new Float64Array(sizeOfValue(wrt));
  if (output instanceof Scalar)
    return Float64Array.of(scalarGradientsReadOnly(output, [wrt as Scalar])[0] ?? 0);
  const seed = cotangentFor(output, new Float64Array(output.size).fill(1));
  const [g] = gradientsOf([output], [seed], [wrt], { retainGraph: true });
  return g ? flatValues(g) : new Float64Array(sizeOfValue(wrt));
}
