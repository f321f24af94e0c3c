/** Gradient clipping, as `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`. */
import { checkOptions, noGrad, type OptionKeys, TapegradError, Tensor } from '@tapegrad/core';
import { isModule } from './module.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of clipping with it (default false). */
  errorIfNonfinite?: boolean;
}

const CLIP_KEYS: OptionKeys<ClipGradNormOptions> = { errorIfNonfinite: true };

/** The parameters that have a gradient; a module or anything not a tensor is named in the error. */
function withGrad(op: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  if (isModule(params)) {
    throw new TapegradError(
      op,
      `expected parameters, got the module ${params.constructor.name}; pass model.parameters().`,
    );
  }
  const list =
    params instanceof Tensor
      ? [params]
      : typeof params === 'object' && params !== null && Symbol.iterator in params
        ? [...params]
        : null;
  const bad = list?.findIndex((p) => !(p instanceof Tensor)) ?? 0;
  if (list === null || bad >= 0) {
    throw new TapegradError(
      op,
      `expected a Tensor or an iterable of Tensors (e.g. model.parameters()), got ${list === null ? typeof params : `a ${typeof list[bad]} at position ${bad}`}.`,
    );
  }
  return list.filter((p) => p.grad !== null);
}

/**
 * Scales all gradients together so that their joint `normType`-norm (2 by default; `Infinity`
 * for the max norm) is at most `maxNorm`, and returns the norm before clipping. Gradients are
 * replaced, never written in place (a `.grad` may be shared).
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  options?: ClipGradNormOptions,
): number {
  options = checkOptions('clipGradNorm', options, CLIP_KEYS);
  if (!(maxNorm >= 0 && maxNorm < Infinity))
    throw new TapegradError('clipGradNorm', `maxNorm must be a finite number ≥ 0, got ${maxNorm}.`);
  if (!(normType > 0)) throw new TapegradError('clipGradNorm', `normType must be > 0, got ${normType}.`);
  const ps = withGrad('clipGradNorm', params);
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
  if (!(clipValue >= 0 && clipValue < Infinity))
    throw new TapegradError('clipGradValue', `clipValue must be a finite number ≥ 0, got ${clipValue}.`);
  noGrad(() => {
    for (const p of withGrad('clipGradValue', params)) p.grad = p.grad!.clamp(-clipValue, clipValue);
  });
}
