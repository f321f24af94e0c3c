/**
 * What the functional transforms and the verification tools take and return, whether Scalar or
 * Tensor, and the one backward entry point they use for both.
 */
import { Scalar, scalarGradients } from './scalar.js';
import type { BackwardOptions } from './tape.js';
import { runBackward } from './tape.js';
import { TENSOR_GRADIENTS, Tensor } from './tensor.js';

/** A value the functional transforms can differentiate: a {@link Scalar} or a float {@link Tensor}. */
export type Differentiable = Scalar | Tensor;

/** True for a Scalar or a Tensor. */
export const isDifferentiable = (x: unknown): x is Differentiable =>
  x instanceof Scalar || x instanceof Tensor;

/**
 * Gradients of `roots` (seeded with `seeds`, one per root, of the same kind) with respect to
 * `inputs`, as fresh values (null where none arrives) — `.grad` is never touched, like
 * `torch.autograd.grad`. All values are Scalars or all are Tensors.
 */
export function gradientsOf(
  roots: readonly Differentiable[],
  seeds: readonly Differentiable[],
  inputs: readonly Differentiable[],
  options: BackwardOptions = {},
): (Differentiable | null)[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  if (roots.every((r) => r instanceof Scalar) && inputs.every((x) => x instanceof Scalar)) {
    return scalarGradients(roots, seeds as Scalar[], inputs, { createGraph, retainGraph });
  }
  return runBackward(roots as Tensor[], seeds as Tensor[], TENSOR_GRADIENTS, {
    inputs: inputs as Tensor[],
    createGraph,
    retainGraph,
  });
}
