import { type OptionKeys, TapegradError, type Tensor } from '@tapegrad/core';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Options of {@link SGD}; PyTorch's defaults (lr has none there; 1e-3 here). */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

type SGDState = { momentumBuffer?: Tensor };

const SGD_KEYS: OptionKeys<SGDOptions> = {
  lr: true,
  momentum: true,
  dampening: true,
  weightDecay: true,
  nesterov: true,
  maximize: true,
};

/**
 * Stochastic gradient descent with optional momentum (the first step's buffer is the gradient,
 * undampened), dampening, Nesterov momentum and L2 weight decay: PyTorch's update rule.
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: ParamsInput<SGDOptions>, options?: Partial<SGDOptions>) {
    const defaults = {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
    };
    super('SGD', params, defaults, options, SGD_KEYS);
  }

  protected override validate(o: SGDOptions): void {
    super.validate(o);
    this.nonNegative(o, 'momentum', 'dampening', 'weightDecay');
    this.flags(o, 'nesterov', 'maximize');
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new TapegradError(
        'SGD',
        `nesterov momentum needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}.`,
      );
    }
  }

  protected override initState(): SGDState {
    return {};
  }

  protected override update(p: Tensor, grad: Tensor, state: SGDState, g: ParamGroup<SGDOptions>): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    if (g.momentum !== 0) {
      const buf = state.momentumBuffer;
      if (buf === undefined) state.momentumBuffer = d.clone();
      else buf.mul_(g.momentum).add_(d, 1 - g.dampening);
      const b = state.momentumBuffer!;
      d = g.nesterov ? d.add(b.mul(g.momentum)) : b;
    }
    p.add_(d, -g.lr);
  }
}
