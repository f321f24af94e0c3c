/**
 * `exportOnnx`: traces one forward pass on the tape and writes it as an ONNX model. Every recorded
 * op (or composite such as `linear`) maps to ONNX nodes through the emitter tables; leaves that
 * are not inputs become initializers, named after the module's state dict where they belong to
 * it. A second trace, with every dynamic input axis one longer, tells which sizes follow those
 * axes, so reshapes keep them symbolic and constants that depend on them are refused.
 */
import { checkOptions, type OptionKeys, TapegradError, Tensor, tensorToBytes } from '@tapegrad/core';
import { Module } from '../module.js';
import { GraphBuilder } from './builder.js';
import type { EmitContext, Emitter } from './context.js';
import { ELEMENTWISE_EMITTERS } from './emit-elementwise.js';
import { NN_EMITTERS } from './emit-nn.js';
import { SHAPE_EMITTERS } from './emit-shape.js';
import { ELEM_TYPE, encodeModel, valueInfoProto } from './proto.js';
import { grow, type Trace, trace } from './trace.js';

/** Options of {@link exportOnnx}, named as `torch.onnx.export`'s. */
export interface ExportOnnxOptions {
  /** Names of the graph inputs (default `input`, or `input_0`, `input_1`, …). */
  inputNames?: readonly string[];
  /** Names of the graph outputs (default `output`, or `output_0`, …). */
  outputNames?: readonly string[];
  /**
   * Axes whose size may change at run time, by input or output name: `{ input: { 0: 'batch' } }`,
   * or a list of axes (`{ input: [0] }`) to name them automatically.
   */
  dynamicAxes?: Readonly<Record<string, Readonly<Record<number, string>> | readonly number[]>>;
  /** ONNX opset, 17 (the default) to 21; GELU is one node from 20, a few nodes before. */
  opset?: number;
}

const ONNX_EMITTERS: Readonly<Record<string, Emitter>> = {
  ...ELEMENTWISE_EMITTERS,
  ...NN_EMITTERS,
  ...SHAPE_EMITTERS,
};

/** The names of the tensor ops (and composites such as `linear`) that `exportOnnx` can write. */
export const ONNX_OPS: readonly string[] = Object.keys(ONNX_EMITTERS).sort();

const OP = 'exportOnnx';
const KEYS: OptionKeys<ExportOnnxOptions> = {
  inputNames: true,
  outputNames: true,
  dynamicAxes: true,
  opset: true,
};
const MIN_OPSET = 17;
const MAX_OPSET = 21;

/** A model to export: a module (run in eval mode) or a function of tensors. */
export type Exportable = Module | ((...inputs: Tensor[]) => Tensor | Tensor[]);

/**
 * Exports `model` as the bytes of an ONNX model (a `ModelProto`; write them to `model.onnx`).
 * Traces the forward pass on `exampleInputs`. A module runs in eval mode (dropout disappears,
 * batch norm uses its running statistics) and is restored afterwards; a function runs as given.
 * The forward runs twice — the second time with each dynamic axis one longer, to see which sizes
 * follow it — so a function must not have side effects that matter (such as training-mode batch
 * norm updating its statistics).
 *
 * @throws TapegradError naming the op when an op has no ONNX mapping, when the traced graph
 *   changes with the size of a dynamic axis, or when an option is invalid.
 */
export function exportOnnx(
  model: Exportable,
  exampleInputs: Tensor | readonly Tensor[],
  options?: ExportOnnxOptions,
): Uint8Array {
  options = checkOptions(OP, options, KEYS);
  if (!(model instanceof Module) && typeof model !== 'function') {
    throw new TapegradError(
      OP,
      `model must be a Module or a function of tensors, got ${model === null ? 'null' : typeof model}.`,
    );
  }
  if (!(exampleInputs instanceof Tensor) && !Array.isArray(exampleInputs)) {
    throw new TapegradError(OP, 'exampleInputs must be a Tensor or a non-empty array of Tensors.');
  }
  const examples = exampleInputs instanceof Tensor ? [exampleInputs] : [...exampleInputs];
  if (examples.length === 0 || !examples.every((x) => x instanceof Tensor)) {
    throw new TapegradError(OP, 'exampleInputs must be a Tensor or a non-empty array of Tensors.');
  }
  const opset = options.opset ?? MIN_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new TapegradError(OP, `opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${opset}.`);
  }
  const inputNames = names('input', options.inputNames, examples.length);
  const dynamic = options.dynamicAxes ?? {};
  const inputAxes = inputNames.map((n, i) => axesOf(dynamic, n, examples[i]!.ndim));
  const run = (xs: Tensor[]) => (model instanceof Module ? model.call(...xs) : model(...xs));
  const [first, second] = withExportState(model, () => [
    trace(run, examples),
    trace(
      run,
      grow(
        examples,
        inputAxes.map((a) => [...a.keys()]),
      ),
    ),
  ]);
  const outputNames = names('output', options.outputNames, first.outputs.length);
  for (const key of Object.keys(dynamic)) {
    if (!inputNames.includes(key) && !outputNames.includes(key)) {
      throw new TapegradError(
        OP,
        `dynamicAxes names '${key}', which is neither an input nor an output name.`,
      );
    }
  }
  return writeModel({
    first,
    second: checkSameGraph(first, second),
    opset,
    inputNames,
    outputNames,
    inputAxes,
    outputAxes: outputNames.map((n, i) => axesOf(dynamic, n, first.outputs[i]!.ndim)),
    stateNames: model instanceof Module ? stateNames(model) : new Map(),
  });
}

/** The given names (checked: right count, distinct, non-empty), or `base`, `base_0`, `base_1`, …. */
function names(base: string, given: readonly string[] | undefined, count: number): string[] {
  const out = given
    ? [...given]
    : count === 1
      ? [base]
      : Array.from({ length: count }, (_, i) => `${base}_${i}`);
  if (
    out.length !== count ||
    new Set(out).size !== count ||
    out.some((n) => typeof n !== 'string' || n === '')
  ) {
    throw new TapegradError(
      OP,
      `${base}Names must be ${count} distinct non-empty strings, got ${JSON.stringify(given)}.`,
    );
  }
  return out;
}

/** The dynamic axes of one named input or output: axis → symbolic name. */
function axesOf(
  dynamic: ExportOnnxOptions['dynamicAxes'] & object,
  name: string,
  rank: number,
): Map<number, string> {
  const spec = dynamic[name];
  const entries: [number, string][] = Array.isArray(spec)
    ? spec.map((a) => [a, `${name}_dim${a}`])
    : Object.entries(spec ?? {}).map(([a, n]) => [Number(a), n]);
  for (const [axis, dimName] of entries) {
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank || typeof dimName !== 'string') {
      throw new TapegradError(
        OP,
        `dynamicAxes['${name}'] has axis ${axis} (${JSON.stringify(dimName)}); '${name}' has ${rank} axes, numbered 0 to ${rank - 1}.`,
      );
    }
  }
  return new Map(entries);
}

/** Runs `fn` with a module in eval mode and its parameters requiring grad, restoring both after. */
function withExportState<T>(model: Exportable, fn: () => T): T {
  if (!(model instanceof Module)) return fn();
  const modes = model.modules().map((m) => [m, m.training] as const);
  const grads = model.parameters().map((p) => [p, p.requiresGrad] as const);
  try {
    model.eval();
    // Frozen parameters must record too, or the ops on them would be folded into constants.
    for (const [p] of grads) p.requiresGrad = true;
    return fn();
  } finally {
    for (const [m, training] of modes) m.training = training;
    for (const [p, flag] of grads) p.requiresGrad = flag;
  }
}

/** Parameters and buffers of a module by their state-dict names. */
const stateNames = (model: Module): Map<Tensor, string> =>
  new Map<Tensor, string>([...model.namedParameters(), ...model.namedBuffers()].map(([n, t]) => [t, n]));

/** The second trace, after checking it has the first one's ops in the same order. */
function checkSameGraph(first: Trace, second: Trace): Trace {
  const a = first.nodes.map((t) => t.composite?.op ?? t.op);
  const b = second.nodes.map((t) => t.composite?.op ?? t.op);
  const at = a.findIndex((op, i) => op !== b[i]);
  if (a.length !== b.length || at >= 0 || first.outputs.length !== second.outputs.length) {
    throw new TapegradError(
      OP,
      `the traced graph changes when a dynamic axis grows (op ${at >= 0 ? `'${a[at]}' became '${b[at]}'` : `count ${a.length} became ${b.length}`}); the model's control flow must not depend on those sizes.`,
    );
  }
  return second;
}

interface GraphParts {
  first: Trace;
  second: Trace;
  opset: number;
  inputNames: string[];
  outputNames: string[];
  inputAxes: Map<number, string>[];
  outputAxes: Map<number, string>[];
  stateNames: Map<Tensor, string>;
}

/** Emits every traced node, then the graph's inputs and outputs, and encodes the model. */
function writeModel(p: GraphParts): Uint8Array {
  const b = new GraphBuilder(p.opset);
  const other = new Map<Tensor, Tensor>(p.first.nodes.map((t, k) => [t, p.second.nodes[k]!]));
  const dynamic = (x: Tensor) => x.shape.map((d, i) => other.get(x)!.shape[i] !== d);
  const names = new Map<Tensor, string>();
  p.first.inputs.forEach((x, i) => {
    if (!other.has(x)) {
      throw new TapegradError(
        OP,
        `input '${p.inputNames[i]}' does not reach any output through recorded ops.`,
      );
    }
    b.claim(p.inputNames[i]!);
    names.set(x, p.inputNames[i]!);
  });
  for (const n of p.outputNames) b.claim(n);
  // An op result that is an output is written under the output's name directly.
  const outputOf = new Map<Tensor, string>();
  p.first.outputs.forEach((t, i) => {
    if (!outputOf.has(t) && !t.isLeaf) outputOf.set(t, p.outputNames[i]!);
  });
  for (const t of p.first.nodes) {
    if (names.has(t)) continue;
    if (t.isLeaf) names.set(t, constant(b, t, other.get(t)!, p.stateNames.get(t)));
    else names.set(t, emit(b, t, outputOf.get(t), names, other, dynamic));
  }
  p.first.outputs.forEach((t, i) => {
    if (names.get(t) !== p.outputNames[i]) b.node('Identity', [names.get(t)!], [p.outputNames[i]!]);
  });
  const io = graphIo(p, other, dynamic);
  return encodeModel({
    name: 'tapegrad',
    opset: p.opset,
    nodes: b.nodes,
    initializers: b.initializers,
    ...io,
  });
}

/**
 * The graph's inputs and outputs with their types. A dynamic axis gets its given name; an output
 * axis that follows an input's dynamic axis (same sizes in both traces) gets that axis's name,
 * other varying output axes `<output>_dim<i>`.
 */
function graphIo(p: GraphParts, other: Map<Tensor, Tensor>, dynamic: (x: Tensor) => boolean[]) {
  const sizes = (t: Tensor, d: number) => `${t.shape[d]},${other.get(t)!.shape[d]}`;
  const named = new Map<string, string>();
  p.first.inputs.forEach((x, i) => {
    for (const [axis, n] of p.inputAxes[i]!) if (!named.has(sizes(x, axis))) named.set(sizes(x, axis), n);
  });
  const info = (t: Tensor, name: string, axes: Map<number, string>) =>
    valueInfoProto(
      name,
      ELEM_TYPE[t.dtype],
      t.shape.map(
        (d, i) => axes.get(i) ?? (dynamic(t)[i] ? (named.get(sizes(t, i)) ?? `${name}_dim${i}`) : d),
      ),
    );
  return {
    inputs: p.first.inputs.map((x, i) => info(x, p.inputNames[i]!, p.inputAxes[i]!)),
    outputs: p.first.outputs.map((t, i) => info(t, p.outputNames[i]!, p.outputAxes[i]!)),
  };
}

/** A leaf that is not an input: an initializer, which must be the same in both traces. */
function constant(b: GraphBuilder, t: Tensor, twin: Tensor, stateName: string | undefined): string {
  if (twin !== t) {
    const same = twin.dtype === t.dtype && twin.shape.join() === t.shape.join() && sameBytes(t, twin);
    if (!same) {
      throw new TapegradError(
        OP,
        `a constant of shape [${t.shape}] differs between two traces ([${twin.shape}] the second time); a tensor created during the forward pass must not depend on the inputs' sizes or values, nor on random numbers (run dropout in eval mode).`,
      );
    }
  }
  const name = stateName !== undefined && b.claim(stateName) ? stateName : b.fresh(t.label ?? 'const');
  return b.tensor(name, t);
}

const sameBytes = (a: Tensor, b: Tensor): boolean => {
  const x = tensorToBytes(a);
  const y = tensorToBytes(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/** Emits one recorded op (or composite) through its emitter; returns the result's name. */
function emit(
  b: GraphBuilder,
  t: Tensor,
  outputName: string | undefined,
  names: Map<Tensor, string>,
  other: Map<Tensor, Tensor>,
  dynamic: (x: Tensor) => boolean[],
): string {
  const op = t.composite?.op ?? t.op;
  const fail = (message: string): never => {
    throw new TapegradError(OP, `op '${op}' (output shape [${t.shape}]): ${message}`);
  };
  const emitter = ONNX_EMITTERS[op];
  if (!emitter) {
    fail(`has no ONNX mapping. Supported ops: ${ONNX_OPS.join(', ')}.`);
  }
  const out = outputName ?? b.fresh(op);
  const context: EmitContext = {
    node: t,
    op,
    inputs: t.composite ? t.composite.inputs : t.parents,
    attrs: t.composite ? t.composite.attrs : (t.attrs ?? {}),
    out,
    b,
    name: (x) => (x === null ? '' : (names.get(x) ?? fail('an input was not traced before it.'))),
    dynamic,
    otherShape: (x) => other.get(x)!.shape,
    fail,
  };
  emitter!(context);
  return out;
}
