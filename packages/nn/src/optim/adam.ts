import { adamStep_, type OptionKeys, TapegradError, type Tensor, zerosLike } from '@tapegrad/core';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}; PyTorch's defaults. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

const ADAM_KEYS: OptionKeys<AdamOptions> = {
  lr: true,
  betas: true,
  eps: true,
  weightDecay: true,
  amsgrad: true,
  maximize: true,
};

type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/** The shared Adam update; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  protected abstract readonly decoupled: boolean;

  protected override validate(o: AdamOptions): void {
    super.validate(o);
    const b = o.betas;
    if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => typeof x === 'number' && x >= 0 && x < 1)) {
      throw new TapegradError(
        this.name,
        `invalid betas ${Array.isArray(b) ? `[${b.map(String).join(', ')}]` : String(b)}: need two numbers in [0, 1), e.g. [0.9, 0.999].`,
      );
    }
    this.nonNegative(o, 'eps', 'weightDecay');
    this.flags(o, 'amsgrad', 'maximize');
  }

  protected override initState(p: Tensor, g: ParamGroup<AdamOptions>): AdamState {
    const s: AdamState = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
    if (g.amsgrad) s.maxExpAvgSq = zerosLike(p);
    return s;
  }

  protected override update(p: Tensor, grad: Tensor, s: AdamState, g: ParamGroup<AdamOptions>): void {
    s.step += 1;
    if (g.amsgrad) s.maxExpAvgSq ??= zerosLike(p);
    adamStep_(p, grad, s.expAvg, s.expAvgSq, {
      lr: g.lr,
      betas: g.betas,
      eps: g.eps,
      step: s.step,
      weightDecay: g.weightDecay,
      decoupled: this.decoupled,
      maximize: g.maximize,
      maxExpAvgSq: g.amsgrad ? s.maxExpAvgSq : null,
    });
  }
}

/**
 * Adam with PyTorch's update: bias-corrected moments, eps added after the corrected square root,
 * optional AMSGrad (running max of the uncorrected second moment) and **coupled** L2 weight decay.
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput<AdamOptions>, options?: Partial<AdamOptions>) {
    const defaults: AdamOptions = {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
    };
    super('Adam', params, defaults, options, ADAM_KEYS);
  }
}

/** Adam with **decoupled** weight decay (`p ← p·(1 − lr·weightDecay)` first), weightDecay 0.01 by default. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsInput<AdamOptions>, options?: Partial<AdamOptions>) {
    const defaults: AdamOptions = {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0.01,
      amsgrad: false,
      maximize: false,
    };
    super('AdamW', params, defaults, options, ADAM_KEYS);
  }
}
