import { gradientsOf as backwardTo } from '../differentiable.js';
import { describeValue, fmtShape, requireFunction, TapegradError } from '../errors.js';
import { enableGrad, isGradEnabled } from '../grad-mode.js';
import { Scalar, scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import {
  type Differentiable,
  dependsOnOthers,
  gradientsOf,
  release,
  requireDifferentiable,
  traceInputs,
  zerosOf,
} from './trace.js';

/** Maps each element of a tuple type of arguments to its gradient type (the same type). */
export type Cotangents<P extends readonly Differentiable[]> = { -readonly [K in keyof P]: P[K] };

/**
 * Evaluates `f` at `primals` and returns `[out, vjpFn]`, like JAX's `jax.vjp`: `vjpFn(cotangent)`
 * is the vector-Jacobian product `cotangentᵀ · ∂out/∂primals`, one gradient per primal, shaped like
 * it. `cotangent` has the shape of `out` (a Scalar or number for a Scalar output). `vjpFn` may be
 * called any number of times; it never touches `.grad`.
 *
 * @example
 * const [y, back] = vjp((a: Tensor) => a.mul(a), x);
 * const [dx] = back(onesLike(y)); // 2x
 */
export function vjp<P extends readonly Differentiable[], O extends Differentiable>(
  f: (...primals: P) => O,
  ...primals: P
): [O, (cotangent: O | number) => Cotangents<P>] {
  requireFunction('vjp', 'the first argument', f);
  const { nodes, outer } = traceInputs(
    'vjp',
    primals,
    primals.map((_, i) => i),
  );
  const out = requireDifferentiable(
    'vjp',
    enableGrad(() => f(...(nodes as unknown as P))),
  ) as O;
  const recording = isGradEnabled();
  const traced = outer || dependsOnOthers(out, nodes);
  const vjpFn = (cotangent: O | number): Cotangents<P> => {
    const seed = matchOutput('vjp', 'cotangent', cotangent, out);
    const createGraph = traced || (recording && seed.requiresGrad);
    return gradientsOf(out, seed, nodes, createGraph) as unknown as Cotangents<P>;
  };
  return [release(out, traced), vjpFn];
}

/**
 * Forward-mode product: evaluates `f` at `primals` and returns `[out, tangentOut]` where
 * `tangentOut = ∂out/∂primals · tangents` (JAX's `jax.jvp`). Computed by the double-vjp trick: the
 * vjp `u ↦ uᵀJ` is linear in `u`, so differentiating `⟨uᵀJ, t⟩` with respect to `u` gives `J t`.
 * Each tangent has its primal's shape (a number is accepted for a Scalar primal).
 */
export function jvp<P extends readonly Differentiable[], O extends Differentiable>(
  f: (...primals: P) => O,
  primals: P,
  tangents: { [K in keyof P]: P[K] | number },
): [O, O] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new TapegradError(
      'jvp',
      `expected arrays of primals and tangents of the same length, got ${describeValue(primals)} (${lengthOf(primals)}) and ${describeValue(tangents)} (${lengthOf(tangents)}). Call jvp(f, [x], [t]).`,
    );
  }
  requireFunction('jvp', 'the first argument', f);
  const { nodes, outer } = traceInputs(
    'jvp',
    primals,
    primals.map((_, i) => i),
  );
  const ts = primals.map((p, i) => matchOutput('jvp', `tangent ${i}`, tangents[i], p));
  const out = requireDifferentiable(
    'jvp',
    enableGrad(() => f(...(nodes as unknown as P))),
  ) as O;
  const recording = isGradEnabled();
  const traced = outer || dependsOnOthers(out, nodes) || (recording && ts.some((t) => t.requiresGrad));

  // The dummy cotangent u: its value is irrelevant (the vjp is linear in it), so zeros do.
  const u = zerosOf(out).requiresGrad_();
  const vjps = enableGrad(() => gradientsOf(out, u, nodes, true));
  const roots: Differentiable[] = [];
  const seeds: Differentiable[] = [];
  vjps.forEach((g, i) => {
    if (!g.requiresGrad) return; // this primal does not influence out
    roots.push(g);
    const t = ts[i]!;
    seeds.push(g instanceof Tensor && t instanceof Tensor && t.dtype !== g.dtype ? t.to(g.dtype) : t);
  });
  let tangentOut: Differentiable | null = null;
  if (roots.length > 0) {
    tangentOut = backwardTo(roots, seeds, [u], { createGraph: traced, retainGraph: traced })[0] ?? null;
  }
  return [release(out, traced), (tangentOut ?? zerosOf(out)) as O];
}

const lengthOf = (x: unknown): string => (Array.isArray(x) ? String(x.length) : 'not an array');

/**
 * @internal Checks that `v` (a cotangent, tangent or hvp direction) matches `like` in kind and shape, lifting a number for
 * a Scalar and converting a Tensor to `like`'s dtype.
 */
export function matchOutput(fn: string, what: string, v: unknown, like: Differentiable): Differentiable {
  if (like instanceof Scalar) {
    if (typeof v === 'number') return scalar(v);
    if (v instanceof Scalar) return v;
    throw new TapegradError(
      fn,
      `${what} must be a Scalar or a number (it pairs with a Scalar), got ${describeValue(v)}.`,
    );
  }
  if (!(v instanceof Tensor)) {
    throw new TapegradError(
      fn,
      `${what} must be a Tensor of shape ${fmtShape(like.shape)} (it pairs with a Tensor), got ${describeValue(v)}.`,
    );
  }
  if (v.shape.length !== like.shape.length || v.shape.some((d, i) => d !== like.shape[i])) {
    throw new TapegradError(
      fn,
      `${what} has shape ${fmtShape(v.shape)} but must have shape ${fmtShape(like.shape)}, the shape of the value it pairs with.`,
    );
  }
  return v.dtype === like.dtype ? v : v.to(like.dtype);
}
