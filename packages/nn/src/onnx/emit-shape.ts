/** ONNX emitters of shape, indexing and reduction ops. */
import type { Tensor } from '@tapegrad/core';
import {
  boolAttr,
  type EmitContext,
  type Emitter,
  input,
  inputTensor,
  numAttr,
  numsAttr,
  tensorAttr,
} from './context.js';
import { reduce } from './emit-nn.js';
import { int, ints } from './proto.js';

/** Past any axis end: ONNX Slice clamps it, as Python slicing does. */
const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** Whether axis `i` of `x` and axis `j` of the result have the same size in both traces. */
const sameAxis = (c: EmitContext, x: Tensor, i: number, j: number): boolean =>
  x.shape[i] === c.node.shape[j] && c.otherShape(x)[i] === c.otherShape(c.node)[j];

/**
 * reshape: the traced target shape, where an axis that changes with the dynamic input axes becomes
 * 0 (copy the input's axis, when it is the same axis) or −1 (inferred; at most one).
 */
const reshape: Emitter = (c) => {
  const x = inputTensor(c, 0);
  const outDynamic = c.dynamic(c.node);
  const dims = c.node.shape.map((d, i) => {
    if (!outDynamic[i]) return d;
    return i < x.ndim && c.dynamic(x)[i] && sameAxis(c, x, i, i) ? 0 : -1;
  });
  if (dims.filter((d) => d === -1).length > 1) {
    c.fail(
      `the target shape [${c.node.shape}] has several axes that change with the dynamic axes and cannot be inferred together; keep the dynamic axis in place (e.g. flatten(1)) or fix its size.`,
    );
  }
  c.b.node('Reshape', [input(c, 0), c.b.int64s(dims, 'shape')], [c.out]);
};

/** expand: the traced shape, with 1 (keep the input's size) on the dynamic axes the input already has. */
const expand: Emitter = (c) => {
  const x = inputTensor(c, 0);
  const offset = c.node.ndim - x.ndim;
  const dims = c.node.shape.map((d, i) => {
    if (!c.dynamic(c.node)[i]) return d;
    const j = i - offset;
    if (j >= 0 && c.dynamic(x)[j] && sameAxis(c, x, j, i)) return 1;
    return c.fail(`broadcasting to a size that changes with the dynamic axes (axis ${i}) is not supported.`);
  });
  c.b.node('Expand', [input(c, 0), c.b.int64s(dims, 'shape')], [c.out]);
};

/** slice: the user's Python-style specs, which ONNX Slice resolves the same way at run time. */
const slice: Emitter = (c) => {
  const specs = (c.attrs.slices ?? c.fail('the traced op carries no slices.')) as readonly (
    | readonly (number | null | undefined)[]
    | null
  )[];
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  specs.forEach((spec, axis) => {
    if (spec === null) return;
    const [start, stop, step] = spec;
    starts.push(start ?? 0);
    ends.push(stop ?? INT64_MAX);
    steps.push(step ?? 1);
    axes.push(axis);
  });
  if (axes.length === 0) {
    c.b.node('Identity', [input(c, 0)], [c.out]);
    return;
  }
  const b = c.b;
  b.node(
    'Slice',
    [
      input(c, 0),
      b.int64s(starts, 'starts'),
      b.int64s(ends, 'ends'),
      b.int64s(axes, 'axes'),
      b.int64s(steps, 'steps'),
    ],
    [c.out],
  );
};

/** A reduction over the recorded axes; reducing over no axis is the identity. */
const reduction =
  (opType: string): Emitter =>
  (c) => {
    const axes = numsAttr(c, 'axes');
    if (axes.length === 0) c.b.node('Identity', [input(c, 0)], [c.out]);
    else reduce(c, opType, input(c, 0), axes, boolAttr(c, 'keepdims'), c.out);
  };

/** The shape, indexing and reduction emitters by tapegrad op name. */
export const SHAPE_EMITTERS: Readonly<Record<string, Emitter>> = {
  reshape,
  expand,
  slice,
  permute: (c) => c.b.node('Transpose', [input(c, 0)], [c.out], { perm: ints(numsAttr(c, 'axes')) }),
  concat: (c) =>
    c.b.node(
      'Concat',
      c.inputs.map((_, i) => input(c, i)),
      [c.out],
      { axis: int(numAttr(c, 'axis')) },
    ),
  // A 0-d index drops the axis, as select does.
  select: (c) =>
    c.b.node('Gather', [input(c, 0), c.b.int64(numAttr(c, 'index'), 'index')], [c.out], {
      axis: int(numAttr(c, 'axis')),
    }),
  gather: (c) =>
    c.b.node('GatherElements', [input(c, 0), c.name(tensorAttr(c, 'index'))], [c.out], {
      axis: int(numAttr(c, 'axis')),
    }),
  indexSelect: (c) =>
    c.b.node('Gather', [input(c, 0), c.name(tensorAttr(c, 'index'))], [c.out], {
      axis: int(numAttr(c, 'axis')),
    }),
  sum: reduction('ReduceSum'),
  mean: reduction('ReduceMean'),
  max: reduction('ReduceMax'),
  min: reduction('ReduceMin'),
  prod: reduction('ReduceProd'),
  logsumexp: reduction('ReduceLogSumExp'),
};
