import { pinScope } from '../buffer-pool.js';
import type { Differentiable } from '../differentiable.js';
import { describeValue, TapegradError } from '../errors.js';
import { creationSite, isAnomalyEnabled, noGrad } from '../grad-mode.js';
import { record } from '../record.js';
import { checkFinite, Scalar, scalar, scalarCustomOp } from '../scalar.js';
import { Tensor } from '../tensor.js';

/** The definition of a differentiable op with a user-supplied gradient; see {@link customGrad}. */
export interface CustomGradSpec<T extends Differentiable> {
  /** The op's name, used in error messages, anomaly reports and graph inspection. */
  name: string;
  /**
   * Computes the output from the inputs. It runs under `noGrad()`: whatever it does is not
   * recorded, only the op as a whole is, so the forward may use any ops (or none).
   */
  forward: (...inputs: T[]) => T;
  /**
   * Maps the gradient of the output to one gradient per input (`null` for none), each shaped like
   * its input. `inputs` and `output` are the op's own values. Written with tapegrad ops, the rule
   * is itself differentiable, so gradients of gradients work through the custom op.
   */
  backward: (grad: T, inputs: T[], output: T) => readonly (T | null | undefined)[];
}

/**
 * Defines a new differentiable op from a forward function and a backward rule, like PyTorch's
 * `torch.autograd.Function` or JAX's `custom_vjp`. The op records like any built-in one, so it
 * composes with `backward()`, `grad`, `jacobian`, `hessian`, `detectAnomaly` and the other ops.
 * Works on Tensors (numbers are lifted to 0-d tensors, dtypes promote as in built-in ops; a
 * gradient of another float dtype is converted) and on Scalars (numbers are lifted to Scalars).
 *
 * @example
 * // A straight-through estimator: rounds forward, passes the gradient unchanged.
 * const roundSte = customGrad<Tensor>({
 *   name: 'roundSte',
 *   forward: (x) => tensor(Array.from(x.data, Math.round), { dtype: x.dtype }).reshape(x.shape),
 *   backward: (g) => [g],
 * });
 */
export function customGrad<T extends Differentiable>(
  spec: CustomGradSpec<T>,
): (...inputs: (T | number)[]) => T {
  const name = spec?.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw new TapegradError('customGrad', 'spec.name must be a non-empty string naming the op.');
  }
  for (const key of ['forward', 'backward'] as const) {
    if (typeof spec[key] !== 'function') {
      throw new TapegradError(
        'customGrad',
        `'${name}': spec.${key} must be a function, got ${describeValue(spec[key])}.`,
      );
    }
  }
  return (...operands: (T | number)[]): T => {
    if (operands.some((x) => x instanceof Tensor)) return applyTensor(spec, operands) as T;
    if (operands.some((x) => x instanceof Scalar)) return applyScalar(spec, operands) as T;
    throw new TapegradError(
      name,
      `expected at least one Tensor or Scalar input, got (${operands.map(describeValue).join(', ')}).`,
    );
  };
}

function applyTensor<T extends Differentiable>(
  spec: CustomGradSpec<T>,
  operands: readonly unknown[],
): Tensor {
  const { name } = spec;
  const ops = operands.map((x, i) => {
    if (x instanceof Tensor || typeof x === 'number') return x;
    throw new TapegradError(
      name,
      `input ${i} is ${describeValue(x)}; with Tensor inputs, pass Tensors or numbers.`,
    );
  });
  return record(
    name,
    ops,
    (inputs) => {
      const out: unknown = runForward(spec, inputs as T[]);
      if (!(out instanceof Tensor)) {
        throw new TapegradError(name, `forward must return a Tensor, got ${describeValue(out)}.`);
      }
      // record() turns the returned object into the op's node, so it must be a new one created
      // after the inputs (creation order is the tape's topological order); copy anything else.
      const newest = Math.max(...inputs.map((x) => x.seq));
      const fresh = out.seq > newest && !out.requiresGrad && !inputs.includes(out);
      return fresh ? out : new Tensor(out.data.slice(), out.shape, out.dtype);
    },
    (g, inputs, out) => {
      // The user's rule may keep what it is handed or creates: nothing of this backward is recycled.
      pinScope();
      const grads = checkGrads(name, spec.backward(g as T, inputs as T[], out as T), inputs.length, Tensor);
      return grads.map((gi, i) => {
        const x = inputs[i]!;
        return gi && gi.dtype !== x.dtype && x.dtype !== 'int32' ? gi.to(x.dtype) : gi;
      });
    },
  );
}

function applyScalar<T extends Differentiable>(
  spec: CustomGradSpec<T>,
  operands: readonly unknown[],
): Scalar {
  const { name } = spec;
  const inputs = operands.map((x, i) => {
    if (x instanceof Scalar) return x;
    if (typeof x === 'number') return scalar(x);
    throw new TapegradError(
      name,
      `input ${i} is ${describeValue(x)}; with Scalar inputs, pass Scalars or numbers.`,
    );
  });
  const result: unknown = runForward(spec, inputs as T[]);
  if (!(result instanceof Scalar)) {
    throw new TapegradError(name, `forward must return a Scalar, got ${describeValue(result)}.`);
  }
  const value = result.value;
  if (isAnomalyEnabled())
    checkFinite(
      name,
      value,
      inputs.map((x) => x.value),
    );
  const rule = (g: Scalar, out: Scalar) =>
    checkGrads(name, spec.backward(g as T, inputs as T[], out as T), inputs.length, Scalar);
  return scalarCustomOp(name, inputs, value, (out) => ({
    numeric: (g) => noGrad(() => rule(scalar(g), out).map((gi) => (gi === null ? null : gi.value))),
    recorded: (g) => rule(g as Scalar, out),
  }));
}

/**
 * Runs the user's forward without recording. Under anomaly detection an op inside it that produces
 * NaN/Inf is reported as the custom op's failure, from where the custom op was called: that is
 * the op the user sees on the tape.
 */
function runForward<T extends Differentiable>(spec: CustomGradSpec<T>, inputs: T[]): unknown {
  if (!isAnomalyEnabled()) return noGrad(() => spec.forward(...inputs));
  try {
    return noGrad(() => spec.forward(...inputs));
  } catch (e) {
    if (!(e instanceof TapegradError)) throw e;
    throw new TapegradError(
      spec.name,
      `the forward of '${spec.name}' failed: ${e.message.split('\n')[0]}\nCreated at:\n${creationSite() ?? '(unknown)'}`,
    );
  }
}

/** Checks the rule's result: one Tensor/Scalar (or null) per input. */
function checkGrads<K extends Differentiable>(
  name: string,
  grads: unknown,
  count: number,
  kind: abstract new (...args: never[]) => K,
): (K | null)[] {
  if (!Array.isArray(grads) || grads.length !== count) {
    throw new TapegradError(
      name,
      `backward must return an array with one gradient (or null) per input, ${count} in all; got ${Array.isArray(grads) ? `${grads.length} entries` : describeValue(grads)}.`,
    );
  }
  return grads.map((g, i) => {
    if (g === null || g === undefined) return null;
    if (g instanceof kind) return g;
    throw new TapegradError(
      name,
      `backward returned ${describeValue(g)} as the gradient of input ${i}; expected a ${kind.name} or null.`,
    );
  });
}
