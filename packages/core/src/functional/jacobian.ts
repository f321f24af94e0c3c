import { allocate } from '../dtype.js';
import { fmtShape, TapegradError } from '../errors.js';
import { enableGrad } from '../grad-mode.js';
import { stack } from '../ops/shape.js';
import { Scalar, scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';
import { type GradOptions, type GradTuple, transformOptions } from './grad.js';
import {
  type Differentiable,
  dependsOnOthers,
  gradientsOf,
  positionsOf,
  requireDifferentiable,
  traceInputs,
} from './trace.js';

/**
 * The Jacobian of `f` as a function (PyTorch's `torch.autograd.functional.jacobian`, JAX's
 * `jacrev`). For a Tensor output of shape `O` and a Tensor argument of shape `I` the result has
 * shape `[...O, ...I]`: entry `[o…, i…]` is ∂out[o…]/∂x[i…]. A single-element Scalar output gives
 * the gradient (shaped like the argument); Scalar in and out give the derivative as a Scalar.
 * `argnums` picks the argument(s) as in {@link grad}. Computed by one reverse pass per output
 * element, so it suits outputs of modest size. Composes: `jacobian(grad(f))` is the Hessian.
 *
 * @example
 * const J = jacobian((x: Tensor) => x.mul(x))(tensor([1, 2, 3], { dtype: 'float64' })); // diag(2x)
 */
export function jacobian<A extends readonly unknown[]>(
  f: (...args: A) => Differentiable,
): (...args: A) => A[0];
export function jacobian<A extends readonly unknown[], const N extends number>(
  f: (...args: A) => Differentiable,
  options: GradOptions<N>,
): (...args: A) => A[N];
export function jacobian<A extends readonly unknown[], const N extends readonly number[]>(
  f: (...args: A) => Differentiable,
  options: GradOptions<N>,
): (...args: A) => GradTuple<A, N>;
export function jacobian<A extends readonly unknown[]>(
  f: (...args: A) => Differentiable,
  options?: GradOptions<number | readonly number[]>,
): (...args: A) => Differentiable | Differentiable[] {
  const argnums = transformOptions('jacobian', f, options).argnums ?? 0;
  return (...args: A) => {
    const positions = positionsOf('jacobian', argnums, args.length);
    const { nodes, outer } = traceInputs('jacobian', args, positions);
    const call = [...args];
    positions.forEach((p, i) => {
      call[p] = nodes[i];
    });
    const out = requireDifferentiable(
      'jacobian',
      enableGrad(() => f(...(call as unknown as A))),
    );
    const traced = outer || dependsOnOthers(out, nodes);
    const blocks =
      out instanceof Scalar
        ? gradientsOf(out, scalar(1), nodes, traced)
        : tensorJacobian(out, nodes, positions, traced);
    return typeof argnums === 'number' ? blocks[0]! : blocks;
  };
}

/** One reverse pass per element of `out`, each seeded with a one-hot cotangent. */
function tensorJacobian(
  out: Tensor,
  nodes: readonly Differentiable[],
  positions: readonly number[],
  traced: boolean,
): Tensor[] {
  const inputs = nodes.map((x, i) => {
    if (x instanceof Tensor) return x;
    throw new TapegradError(
      'jacobian',
      `argument ${positions[i]} is a Scalar but the function returns a tensor of shape ${fmtShape(out.shape)}; a Jacobian pairs values of one kind. Pass the argument as a 0-d tensor(value) instead.`,
    );
  });
  const rows: Tensor[][] = inputs.map(() => []);
  for (let k = 0; k < out.size; k++) {
    const seed = allocate(out.dtype, out.size);
    seed[k] = 1;
    const grads = gradientsOf(out, new Tensor(seed, out.shape, out.dtype), inputs, traced);
    grads.forEach((g, j) => rows[j]!.push(g as Tensor));
  }
  return inputs.map((x, j) => {
    const shape = [...out.shape, ...x.shape];
    if (out.size === 0) return new Tensor(allocate(x.dtype, 0), shape, x.dtype);
    return stack(rows[j]!, 0).reshape(shape);
  });
}
