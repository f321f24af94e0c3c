/** Learning-rate schedulers with PyTorch's schedules. */
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  ExponentialLR,
  type ExponentialLROptions,
  LinearLR,
  type LinearLROptions,
  MultiStepLR,
  type MultiStepLROptions,
  StepLR,
  type StepLROptions,
} from './basic.js';
export { OneCycleLR, type OneCycleOptions } from './one-cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export { LRScheduler, type SchedulableGroup, type SchedulableOptimizer } from './scheduler.js';
