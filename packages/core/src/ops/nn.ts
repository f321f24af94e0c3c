/** Numerically stable normalizations: softmax, log-softmax, layer norm. */
import { optionalTensor, requireFinite, requireTensor } from '../args.js';
import { fmtShape, TapegradError } from '../errors.js';
import { softmaxAxis } from '../kernels/reduce.js';
import { markComposite, record } from '../record.js';
import { normalizeAxis, requireNumberList, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { requireFloat } from './elementwise.js';
import { mean } from './reduce.js';

const softmaxForward =
  (axis: number, log: boolean) =>
  ([x]: Tensor[]) => {
    const a = normalizeAxis(log ? 'logSoftmax' : 'softmax', axis, x!.ndim);
    const out = emptyTensor(x!.shape, x!.dtype);
    softmaxAxis(
      x!.data,
      sizeOf(x!.shape.slice(0, a)),
      x!.shape[a]!,
      sizeOf(x!.shape.slice(a + 1)),
      out.data,
      log,
    );
    return out;
  };

/** Softmax along `axis`, shifted by the maximum; VJP `s ⊙ (g − Σ g⊙s)`. */
export function softmax(x: Tensor, axis = -1): Tensor {
  if (x.ndim === 0) throw new TapegradError('softmax', 'needs at least one axis, got a 0-d tensor.');
  requireFloat('softmax', x);
  return record(
    'softmax',
    [x],
    softmaxForward(axis, false),
    (g, _, s) => [s.mul(g.sub(g.mul(s).sum(axis, true)))],
    { axis },
  );
}

/** log(softmax) along `axis`, computed as `x − logsumexp(x)`; VJP `g − softmax ⊙ Σ g`. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  if (x.ndim === 0) throw new TapegradError('logSoftmax', 'needs at least one axis, got a 0-d tensor.');
  requireFloat('logSoftmax', x);
  return record(
    'logSoftmax',
    [x],
    softmaxForward(axis, true),
    (g, _, out) => [g.sub(out.exp().mul(g.sum(axis, true)))],
    { axis },
  );
}

/**
 * Layer normalization over the trailing axes given by `normalizedShape`: biased variance, `eps`
 * inside the square root, then the optional elementwise affine `weight`, `bias` (as PyTorch).
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  requireTensor('layerNorm', 'the input', x);
  requireFloat('layerNorm', x);
  requireNumberList('layerNorm', 'normalizedShape', normalizedShape);
  optionalTensor('layerNorm', 'weight', weight);
  optionalTensor('layerNorm', 'bias', bias);
  requireFinite('layerNorm', 'eps', eps, 0);
  const k = normalizedShape.length;
  const trailing = x.shape.slice(x.ndim - k);
  if (k === 0 || k > x.ndim || trailing.some((d, i) => d !== normalizedShape[i])) {
    throw new TapegradError(
      'layerNorm',
      `normalizedShape ${fmtShape(normalizedShape)} must match the trailing axes of input shape ${fmtShape(x.shape)}.`,
    );
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && (t.ndim !== k || t.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new TapegradError(
        'layerNorm',
        `${name} has shape ${fmtShape(t.shape)}, expected ${fmtShape(normalizedShape)}.`,
      );
    }
  }
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const centered = x.sub(mean(x, axes, true));
  const variance = mean(centered.square(), axes, true);
  let y = centered.div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return markComposite(y, 'layerNorm', [x, weight, bias], { normalizedShape: [...normalizedShape], eps });
}

provideOps({ layerNorm, logSoftmax, softmax });
