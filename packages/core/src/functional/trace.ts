import { gradientsOf as backwardTo, type Differentiable, isDifferentiable } from '../differentiable.js';
import { allocate } from '../dtype.js';
import { describeValue, fmtShape, TapegradError } from '../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import { walkGraph } from '../graph.js';
import { record } from '../record.js';
import { Scalar, scalar, scalarInput } from '../scalar.js';
import { Tensor } from '../tensor.js';

export { type Differentiable, isDifferentiable };

/**
 * The inputs a transform differentiates with respect to, each a fresh node of its own so the
 * transform's gradients cannot mix with anything else on the tape.
 */
export interface Traced {
  /** The fresh nodes passed to the function in place of the caller's values. */
  readonly nodes: Differentiable[];
  /**
   * Whether an enclosing computation is recording through the caller's values (an outer
   * transform, or a user graph). Then the fresh nodes hang off the originals, and the transform
   * must record its own backward pass so the outer one can differentiate through it.
   */
  readonly outer: boolean;
}

/**
 * Replaces the differentiated arguments by fresh nodes. A value already being traced (it requires
 * grad while recording is on) gets an identity node recorded on top of it, which is what lets
 * `grad(grad(f))` work; any other value becomes a new leaf that requires grad, so the caller's
 * tensors are never switched to `requiresGrad` and their `.grad` is never touched.
 */
export function traceInputs(fn: string, values: readonly unknown[], positions: readonly number[]): Traced {
  const recording = isGradEnabled();
  let outer = false;
  const nodes = positions.map((pos) => {
    const x = values[pos];
    if (!isDifferentiable(x)) {
      throw new TapegradError(
        fn,
        `argument ${pos} must be a Scalar or a Tensor to differentiate with respect to it, got ${describeValue(x)}. Pass the value as a tensor()/scalar(), or choose other argnums.`,
      );
    }
    if (x instanceof Tensor && x.dtype === 'int32') {
      throw new TapegradError(
        fn,
        `argument ${pos} is an int32 tensor of shape ${fmtShape(x.shape)}; gradients need float values. Convert it with .double() or .float().`,
      );
    }
    if (recording && x.requiresGrad) {
      outer = true;
      return identity(x);
    }
    return x.detach().requiresGrad_();
  });
  return { nodes, outer };
}

/** An identity op recorded on the tape: the gradient passes straight through to `x`. */
function identity(x: Differentiable): Differentiable {
  if (x instanceof Scalar) return scalarInput(x);
  // Shares the buffer, as detach() does: the transforms never write to their inputs.
  return record(
    'input',
    [x],
    ([a]) => a!.detach(), // a view: in-place updates through it bump x's version too
    (g) => [g],
  );
}

/**
 * Whether `out` depends on something that requires grad besides the fresh nodes: a parameter the
 * function closes over, for example. Then gradients must be recorded for that dependency to see
 * them (a gradient penalty differentiates `grad(D)(x)` with respect to D's weights).
 */
export function dependsOnOthers(out: Differentiable, fresh: readonly Differentiable[]): boolean {
  if (!isGradEnabled() || !out.requiresGrad) return false;
  const stop = new Set(fresh.map((x) => x.seq));
  const expand = (n: Differentiable) => n.requiresGrad && !stop.has(n.seq);
  return walkGraph<Differentiable>([out], expand).some((n) => n.isLeaf && expand(n));
}

/** Checks that `f` returned a single-element Scalar or Tensor, naming the transform otherwise. */
export function requireSingleElement(fn: string, out: unknown): Differentiable {
  if (!isDifferentiable(out)) {
    throw new TapegradError(
      fn,
      `the function must return a Scalar or a single-element Tensor, got ${describeValue(out)}. Build the result with tapegrad ops.`,
    );
  }
  if (out instanceof Tensor && out.size !== 1) {
    throw new TapegradError(
      fn,
      `the function must return a single-element value, got a tensor of shape ${fmtShape(out.shape)}. Reduce it (e.g. .sum() or .mean()), or use jacobian()/vjp() for vector outputs.`,
    );
  }
  return out;
}

/** Checks that `f` returned a Scalar or Tensor of any shape. */
export function requireDifferentiable(fn: string, out: unknown): Differentiable {
  if (!isDifferentiable(out)) {
    throw new TapegradError(
      fn,
      `the function must return a Scalar or a Tensor, got ${describeValue(out)}. Build the result with tapegrad ops.`,
    );
  }
  return out;
}

/** The seed of reverse mode for a single-element output: a one of its shape and dtype. */
export function onesOf(out: Differentiable): Differentiable {
  if (out instanceof Scalar) return scalar(1);
  const data = allocate(out.dtype, out.size);
  data.fill(1);
  return new Tensor(data, out.shape, out.dtype);
}

/** Zeros shaped like `x`: the gradient with respect to an input the output does not depend on. */
export function zerosOf(x: Differentiable): Differentiable {
  if (x instanceof Scalar) return scalar(0);
  return new Tensor(allocate(x.dtype, x.size), x.shape, x.dtype);
}

/**
 * Gradients of `out` (seeded with `seed`) with respect to `inputs`, fresh values that never touch
 * `.grad`; an input the output does not reach gets zeros. The graph is kept, so the same output can
 * be differentiated again (a Jacobian runs one backward per row).
 */
export function gradientsOf(
  out: Differentiable,
  seed: Differentiable,
  inputs: readonly Differentiable[],
  createGraph: boolean,
): Differentiable[] {
  if (out instanceof Tensor && seed instanceof Tensor && seed.dtype !== out.dtype) seed = seed.to(out.dtype);
  const grads = backwardTo([out], [seed], inputs, { createGraph, retainGraph: true });
  return inputs.map((x, i) => grads[i] ?? zerosOf(x));
}

/** The value handed back to the caller: cut from the transform's private graph unless traced. */
export const release = <T extends Differentiable>(x: T, keep: boolean): T => (keep ? x : (x.detach() as T));

/** Normalizes `argnums` to a list of positions, checking them against the call's arguments. */
export function positionsOf(fn: string, argnums: number | readonly number[], count: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  if (list.length === 0) throw new TapegradError(fn, 'argnums is empty; pass at least one argument index.');
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= count) {
      throw new TapegradError(
        fn,
        `argnums ${JSON.stringify(argnums)} refers to argument ${a}, but the function was called with ${count} argument${count === 1 ? '' : 's'}.`,
      );
    }
  }
  if (new Set(list).size !== list.length) {
    throw new TapegradError(
      fn,
      `argnums ${JSON.stringify(argnums)} repeats an argument; list each one once.`,
    );
  }
  return list;
}
