/** Learning-rate schedulers with PyTorch's schedules. */
export { CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, StepLR } from './basic.js';
export { OneCycleLR, type OneCycleOptions } from './one-cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export { LRScheduler, type SchedulableGroup, type SchedulableOptimizer } from './scheduler.js';
