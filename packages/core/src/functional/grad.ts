import { TapegradError } from '../errors.js';
import { enableGrad } from '../grad-mode.js';
import { checkOptions, type OptionKeys } from '../options.js';
import {
  type Differentiable,
  dependsOnOthers,
  gradientsOf,
  onesOf,
  positionsOf,
  release,
  requireSingleElement,
  traceInputs,
} from './trace.js';

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions<N extends number | readonly number[]> {
  /** Which arguments to differentiate with respect to: an index (default 0) or a list of indices. */
  argnums?: N;
}

/**
 * @internal The function transforms' shared checks: `f` is a function and `options` holds only
 * `argnums`. Returns the checked options.
 */
export function transformOptions<O extends GradOptions<number | readonly number[]>>(
  name: string,
  f: unknown,
  options: O | undefined,
): O {
  const o = checkOptions(name, options, GRAD_KEYS as OptionKeys<O>);
  if (typeof f !== 'function') {
    throw new TapegradError(name, `expected a function to transform, got ${f === null ? 'null' : typeof f}.`);
  }
  return o;
}

const GRAD_KEYS: OptionKeys<GradOptions<number>> = { argnums: true };

/** The gradients for a list of argument positions `N` of a function taking `A`: one per position. */
export type GradTuple<A extends readonly unknown[], N extends readonly number[]> = {
  -readonly [K in keyof N]: A[N[K] & keyof A];
};

/** A function of `A` returning a single-element Scalar or Tensor. */
export type ScalarValued<A extends readonly unknown[]> = (...args: A) => Differentiable;

/**
 * The gradient of `f` as a function, like JAX's `jax.grad`: `grad(f)(x)` is d f / d x, shaped like
 * `x` (a Scalar for a Scalar, a Tensor of `x`'s shape and dtype for a Tensor), whether or not `x`
 * requires grad. With `argnums` an array, a tuple of gradients in that order.
 *
 * `f` must return a Scalar or a single-element Tensor. The gradients are fresh values: `.grad` of
 * the arguments is never touched. Transforms compose — `grad(grad(f))` is the second derivative —
 * because an argument that is itself being traced is differentiated through rather than cut off.
 *
 * @example
 * const df = grad((x: Tensor) => x.pow(3).sum());
 * df(tensor([1, 2], { dtype: 'float64' })); // [3, 12]
 */
export function grad<A extends readonly unknown[]>(f: ScalarValued<A>): (...args: A) => A[0];
export function grad<A extends readonly unknown[], const N extends number>(
  f: ScalarValued<A>,
  options: GradOptions<N>,
): (...args: A) => A[N];
export function grad<A extends readonly unknown[], const N extends readonly number[]>(
  f: ScalarValued<A>,
  options: GradOptions<N>,
): (...args: A) => GradTuple<A, N>;
export function grad<A extends readonly unknown[]>(
  f: ScalarValued<A>,
  options?: GradOptions<number | readonly number[]>,
): (...args: A) => Differentiable | Differentiable[] {
  const run = valueAndGradImpl('grad', f, transformOptions('grad', f, options).argnums ?? 0);
  return (...args: A) => run(args)[1];
}

/**
 * Like {@link grad}, but returns `[value, gradient]` from one evaluation of `f` (JAX's
 * `value_and_grad`). The value is detached unless an enclosing computation is tracing through it.
 */
export function valueAndGrad<A extends readonly unknown[], V extends Differentiable>(
  f: (...args: A) => V,
): (...args: A) => [V, A[0]];
export function valueAndGrad<A extends readonly unknown[], V extends Differentiable, const N extends number>(
  f: (...args: A) => V,
  options: GradOptions<N>,
): (...args: A) => [V, A[N]];
export function valueAndGrad<
  A extends readonly unknown[],
  V extends Differentiable,
  const N extends readonly number[],
>(f: (...args: A) => V, options: GradOptions<N>): (...args: A) => [V, GradTuple<A, N>];
export function valueAndGrad<A extends readonly unknown[]>(
  f: ScalarValued<A>,
  options?: GradOptions<number | readonly number[]>,
): (...args: A) => [Differentiable, Differentiable | Differentiable[]] {
  const run = valueAndGradImpl('valueAndGrad', f, transformOptions('valueAndGrad', f, options).argnums ?? 0);
  return (...args: A) => run(args);
}

function valueAndGradImpl<A extends readonly unknown[]>(
  name: string,
  f: ScalarValued<A>,
  argnums: number | readonly number[],
): (args: A) => [Differentiable, Differentiable | Differentiable[]] {
  return (args) => {
    const positions = positionsOf(name, argnums, args.length);
    const { nodes, outer } = traceInputs(name, args, positions);
    const call = [...args];
    positions.forEach((p, i) => {
      call[p] = nodes[i];
    });
    // f is evaluated with recording on even inside noGrad(): the gradient needs its graph.
    const out = requireSingleElement(
      name,
      enableGrad(() => f(...(call as unknown as A))),
    );
    const traced = outer || dependsOnOthers(out, nodes);
    const grads = gradientsOf(out, onesOf(out), nodes, traced);
    return [release(out, traced), typeof argnums === 'number' ? grads[0]! : grads];
  };
}
