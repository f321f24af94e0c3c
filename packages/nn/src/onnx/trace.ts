/**
 * Tracing: one forward pass with every input requiring grad, so each op records its op name,
 * parents and parameters on the tape; then the graph reachable from the outputs, in creation
 * order. Composites (linear, layerNorm, …) are followed through their declared inputs, so their
 * pieces are never visited.
 */
import { concat, enableGrad, TapegradError, Tensor } from '@tapegrad/core';
import { attrTensors } from './context.js';

/** One traced forward pass. */
export interface Trace {
  /** The tensors the function received (detached copies of the examples). */
  inputs: Tensor[];
  outputs: Tensor[];
  /** Every tensor the outputs depend on, leaves included, in creation order. */
  nodes: Tensor[];
}

/** The tensors an exported node reads: a composite's inputs, or the parents and index attributes. */
export const exportInputs = (t: Tensor): Tensor[] =>
  t.composite
    ? t.composite.inputs.filter((x): x is Tensor => x !== null)
    : [...t.parents, ...attrTensors(t.attrs)];

/** Runs `run` on fresh leaves holding `examples` (floats requiring grad) and collects the graph. */
export function trace(run: (inputs: Tensor[]) => unknown, examples: readonly Tensor[]): Trace {
  const inputs = examples.map((x) => {
    const leaf = x.detach();
    return leaf.dtype === 'int32' ? leaf : leaf.requiresGrad_(true);
  });
  const result = enableGrad(() => run(inputs));
  const outputs = Array.isArray(result) ? result : [result];
  if (outputs.length === 0 || !outputs.every((t) => t instanceof Tensor)) {
    throw new TapegradError('exportOnnx', 'the model must return a Tensor or a non-empty array of Tensors.');
  }
  return { inputs, outputs, nodes: graphOf(outputs as Tensor[]) };
}

/** Tensors reachable from `outputs` (explicit stack: deep graphs cannot overflow), by creation order. */
function graphOf(outputs: readonly Tensor[]): Tensor[] {
  const seen = new Set<Tensor>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (!t.isLeaf) for (const x of exportInputs(t)) if (!seen.has(x)) stack.push(x);
  }
  return [...seen].sort((a, b) => a.seq - b.seq);
}

/**
 * The examples with each dynamic axis one longer (its first slice repeated), for the second
 * trace that tells which sizes follow the dynamic axes.
 */
export function grow(examples: readonly Tensor[], dynamicAxes: readonly (readonly number[])[]): Tensor[] {
  return examples.map((x, i) =>
    (dynamicAxes[i] ?? []).reduce((t, axis) => {
      if (t.shape[axis] === 0) {
        throw new TapegradError(
          'exportOnnx',
          `dynamic axis ${axis} of input ${i} has size 0 in the example; give it at least one entry.`,
        );
      }
      const first = t.shape.map((_, d) => (d === axis ? [0, 1] : null));
      return concat([t, t.slice(first)], axis);
    }, x.detach()),
  );
}
