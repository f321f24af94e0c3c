/**
 * Loss modules beside the loss functions, as `torch.nn.MSELoss` and friends: construct with the
 * function's options, then `call(input, target)`. Tensor options (`weight`, `posWeight`) are
 * registered as buffers under PyTorch's names (`weight`, `pos_weight`), so they are in `stateDict()`.
 */
import type { Tensor } from '@tapegrad/core';
import { Module } from '../module.js';
import { type BceOptions, type BceWithLogitsOptions, bceWithLogits, binaryCrossEntropy } from './binary.js';
import { type CrossEntropyOptions, crossEntropy, type NllLossOptions, nllLoss } from './classification.js';
import { type KlDivOptions, klDiv } from './kl.js';
import { type MultiMarginOptions, multiMarginLoss } from './margin.js';
import type { ReductionOptions } from './reduction.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './regression.js';

/** The shared base: keeps the options and registers the tensor-valued ones as buffers. */
export abstract class Loss<O extends object> extends Module<[input: Tensor, target: Tensor], Tensor> {
  /** The options passed to the loss function on every call. */
  readonly options: O;

  constructor(options?: O) {
    super();
    this.options = { ...(options ?? ({} as O)) };
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
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** {@link l1Loss} as a module. */
export class L1Loss extends Loss<ReductionOptions> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

/** {@link huberLoss} as a module (`delta`, default 1). */
export class HuberLoss extends Loss<ReductionOptions & { delta?: number }> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** {@link smoothL1Loss} as a module (`beta`, default 1). */
export class SmoothL1Loss extends Loss<ReductionOptions & { beta?: number }> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/** {@link crossEntropy} as a module (`weight`, `ignoreIndex`, `labelSmoothing`). */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

/** {@link nllLoss} as a module (`weight`, `ignoreIndex`). */
export class NLLLoss extends Loss<NllLossOptions> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

/** {@link binaryCrossEntropy} as a module (`weight`). */
export class BCELoss extends Loss<BceOptions> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

/** {@link bceWithLogits} as a module (`weight`, `posWeight`). */
export class BCEWithLogitsLoss extends Loss<BceWithLogitsOptions> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogits(input, target, this.options);
  }
}

/** {@link klDiv} as a module (`reduction` including `'batchmean'`, `logTarget`). */
export class KLDivLoss extends Loss<KlDivOptions> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** {@link multiMarginLoss} as a module (`p`, `margin`, `weight`). */
export class MultiMarginLoss extends Loss<MultiMarginOptions> {
  override forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, this.options);
  }
}
