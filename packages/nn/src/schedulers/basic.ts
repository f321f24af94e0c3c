/** Schedulers with closed forms in the step count t: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR. */
import { TapegradError } from '@tapegrad/core';
import { requireInt, requireNumber } from '../util.js';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

/** Decays the lr by `gamma` every `stepSize` steps: `lr₀·γ^⌊t/stepSize⌋`. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { stepSize: number; gamma?: number }) {
    super('StepLR', optimizer);
    this.stepSize = requireInt('StepLR', 'stepSize', options?.stepSize);
    this.gamma = requireNumber('StepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.initialStep();
  }
  protected lrAt(t: number, i: number): number {
    return this.baseLrs[i]! * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/** Decays the lr by `gamma` at each milestone: `lr₀·γ^(milestones ≤ t)`. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { milestones: readonly number[]; gamma?: number }) {
    super('MultiStepLR', optimizer);
    if (!Array.isArray(options?.milestones)) {
      throw new TapegradError(
        'MultiStepLR',
        `milestones must be an array of step numbers, got ${options?.milestones}.`,
      );
    }
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.milestones.forEach((m) => requireInt('MultiStepLR', 'milestone', m, 0));
    this.gamma = requireNumber('MultiStepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.initialStep();
  }
  protected lrAt(t: number, i: number): number {
    return this.baseLrs[i]! * this.gamma ** this.milestones.filter((m) => m <= t).length;
  }
}

/** Decays the lr by `gamma` every step: `lr₀·γ^t`. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { gamma: number }) {
    super('ExponentialLR', optimizer);
    this.gamma = requireNumber('ExponentialLR', 'gamma', options?.gamma, 0);
    this.initialStep();
  }
  protected lrAt(t: number, i: number): number {
    return this.baseLrs[i]! * this.gamma ** t;
  }
}

/**
 * Cosine annealing from lr₀ to `etaMin` over `tMax` steps: `ηmin + (lr₀ − ηmin)(1 + cos(πt/tMax))/2`.
 * Past `tMax` it follows the cosine back up, as PyTorch (no restart, no clamp).
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: SchedulableOptimizer, options: { tMax: number; etaMin?: number }) {
    super('CosineAnnealingLR', optimizer);
    this.tMax = requireInt('CosineAnnealingLR', 'tMax', options?.tMax);
    this.etaMin = requireNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 0);
    this.initialStep();
  }
  protected lrAt(t: number, i: number): number {
    return this.etaMin + ((this.baseLrs[i]! - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }
}

/**
 * Scales the lr linearly from `startFactor` (applied at construction) to `endFactor` over
 * `totalIters` steps, then holds it.
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(
    optimizer: SchedulableOptimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super('LinearLR', optimizer);
    this.startFactor = requireNumber(
      'LinearLR',
      'startFactor',
      options.startFactor ?? 1 / 3,
      Number.MIN_VALUE,
      1,
    );
    this.endFactor = requireNumber('LinearLR', 'endFactor', options.endFactor ?? 1, 0, 1);
    this.totalIters = requireInt('LinearLR', 'totalIters', options.totalIters ?? 5);
    this.initialStep();
  }
  protected lrAt(t: number, i: number): number {
    const f =
      this.startFactor +
      ((this.endFactor - this.startFactor) * Math.min(t, this.totalIters)) / this.totalIters;
    return this.baseLrs[i]! * f;
  }
}
