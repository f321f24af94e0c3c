/**
 * Loss modules beside the loss functions, as `torch.nn.MSELoss` and friends: construct with the
 * function's options, then `call(input, target)`. Tensor options (`weight`, `posWeight`) are
 * registered as buffers under PyTorch's names (`weight`, `pos_weight`), so they are in `stateDict()`.
 */
import { checkOptions, type OptionKeys, type Tensor } from '@tapegrad/core';
import { Module } from '../module.js';
import {
  BCE_KEYS,
  BCE_LOGITS_KEYS,
  type BceOptions,
  type BceWithLogitsOptions,
  bceWithLogits,
  binaryCrossEntropy,
} from './binary.js';
import {
  CROSS_ENTROPY_KEYS,
  type CrossEntropyOptions,
  crossEntropy,
  NLL_KEYS,
  type NllLossOptions,
  nllLoss,
} from './classification.js';
import { KL_KEYS, type KlDivOptions, klDiv } from './kl.js';
import { MULTI_MARGIN_KEYS, type MultiMarginOptions, multiMarginLoss } from './margin.js';
import { REDUCTION_KEYS, type ReductionOptions } from './reduction.js';
import {
  HUBER_KEYS,
  type HuberLossOptions,
  huberLoss,
  l1Loss,
  mseLoss,
  SMOOTH_L1_KEYS,
  type SmoothL1LossOptions,
  smoothL1Loss,
} from './regression.js';

/** The shared base: keeps the options and registers the tensor-valued ones as buffers. */
export abstract class Loss<O extends object> extends Module<[input: Tensor, target: Tensor], Tensor> {
  /** The options passed to the loss function on every call. */
  readonly options: O;

  /** `name` and `keys` come from the subclass: the class users see and the options it takes. */
  protected constructor(name: string, options: O | undefined, keys: OptionKeys<O>) {
    super();
    this.options = { ...checkOptions(name, options, keys) };
    const o = this.options as { weight?: Tensor | null; posWeight?: Tensor | null };
    if (o.weight) this.registerBuffer('weight', o.weight);
    if (o.posWeight) this.registerBuffer('pos_weight', o.posWeight);
  }

  override extraRepr(): string {
    return Object.entries(this.options)
      .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
      .map(([k, v]) => `${k}=${typeof v === 'string' ? `'${v}'` : v}`)
      .join(', ');
  }
}

/** {@link mseLoss} as a module. */
export class MSELoss extends Loss<ReductionOptions> {
  constructor(options?: ReductionOptions) {
    super('MSELoss', options, REDUCTION_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** {@link l1Loss} as a module. */
export class L1Loss extends Loss<ReductionOptions> {
  constructor(options?: ReductionOptions) {
    super('L1Loss', options, REDUCTION_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

/** {@link huberLoss} as a module (`delta`, default 1). */
export class HuberLoss extends Loss<HuberLossOptions> {
  constructor(options?: HuberLossOptions) {
    super('HuberLoss', options, HUBER_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** {@link smoothL1Loss} as a module (`beta`, default 1). */
export class SmoothL1Loss extends Loss<SmoothL1LossOptions> {
  constructor(options?: SmoothL1LossOptions) {
    super('SmoothL1Loss', options, SMOOTH_L1_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/** {@link crossEntropy} as a module (`weight`, `ignoreIndex`, `labelSmoothing`). */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  constructor(options?: CrossEntropyOptions) {
    super('CrossEntropyLoss', options, CROSS_ENTROPY_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

/** {@link nllLoss} as a module (`weight`, `ignoreIndex`). */
export class NLLLoss extends Loss<NllLossOptions> {
  constructor(options?: NllLossOptions) {
    super('NLLLoss', options, NLL_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

/** {@link binaryCrossEntropy} as a module (`weight`). */
export class BCELoss extends Loss<BceOptions> {
  constructor(options?: BceOptions) {
    super('BCELoss', options, BCE_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

/** {@link bceWithLogits} as a module (`weight`, `posWeight`). */
export class BCEWithLogitsLoss extends Loss<BceWithLogitsOptions> {
  constructor(options?: BceWithLogitsOptions) {
    super('BCEWithLogitsLoss', options, BCE_LOGITS_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogits(input, target, this.options);
  }
}

/** {@link klDiv} as a module (`reduction` including `'batchmean'`, `logTarget`). */
export class KLDivLoss extends Loss<KlDivOptions> {
  constructor(options?: KlDivOptions) {
    super('KLDivLoss', options, KL_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** {@link multiMarginLoss} as a module (`p`, `margin`, `weight`). */
export class MultiMarginLoss extends Loss<MultiMarginOptions> {
  constructor(options?: MultiMarginOptions) {
    super('MultiMarginLoss', options, MULTI_MARGIN_KEYS);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, this.options);
  }
}
