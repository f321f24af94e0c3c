import { full, type OptionKeys, type Tensor } from '@tapegrad/core';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Options of {@link Adagrad}; PyTorch's defaults. */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

type AdagradState = { step: number; sum: Tensor };

const ADAGRAD_KEYS: OptionKeys<AdagradOptions> = {
  lr: true,
  lrDecay: true,
  weightDecay: true,
  initialAccumulatorValue: true,
  eps: true,
  maximize: true,
};

/**
 * Adagrad as PyTorch: accumulates squared gradients, steps by `lr/(1 + (t−1)·lrDecay)` divided by
 * `√sum + eps` (eps 1e-10).
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: ParamsInput<AdagradOptions>, options?: Partial<AdagradOptions>) {
    const defaults = {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
    };
    super('Adagrad', params, defaults, options, ADAGRAD_KEYS);
  }

  protected override validate(o: AdagradOptions): void {
    super.validate(o);
    this.nonNegative(o, 'lrDecay', 'initialAccumulatorValue', 'eps', 'weightDecay');
    this.flags(o, 'maximize');
  }

  protected override initState(p: Tensor, g: ParamGroup<AdagradOptions>): AdagradState {
    return { step: 0, sum: full(p.shape, g.initialAccumulatorValue, { dtype: p.dtype }) };
  }

  protected override update(p: Tensor, grad: Tensor, s: AdagradState, g: ParamGroup<AdagradOptions>): void {
    let d = g.maximize ? grad.neg() : grad;
    s.step += 1;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    const clr = g.lr / (1 + (s.step - 1) * g.lrDecay);
    s.sum.addcmul_(d, d, 1);
    p.addcdiv_(d, this.scratch(p).copy_(s.sum).sqrt_().add_(g.eps), -clr);
  }
}
