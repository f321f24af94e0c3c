import { type OptionKeys, type Tensor, zerosLike } from '@tapegrad/core';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Options of {@link RMSprop}; PyTorch's defaults. */
export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

const RMSPROP_KEYS: OptionKeys<RMSpropOptions> = {
  lr: true,
  alpha: true,
  eps: true,
  weightDecay: true,
  momentum: true,
  centered: true,
  maximize: true,
};

type RMSpropState = { step: number; squareAvg: Tensor; gradAvg?: Tensor; momentumBuffer?: Tensor };

/**
 * RMSprop as PyTorch: a running mean of squared gradients (decay `alpha`), eps added outside the
 * square root, optionally centered (subtracting the squared running mean of gradients) and with
 * momentum.
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: ParamsInput<RMSpropOptions>, options?: Partial<RMSpropOptions>) {
    const defaults = {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
    };
    super('RMSprop', params, defaults, options, RMSPROP_KEYS);
  }

  protected override validate(o: RMSpropOptions): void {
    super.validate(o);
    this.nonNegative(o, 'alpha', 'eps', 'momentum', 'weightDecay');
    this.flags(o, 'centered', 'maximize');
  }

  protected override initState(p: Tensor): RMSpropState {
    return { step: 0, squareAvg: zerosLike(p) };
  }

  protected override update(p: Tensor, grad: Tensor, s: RMSpropState, g: ParamGroup<RMSpropOptions>): void {
    let d = g.maximize ? grad.neg() : grad;
    s.step += 1;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    s.squareAvg.mul_(g.alpha).addcmul_(d, d, 1 - g.alpha);
    let avg: Tensor;
    if (g.centered) {
      s.gradAvg ??= zerosLike(p);
      s.gradAvg.mul_(g.alpha).add_(d, 1 - g.alpha);
      avg = this.scratch(p).copy_(s.squareAvg).addcmul_(s.gradAvg, s.gradAvg, -1).sqrt_().add_(g.eps);
    } else avg = this.scratch(p).copy_(s.squareAvg).sqrt_().add_(g.eps);
    if (g.momentum > 0) {
      s.momentumBuffer ??= zerosLike(p);
      s.momentumBuffer.mul_(g.momentum).addcdiv_(d, avg, 1);
      p.add_(s.momentumBuffer, -g.lr);
    } else p.addcdiv_(d, avg, -g.lr);
  }
}
