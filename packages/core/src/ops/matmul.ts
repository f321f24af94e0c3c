/** Matrix products with `torch.matmul`'s rules; backward uses transpose flags instead of copies. */
import { optionalTensor, requireTensor } from '../args.js';
import { fmtShape, TapegradError } from '../errors.js';
import { broadcastStrides } from '../kernels/binary.js';
import { matmul as kernel } from '../kernels/matmul.js';
import { markComposite, record } from '../record.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { reshape } from './shape-core.js';

/**
 * `a @ b`. 2-D × 2-D is the matrix product; a 1-D first operand is a row vector and a 1-D second
 * operand a column vector, each dropped from the result; leading batch axes broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  requireTensor('matmul', 'the first operand', a);
  requireTensor('matmul', 'the second operand', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new TapegradError(
      'matmul',
      `both operands need at least 1 axis, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}. Use mul for scalars.`,
    );
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const k1 = a2.shape[a2.ndim - 1]!;
  const k2 = b2.shape[b2.ndim - 2]!;
  if (k1 !== k2) {
    throw new TapegradError(
      'matmul',
      `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are incompatible (inner dimensions ${k1} and ${k2}).`,
    );
  }
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  try {
    broadcastShapes('matmul', batchA, batchB);
  } catch {
    throw new TapegradError(
      'matmul',
      `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are incompatible: batch dimensions ${fmtShape(batchA)} and ${fmtShape(batchB)} cannot be broadcast together.`,
    );
  }
  const out = matmulT(a2, b2, false, false);
  if (a.ndim > 1 && b.ndim > 1) return out;
  const shape = out.shape.slice(0, -2);
  if (a.ndim > 1) shape.push(out.shape[out.ndim - 2]!);
  if (b.ndim > 1) shape.push(out.shape[out.ndim - 1]!);
  return reshape(out, shape);
}

/**
 * Batched `op(a) · op(b)` on operands of rank ≥ 2, where `op` transposes the last two axes when
 * its flag is set. This is the recorded primitive; its backward is four more calls of itself.
 */
export function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return record(
    'matmul',
    [a, b],
    ([x, y]) => batchedProduct(x!, y!, transA, transB),
    (g, [x, y], _, needs) => {
      // C = op(A)·op(B): each case's gradients are products of G with the other operand.
      if (!transA && !transB)
        return [needs[0] ? matmulT(g, y!, false, true) : null, needs[1] ? matmulT(x!, g, true, false) : null];
      if (!transA && transB)
        return [
          needs[0] ? matmulT(g, y!, false, false) : null,
          needs[1] ? matmulT(g, x!, true, false) : null,
        ];
      if (transA && !transB)
        return [
          needs[0] ? matmulT(y!, g, false, true) : null,
          needs[1] ? matmulT(x!, g, false, false) : null,
        ];
      return [needs[0] ? matmulT(y!, g, true, true) : null, needs[1] ? matmulT(g, x!, true, true) : null];
    },
    { transA, transB },
  );
}

/** The forward of {@link matmulT}: one kernel call per pair of matrices of the broadcast batch. */
function batchedProduct(x: Tensor, y: Tensor, transA: boolean, transB: boolean): Tensor {
  const [ra, ca] = lastTwo(x.shape);
  const [rb, cb] = lastTwo(y.shape);
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const n = transB ? rb : cb;
  const batch = broadcastShapes('matmul', x.shape.slice(0, -2), y.shape.slice(0, -2));
  const out = emptyTensor([...batch, m, n], x.dtype);
  const sa = broadcastStrides(x.shape.slice(0, -2), batch);
  const sb = broadcastStrides(y.shape.slice(0, -2), batch);
  const count = sizeOf(batch);
  const counter = new Array<number>(batch.length).fill(0);
  let ao = 0;
  let bo = 0;
  for (let i = 0; i < count; i++) {
    kernel(
      x.data as Float64Array,
      ao * ra * ca,
      y.data as Float64Array,
      bo * rb * cb,
      out.data as Float64Array,
      i * m * n,
      m,
      n,
      k,
      transA,
      transB,
    );
    for (let d = batch.length - 1; d >= 0; d--) {
      counter[d]!++;
      ao += sa[d]!;
      bo += sb[d]!;
      if (counter[d]! < batch[d]!) break;
      ao -= sa[d]! * batch[d]!;
      bo -= sb[d]! * batch[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

/**
 * `x · weightᵀ + bias` with `weight` in PyTorch's `[out, in]` layout (torch.nn.functional.linear).
 * The transpose is a kernel flag, so the weight is never copied.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  requireTensor('linear', 'the input', x);
  requireTensor('linear', 'weight', weight);
  optionalTensor('linear', 'bias', bias);
  if (weight.ndim !== 2) {
    throw new TapegradError('linear', `weight must be 2-D [out, in], got shape ${fmtShape(weight.shape)}.`);
  }
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new TapegradError(
      'linear',
      `input of shape ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1] ?? 0} features but the weight ${fmtShape(weight.shape)} expects ${inFeatures}.`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new TapegradError('linear', `bias must have shape [${outFeatures}], got ${fmtShape(bias.shape)}.`);
  }
  const x2 = x.ndim === 1 ? reshape(x, [1, inFeatures]) : x;
  const y = matmulT(x2, weight, false, true);
  const out = bias ? y.add(bias) : y;
  return markComposite(x.ndim === 1 ? reshape(out, [outFeatures]) : out, 'linear', [x, weight, bias]);
}

const lastTwo = (shape: readonly number[]): [number, number] => [
  shape[shape.length - 2]!,
  shape[shape.length - 1]!,
];

provideOps({ matmul });
