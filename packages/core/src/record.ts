import { requireOperand, requireTensor } from './args.js';
import { type DType, promote } from './dtype.js';
import { describeValue, fmtShape, TapegradError } from './errors.js';
import { creationSite, isAnomalyEnabled, isGradEnabled } from './grad-mode.js';
import * as k from './kernels/indexing.js';
import { reduceAxes } from './kernels/reduce.js';
import { hasNonFinite } from './kernels/unary.js';
import { fuse } from './lazy.js';
import { broadcastsTo, checkShape, requireNumberList, sameShape } from './shape.js';
import { emptyTensor, type OpAttrs, Tensor } from './tensor.js';

/**
 * Maps the gradient of an op's output to the gradients of its inputs, written with tensor ops so
 * that the backward pass can itself be recorded (`createGraph`). `needs[i]` says whether input
 * `i` wants a gradient; an expensive rule may skip the others by returning `null`.
 */
export type TensorBackward = (
  g: Tensor,
  inputs: Tensor[],
  out: Tensor,
  needs: boolean[],
) => readonly (Tensor | null)[];

/**
 * The engine for every tensor op, run once per call: lifts numbers to 0-d tensors, promotes
 * dtypes (float64 wins), runs the forward, and — only when recording and some input requires
 * grad — attaches the backward closure. The closure checks that saved inputs were not modified in
 * place, sums each gradient back over broadcast axes to its input's shape, and rejects a gradient
 * of the wrong shape or dtype, naming the op. `attrs`, the op's parameters (axis, stride, …), are
 * stored on a recorded result for exporters that replay the tape (ONNX).
 */
export function record(
  op: string,
  operands: readonly (Tensor | number)[],
  forward: (inputs: Tensor[]) => Tensor,
  backward: TensorBackward,
  attrs?: OpAttrs,
): Tensor {
  const inputs = lift(op, operands);
  const out = forward(inputs);
  if (isAnomalyEnabled() && hasNonFinite(out.data) && !inputs.some((x) => hasNonFinite(x.data))) {
    throw new TapegradError(
      op,
      `produced NaN or Infinity from finite inputs of shapes ${inputs.map((x) => fmtShape(x.shape)).join(', ')}.\nCreated at:\n${creationSite() ?? '(unknown)'}`,
    );
  }
  if (!isGradEnabled() || !inputs.some((x) => x.requiresGrad)) return out;

  const versions = inputs.map((x) => x.version);
  const outVersion = out.version;
  const needs = inputs.map((x) => x.requiresGrad);
  out.op = op;
  out.parents = inputs;
  out.attrs = attrs;
  out.requiresGrad = true;
  out.createdAt = creationSite();
  out.backwardFn = (g: Tensor) => {
    inputs.forEach((x, i) => {
      if (x.version !== versions[i]) {
        throw new TapegradError(
          op,
          `input ${i} (shape ${fmtShape(x.shape)}) was modified in place after '${op}' used it (version ${versions[i]} → ${x.version}), so its gradient would be wrong. Modify a clone() instead, or run the in-place update after backward().`,
        );
      }
    });
    if (out.version !== outVersion) {
      throw new TapegradError(
        op,
        `its output (shape ${fmtShape(out.shape)}) was modified in place after the forward pass (version ${outVersion} → ${out.version}), and '${op}' needs it for the gradient. Modify a clone() instead.`,
      );
    }
    const grads = backward(g, inputs, out, needs);
    return inputs.map((x, i) => (needs[i] && grads[i] ? fitGradient(op, grads[i]!, x, i) : null));
  };
  return out;
}

/** Sums a gradient over broadcast axes back to the input's shape, checking shape and dtype. */
function fitGradient(op: string, g: Tensor, x: Tensor, i: number): Tensor {
  if (g.dtype !== x.dtype) {
    throw new TapegradError(
      op,
      `backward produced a ${g.dtype} gradient for ${x.dtype} input ${i}; this is a bug in the op's backward rule.`,
    );
  }
  if (sameShape(g.shape, x.shape)) return g;
  if (broadcastsTo(x.shape, g.shape)) return sumTo(g, x.shape);
  throw new TapegradError(
    op,
    `backward produced a gradient of shape ${fmtShape(g.shape)} for input ${i} of shape ${fmtShape(x.shape)}; this is a bug in the op's backward rule.`,
  );
}

function lift(op: string, operands: readonly (Tensor | number)[]): Tensor[] {
  let dtype: DType | undefined;
  let fractional = false;
  for (const x of operands) {
    if (x instanceof Tensor) dtype = dtype ? promote(dtype, x.dtype) : x.dtype;
    else if (typeof x === 'number') fractional ||= !Number.isInteger(x);
    else requireOperand(op, '', x);
  }
  let d = dtype ?? 'float32';
  if (d === 'int32' && fractional) d = 'float32';
  return operands.map((x) =>
    typeof x === 'number' ? Tensor.fromNumber(x, d) : x.dtype === d ? x : cast(x, d),
  );
}

/**
 * Marks `out`, computed from other ops, as the result of the composite op `op` with these inputs
 * and parameters, so an exporter can write it as one node. Only recorded results are marked (a
 * leaf has no graph to export). Returns `out`.
 */
export function markComposite(
  out: Tensor,
  op: string,
  inputs: readonly (Tensor | null | undefined)[],
  attrs: OpAttrs = {},
): Tensor {
  requireTensor('markComposite', 'the result', out);
  if (!Array.isArray(inputs)) {
    throw new TapegradError(
      'markComposite',
      `inputs must be an array of Tensors (or null), got ${describeValue(inputs)}.`,
    );
  }
  if (!out.isLeaf) out.composite = { op, inputs: inputs.map((x) => x ?? null), attrs };
  return out;
}

// --- the ops the engine itself needs: casts (lifting operands) and broadcasting (fitting gradients)

/** Converts to `dtype`; between float dtypes the gradient is cast back. int32 results never require grad. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const convert = ([a]: Tensor[]) => {
    const out = emptyTensor(a!.shape, dtype);
    k.convert(a!.data, out.data);
    return out;
  };
  if (dtype === 'int32' || x.dtype === 'int32') return convert([x]);
  return record('cast', [x], convert, (g) => [cast(g, x.dtype)], { dtype });
}

/** Broadcasts to `shape` (NumPy rules; new leading axes allowed; `-1` keeps a size). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  requireNumberList('expand', 'the shape', shape);
  const offset = shape.length - x.shape.length;
  if (offset < 0) {
    throw new TapegradError(
      'expand',
      `cannot expand shape ${fmtShape(x.shape)} to fewer axes ${fmtShape(shape)}.`,
    );
  }
  const target = shape.map((d, i) => (d === -1 && i >= offset ? x.shape[i - offset]! : d));
  checkShape('expand', target);
  if (!broadcastsTo(x.shape, target)) {
    throw new TapegradError(
      'expand',
      `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)}: only size-1 axes can grow.`,
    );
  }
  if (sameShape(x.shape, target)) return x;
  return record(
    'expand',
    [x],
    ([a]) => {
      const lazy = a!.size === 1 ? fuse({ kind: 'copy' }, [a!], target, a!.dtype) : null;
      if (lazy) return lazy;
      const out = emptyTensor(target, a!.dtype);
      k.broadcastTo(a!.data, a!.shape, out.data, target);
      return out;
    },
    (g) => [sumTo(g, x.shape)],
    { shape: target },
  );
}

/** Sums `g` over the axes along which `shape` was broadcast: the adjoint of {@link expand}. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  return record(
    'sum',
    [g],
    ([a]) => {
      const out = emptyTensor(shape, a!.dtype);
      reduceAxes('sum', a!.data, a!.shape, axes, out.data);
      return out;
    },
    (c) => [expand(c, g.shape)],
    { axes, keepdims: g.shape.length === shape.length },
  );
}
