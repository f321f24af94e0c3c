import { requireFunction, TapegradError } from '../errors.js';
import { Scalar } from '../scalar.js';
import type { Tensor } from '../tensor.js';
import { type GradOptions, grad, transformOptions } from './grad.js';
import { jacobian } from './jacobian.js';
import { type Differentiable, requireSingleElement, traceInputs } from './trace.js';
import { matchOutput } from './vjp.js';

/**
 * The Hessian of a scalar-valued `f` as a function: `jacobian(grad(f))`. For a 1-D argument of
 * `n` elements it is `[n, n]`; in general, as PyTorch's `torch.autograd.functional.hessian` and
 * JAX, an argument of shape `S` gives shape `[...S, ...S]` (reshape the argument to 1-D first for
 * a square matrix), and a Scalar argument gives the second derivative as a Scalar. `argnums`
 * picks the one argument to differentiate twice (default 0).
 *
 * @example
 * hessian((x: Tensor) => x.pow(3).sum())(tensor([1, 2], { dtype: 'float64' })); // [[6, 0], [0, 12]]
 */
export function hessian<A extends readonly unknown[], const N extends number = 0>(
  f: (...args: A) => Differentiable,
  options?: GradOptions<N>,
): (...args: A) => A[N] {
  const argnums: number = transformOptions('hessian', f, options).argnums ?? 0;
  if (typeof argnums !== 'number') {
    throw new TapegradError(
      'hessian',
      `argnums must be a single argument index, got ${JSON.stringify(argnums)}. For several arguments, concat() them into one tensor and slice inside f.`,
    );
  }
  const gradient = grad(f, { argnums }) as (...args: A) => Differentiable;
  return jacobian(gradient, { argnums }) as (...args: A) => A[N];
}

/**
 * The Hessian-vector product `H(x) · v` of a scalar-valued `f`, without forming `H`: the gradient
 * of `⟨∇f(x), v⟩` with respect to `x` (double backward, as PyTorch's `hvp` recipe). `v` has `x`'s
 * shape (a number is accepted for a Scalar `x`); the result has it too.
 *
 * @example
 * hvp((x: Tensor) => x.pow(3).sum(), x, v); // 6·x·v elementwise
 */
export function hvp<X extends Differentiable>(f: (x: X) => Differentiable, x: X, v: X | number): X {
  requireFunction('hvp', 'the first argument', f);
  traceInputs('hvp', [x], [0]);
  const dir = matchOutput('hvp', 'v', v, x);
  const directional = (y: X): Differentiable => {
    const g = grad(f)(y);
    if (g instanceof Scalar) return g.mul(dir as Scalar);
    return requireSingleElement('hvp', (g as Tensor).mul(dir as Tensor).sum());
  };
  return grad(directional)(x);
}
