/** Gradient clipping, as `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`. */
import { noGrad, TapegradError, type Tensor } from '@tapegrad/core';

const withGrad = (params: Iterable<Tensor> | Tensor): Tensor[] =>
  [...(Symbol.iterator in params ? params : [params])].filter((p) => p.grad !== null);

/**
 * Scales all gradients together so that their joint `normType`-norm (2 by default; `Infinity`
 * for the max norm) is at most `maxNorm`, and returns the norm before clipping. Gradients are
 * replaced, never written in place (a `.grad` may be shared).
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  options: { errorIfNonfinite?: boolean } = {},
): number {
  if (!(maxNorm >= 0)) throw new TapegradError('clipGradNorm', `maxNorm must be ≥ 0, got ${maxNorm}.`);
  if (!(normType > 0)) throw new TapegradError('clipGradNorm', `normType must be > 0, got ${normType}.`);
  const ps = withGrad(params);
  if (ps.length === 0) return 0;
  return noGrad(() => {
    let total: number;
    if (normType === Infinity) total = Math.max(...ps.map((p) => p.grad!.abs().max().item()));
    else {
      const sum = ps.reduce((acc, p) => acc + p.grad!.abs().pow(normType).sum().item(), 0);
      total = sum ** (1 / normType);
    }
    if (options.errorIfNonfinite && !Number.isFinite(total)) {
      throw new TapegradError(
        'clipGradNorm',
        `the total norm of the gradients is ${total}; pass { errorIfNonfinite: false } to clip anyway.`,
      );
    }
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const p of ps) p.grad = p.grad!.mul(coef);
    return total;
  });
}

/** Clamps every gradient element into [−clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new TapegradError('clipGradValue', `clipValue must be ≥ 0, got ${clipValue}.`);
  noGrad(() => {
    for (const p of withGrad(params)) p.grad = p.grad!.clamp(-clipValue, clipValue);
  });
}
