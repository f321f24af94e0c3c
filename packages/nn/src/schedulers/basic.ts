/**
 * StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR: PyTorch 1.13's recursive (chainable)
 * forms, each scaling the group's current lr. Alone, each follows the closed form noted on it.
 */
import { checkOptions, type OptionKeys, TapegradError } from '@tapegrad/core';
import { requireInt, requireNumber } from '../util.js';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Steps between two decays (required). */
  stepSize: number;
  /** The decay factor (default 0.1). */
  gamma?: number;
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** The steps at which the lr decays (required). */
  milestones: readonly number[];
  /** The decay factor (default 0.1). */
  gamma?: number;
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** The factor applied every step (required). */
  gamma: number;
}

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Steps of a half period (required). */
  tMax: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** The factor at step 0 (default 1/3). */
  startFactor?: number;
  /** The factor from `totalIters` on (default 1). */
  endFactor?: number;
  /** Steps from the start factor to the end factor (default 5). */
  totalIters?: number;
}

const STEP_KEYS: OptionKeys<StepLROptions> = { stepSize: true, gamma: true };
const MULTI_STEP_KEYS: OptionKeys<MultiStepLROptions> = { milestones: true, gamma: true };
const EXPONENTIAL_KEYS: OptionKeys<ExponentialLROptions> = { gamma: true };
const COSINE_KEYS: OptionKeys<CosineAnnealingLROptions> = { tMax: true, etaMin: true };
const LINEAR_KEYS: OptionKeys<LinearLROptions> = { startFactor: true, endFactor: true, totalIters: true };

/** Multiplies the lr by `gamma` every `stepSize` steps; alone, `lr₀·γ^⌊t/stepSize⌋`. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: StepLROptions) {
    const o = checkOptions('StepLR', options, STEP_KEYS);
    const stepSize = requireInt('StepLR', 'stepSize', o.stepSize);
    const gamma = requireNumber('StepLR', 'gamma', o.gamma ?? 0.1, 0);
    super('StepLR', optimizer);
    this.stepSize = stepSize;
    this.gamma = gamma;
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
  constructor(optimizer: SchedulableOptimizer, options: MultiStepLROptions) {
    const o = checkOptions('MultiStepLR', options, MULTI_STEP_KEYS);
    if (!Array.isArray(o.milestones)) {
      throw new TapegradError(
        'MultiStepLR',
        `milestones must be an array of step numbers, got ${String(o.milestones)}.`,
      );
    }
    const milestones = [...o.milestones].sort((a, b) => a - b);
    milestones.forEach((m) => requireInt('MultiStepLR', 'milestone', m, 0));
    const gamma = requireNumber('MultiStepLR', 'gamma', o.gamma ?? 0.1, 0);
    super('MultiStepLR', optimizer);
    this.milestones = milestones;
    this.gamma = gamma;
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
  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions) {
    const gamma = requireNumber(
      'ExponentialLR',
      'gamma',
      checkOptions('ExponentialLR', options, EXPONENTIAL_KEYS).gamma,
      0,
    );
    super('ExponentialLR', optimizer);
    this.gamma = gamma;
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
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions) {
    const o = checkOptions('CosineAnnealingLR', options, COSINE_KEYS);
    const tMax = requireInt('CosineAnnealingLR', 'tMax', o.tMax);
    const etaMin = requireNumber('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0, 0);
    super('CosineAnnealingLR', optimizer);
    this.tMax = tMax;
    this.etaMin = etaMin;
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
  constructor(optimizer: SchedulableOptimizer, options?: LinearLROptions) {
    const o = checkOptions('LinearLR', options, LINEAR_KEYS);
    const startFactor = requireNumber('LinearLR', 'startFactor', o.startFactor ?? 1 / 3, Number.MIN_VALUE, 1);
    const endFactor = requireNumber('LinearLR', 'endFactor', o.endFactor ?? 1, 0, 1);
    const totalIters = requireInt('LinearLR', 'totalIters', o.totalIters ?? 5);
    super('LinearLR', optimizer);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
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
