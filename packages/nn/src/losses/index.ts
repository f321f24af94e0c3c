/** Loss functions `loss(input, target, options)`, PyTorch's definitions and reductions. */
export { type BceOptions, type BceWithLogitsOptions, bceWithLogits, binaryCrossEntropy } from './binary.js';
export { type CrossEntropyOptions, crossEntropy, type NllLossOptions, nllLoss } from './classification.js';
export { type KlDivOptions, klDiv } from './kl.js';
export { type MultiMarginOptions, multiMarginLoss } from './margin.js';
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  Loss,
  MSELoss,
  MultiMarginLoss,
  NLLLoss,
  SmoothL1Loss,
} from './modules.js';
export type { Reduction, ReductionOptions } from './reduction.js';
export {
  type HuberLossOptions,
  huberLoss,
  l1Loss,
  mseLoss,
  type SmoothL1LossOptions,
  smoothL1Loss,
} from './regression.js';
