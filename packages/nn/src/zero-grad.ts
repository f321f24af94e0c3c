import { checkOptions, type OptionKeys, type Tensor } from '@tapegrad/core';

/** Options of `Module.zeroGrad` and `Optimizer.zeroGrad`. */
export interface ZeroGradOptions {
  /** Set `.grad` to null instead of zeroing it in place (PyTorch 2's default). Default false. */
  setToNone?: boolean;
}

const ZERO_GRAD_KEYS: OptionKeys<ZeroGradOptions> = { setToNone: true };

/** Zeroes (or, with `setToNone`, drops) the gradient of every tensor of `params`, for `site`. */
export function zeroGrads(
  site: string,
  params: Iterable<Tensor>,
  options: ZeroGradOptions | undefined,
): void {
  const none = checkOptions(site, options, ZERO_GRAD_KEYS).setToNone ?? false;
  for (const p of params) {
    if (none) p.grad = null;
    else p.grad?.zero_();
  }
}
