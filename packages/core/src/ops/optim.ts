/** Fused optimizer steps on tensors, in place (not recorded): the kernels behind nn's optimizers. */
import { fmtShape, TapegradError } from '../errors.js';
import { type AdamConstants, adamStep } from '../kernels/optim.js';
import { checkOptions, type OptionKeys } from '../options.js';
import type { Tensor } from '../tensor.js';

/** Options of {@link adamStep_}: the group's hyperparameters and the step count t (from 1). */
export interface AdamStepOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  /** The number of this step, from 1 (bias correction). */
  step: number;
  weightDecay?: number;
  /** AdamW's decoupled weight decay instead of Adam's L2 term. */
  decoupled?: boolean;
  maximize?: boolean;
  /** AMSGrad's running maximum of the second moment, updated in place. */
  maxExpAvgSq?: Tensor | null;
}

const ADAM_STEP_KEYS: OptionKeys<AdamStepOptions> = {
  lr: true,
  betas: true,
  eps: true,
  step: true,
  weightDecay: true,
  decoupled: true,
  maximize: true,
  maxExpAvgSq: true,
};

/**
 * One Adam (or AdamW) step for `param`, updating it and its moments `expAvg`, `expAvgSq` in place
 * in a single pass (PyTorch's arithmetic, as `torch.optim.Adam`). All tensors must be float and
 * of `param`'s shape and dtype. Bumps the versions of what it writes.
 */
export function adamStep_(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  options: AdamStepOptions,
): void {
  checkOptions('adamStep_', options, ADAM_STEP_KEYS);
  const max = options.maxExpAvgSq ?? null;
  const all = max ? [grad, expAvg, expAvgSq, max] : [grad, expAvg, expAvgSq];
  for (const t of [param, ...all]) {
    if (t.dtype === 'int32' || t.dtype !== param.dtype || t.size !== param.size) {
      throw new TapegradError(
        'adamStep_',
        `every tensor must be float with the parameter's dtype and size (${param.dtype} ${fmtShape(param.shape)}), got ${t.dtype} ${fmtShape(t.shape)}.`,
      );
    }
  }
  const [beta1, beta2] = options.betas;
  const c: AdamConstants = {
    lr: options.lr,
    beta1,
    beta2,
    eps: options.eps,
    bias1: 1 - beta1 ** options.step,
    bias2Sqrt: Math.sqrt(1 - beta2 ** options.step),
    weightDecay: options.weightDecay ?? 0,
    decoupled: options.decoupled ?? false,
    maximize: options.maximize ?? false,
  };
  const f = (t: Tensor) => t.writable() as Float32Array | Float64Array;
  adamStep(
    f(param),
    grad.data as Float32Array | Float64Array,
    f(expAvg),
    f(expAvgSq),
    max ? f(max) : null,
    c,
  );
  for (const t of max ? [param, expAvg, expAvgSq, max] : [param, expAvg, expAvgSq]) t.version++;
}
