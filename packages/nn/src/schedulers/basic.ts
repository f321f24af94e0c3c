/**
 * StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR: PyTorch 1.13's recursive (chainable)
 * forms, each scaling the group's current lr. Alone, each follows the closed form noted on it.
 */
import { TapegradError } from '@tapegrad/core';
import { requireInt, requireNumber } from '../util.js';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

/** Multiplies the lr by `gamma` every `stepSize` steps; alone, `lr₀·γ^⌊t/stepSize⌋`. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { stepSize: number; gamma?: number }) {
    super('StepLR', optimizer);
    this.stepSize = requireInt('StepLR', 'stepSize', options?.stepSize);
    this.gamma = requireNumber('StepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.initialStep();
  }
  protected nextLr(epoch: number, lr: number): number {
    return epoch > 0 && epoch % this.stepSize === 0 ? lr * this.gamma : lr;
  }
}

/** Multiplies the lr by `gamma` at each milestone (twice for a milestone listed twice); alone, `lr₀·γ^(milestones ≤ t)`. */
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
  protected nextLr(epoch: number, lr: number): number {
    const hits = this.milestones.filter((m) => m === epoch).length;
    return hits === 0 ? lr : lr * this.gamma ** hits;
  }
}

/** Multiplies the lr by `gamma` every step; alone, `lr₀·γ^t`. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { gamma: number }) {
    super('ExponentialLR', optimizer);
    this.gamma = requireNumber('ExponentialLR', 'gamma', options?.gamma, 0);
    this.initialStep();
  }
  protected nextLr(epoch: number, lr: number): number {
    return epoch === 0 ? lr : lr * this.gamma;
  }
}

/**
 * Cosine annealing from lr₀ to `etaMin` over `tMax` steps; alone,
 * `ηmin + (lr₀ − ηmin)(1 + cos(πt/tMax))/2`. Past `tMax` it follows the cosine back up, as PyTorch
 * (no restart, no clamp). Each step rescales the current lr's distance to `etaMin`.
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
  protected nextLr(epoch: number, lr: number, i: number): number {
    if (epoch === 0) return lr;
    const { tMax, etaMin } = this;
    // At the trough (epoch − 1 ≡ tMax mod 2·tMax) the ratio below is 0/0, so PyTorch adds the
    // first step's rise instead. JS's % keeps the dividend's sign, but a multiple of 2·tMax still
    // gives (±)0, so the test matches Python's floored %.
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      return lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    }
    const ratio = (1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax));
    return ratio * (lr - etaMin) + etaMin;
  }
}

/**
 * Scales the lr linearly from `startFactor` (applied at construction) to `endFactor` over
 * `totalIters` steps, then holds it; each step multiplies the current lr by the ratio of
 * consecutive factors.
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
  protected nextLr(epoch: number, lr: number): number {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    if (epoch === 0) return lr * s;
    if (epoch > n) return lr;
    // factor(t)/factor(t−1) with factor(t) = s + (e − s)·t/n, multiplied out by n
    return lr * (1 + (e - s) / (n * s + (epoch - 1) * (e - s)));
  }
}
