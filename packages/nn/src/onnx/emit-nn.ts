/** ONNX emitters of the layer ops: products, convolutions, pooling, normalizations, softmax, lookups. */
import {
  boolAttr,
  type EmitContext,
  type Emitter,
  input,
  inputTensor,
  numAttr,
  numsAttr,
} from './context.js';
import { float, int, ints } from './proto.js';

/** Swaps the last two axes of the tensor named `name`, of rank `rank`. */
const swapLast = (c: EmitContext, name: string, rank: number): string => {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return c.b.op('Transpose', [name], { perm: ints(perm) });
};

/** matmul with transpose flags: Transpose nodes where flagged, then MatMul. */
const matmul: Emitter = (c) => {
  const [a, b] = [inputTensor(c, 0), inputTensor(c, 1)];
  const left = boolAttr(c, 'transA') ? swapLast(c, input(c, 0), a.ndim) : input(c, 0);
  const right = boolAttr(c, 'transB') ? swapLast(c, input(c, 1), b.ndim) : input(c, 1);
  c.b.node('MatMul', [left, right], [c.out]);
};

/** linear (x·Wᵀ + b): Gemm for 2-D input, MatMul with the transposed weight otherwise. */
const linear: Emitter = (c) => {
  const x = inputTensor(c, 0);
  const bias = input(c, 2);
  if (x.ndim === 2) {
    c.b.node('Gemm', bias ? [input(c, 0), input(c, 1), bias] : [input(c, 0), input(c, 1)], [c.out], {
      transB: int(1),
    });
    return;
  }
  const wt = c.b.op('Transpose', [input(c, 1)], { perm: ints([1, 0]) });
  if (!bias) {
    c.b.node('MatMul', [input(c, 0), wt], [c.out]);
    return;
  }
  c.b.node('Add', [c.b.op('MatMul', [input(c, 0), wt]), bias], [c.out]);
};

/** Stride and symmetric zero padding of a 2-D window op, as ONNX attributes. */
const window2d = (c: EmitContext) => {
  const [ph, pw] = numsAttr(c, 'padding') as [number, number];
  return { strides: ints(numsAttr(c, 'stride')), pads: ints([ph, pw, ph, pw]) };
};

/** conv2d, with its bias when the composite carries one. */
const conv2d: Emitter = (c) => {
  const w = inputTensor(c, 1);
  const inputs = [input(c, 0), input(c, 1)];
  if (c.inputs[2]) inputs.push(input(c, 2));
  c.b.node('Conv', inputs, [c.out], { kernel_shape: ints(w.shape.slice(2)), ...window2d(c) });
};

const maxPool2d: Emitter = (c) =>
  c.b.node('MaxPool', [input(c, 0)], [c.out], {
    kernel_shape: ints(numsAttr(c, 'kernelSize')),
    ...window2d(c),
  });

const avgPool2d: Emitter = (c) =>
  c.b.node('AveragePool', [input(c, 0)], [c.out], {
    kernel_shape: ints(numsAttr(c, 'kernelSize')),
    ...window2d(c),
    count_include_pad: int(boolAttr(c, 'countIncludePad') ? 1 : 0),
  });

/**
 * adaptiveAvgPool2d: GlobalAveragePool for 1×1, AveragePool when the output size divides the
 * input size, and otherwise PyTorch's windows row by row then column by column (the mean over a
 * rectangle is the mean over its columns of the means over its rows).
 */
const adaptiveAvgPool2d: Emitter = (c) => {
  const x = inputTensor(c, 0);
  const [, , h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = numsAttr(c, 'outputSize') as [number, number];
  if (c.dynamic(x)[2] || c.dynamic(x)[3]) {
    c.fail(
      'the spatial size of its input must be fixed: the pooling windows depend on it. Do not mark H or W as dynamic.',
    );
  }
  if (oh === 1 && ow === 1) {
    c.b.node('GlobalAveragePool', [input(c, 0)], [c.out]);
  } else if (h % oh === 0 && w % ow === 0) {
    const k = [h / oh, w / ow];
    c.b.node('AveragePool', [input(c, 0)], [c.out], { kernel_shape: ints(k), strides: ints(k) });
  } else {
    const rows = adaptiveAlong(c, input(c, 0), 2, h, oh);
    c.b.node('Identity', [adaptiveAlong(c, rows, 3, w, ow)], [c.out]);
  }
};

/** Means over PyTorch's adaptive windows along one axis, concatenated. */
function adaptiveAlong(c: EmitContext, x: string, axis: number, n: number, out: number): string {
  const axes = c.b.int64s([axis], 'axes');
  const parts = Array.from({ length: out }, (_, i) => {
    const start = Math.floor((i * n) / out);
    const end = Math.ceil(((i + 1) * n) / out);
    const window = c.b.op('Slice', [x, c.b.int64s([start], 'starts'), c.b.int64s([end], 'ends'), axes]);
    return reduce(c, 'ReduceMean', window, [axis], true);
  });
  return c.b.op('Concat', parts, { axis: int(axis) });
}

/** A Reduce* node over `axes`: axes as an input from opset 18 (ReduceSum from 13), an attribute before. */
export function reduce(
  c: EmitContext,
  opType: string,
  x: string,
  axes: readonly number[],
  keepdims: boolean,
  out?: string,
) {
  const keep = { keepdims: int(keepdims ? 1 : 0) };
  const asInput = opType === 'ReduceSum' || c.b.opset >= 18;
  const inputs = asInput ? [x, c.b.int64s(axes, 'axes')] : [x];
  const attrs = asInput ? keep : { ...keep, axes: ints(axes) };
  if (out === undefined) return c.b.op(opType, inputs, attrs);
  c.b.node(opType, inputs, [out], attrs);
  return out;
}

/** layerNorm: LayerNormalization over the trailing normalized axes (weight ones when absent). */
const layerNorm: Emitter = (c) => {
  const x = inputTensor(c, 0);
  const shape = numsAttr(c, 'normalizedShape');
  const scale = c.inputs[1] ? input(c, 1) : c.b.fill(1, x.dtype, shape, 'ln_scale');
  const inputs = [input(c, 0), scale];
  if (c.inputs[2]) inputs.push(input(c, 2));
  c.b.node('LayerNormalization', inputs, [c.out], {
    axis: int(-shape.length),
    epsilon: float(numAttr(c, 'eps')),
  });
};

/** batchNorm with running statistics (eval mode): BatchNormalization (affine ones/zeros when absent). */
const batchNorm: Emitter = (c) => {
  const x = inputTensor(c, 0);
  const channels = [x.shape[1]!];
  const scale = c.inputs[1] ? input(c, 1) : c.b.fill(1, x.dtype, channels, 'bn_scale');
  const bias = c.inputs[2] ? input(c, 2) : c.b.fill(0, x.dtype, channels, 'bn_bias');
  c.b.node('BatchNormalization', [input(c, 0), scale, bias, input(c, 3), input(c, 4)], [c.out], {
    epsilon: float(numAttr(c, 'eps')),
  });
};

/** The layer-op emitters by tapegrad op name. */
export const NN_EMITTERS: Readonly<Record<string, Emitter>> = {
  matmul,
  linear,
  conv2d,
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  softmax: (c) => c.b.node('Softmax', [input(c, 0)], [c.out], { axis: int(numAttr(c, 'axis')) }),
  logSoftmax: (c) => c.b.node('LogSoftmax', [input(c, 0)], [c.out], { axis: int(numAttr(c, 'axis')) }),
  layerNorm,
  batchNorm,
  // prelu(x, slope): the slope already shaped to broadcast along axis 1.
  prelu: (c) => c.b.node('PRelu', [input(c, 0), input(c, 1)], [c.out]),
  // embedding(indices, weight): rows of the weight, any index shape.
  embedding: (c) => c.b.node('Gather', [input(c, 1), input(c, 0)], [c.out], { axis: int(0) }),
};
