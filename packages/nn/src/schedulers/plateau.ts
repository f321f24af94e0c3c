/** ReduceLROnPlateau: lowers the learning rate when a watched metric stops improving. */
import { checkOptions, type OptionKeys, TapegradError } from '@tapegrad/core';
import { requireInt, requireNumber } from '../util.js';
import type { SchedulableOptimizer } from './scheduler.js';

/** Options of {@link ReduceLROnPlateau}; PyTorch's names (camelCase) and defaults. */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): lower is better, e.g. a loss; `'max'`: higher is better, e.g. accuracy. */
  mode?: 'min' | 'max';
  /** New lr = lr · factor (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better counts as an improvement (default 1e-4), read by `thresholdMode`. */
  threshold?: number;
  /** `'rel'` (default): better than best·(1 ∓ threshold); `'abs'`: better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** A lower bound on the lr: one number for all groups, or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Changes of the lr smaller than this are skipped (default 1e-8). */
  eps?: number;
}

const OP = 'ReduceLROnPlateau';
const KEYS: OptionKeys<ReduceLROnPlateauOptions> = {
  mode: true,
  factor: true,
  patience: true,
  threshold: true,
  thresholdMode: true,
  cooldown: true,
  minLr: true,
  eps: true,
};

/**
 * Multiplies each group's lr by `factor` once the metric passed to `step(metric)` has not improved
 * for more than `patience` epochs, then waits `cooldown` epochs before counting again, as PyTorch
 * 1.13's `ReduceLROnPlateau`. Unlike the other schedulers it leaves the lr alone at construction.
 */
export class ReduceLROnPlateau {
  readonly optimizer: SchedulableOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement (reset by a reduction and during cooldown). */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step()` calls so far. */
  lastEpoch = 0;
  #lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, options?: ReduceLROnPlateauOptions) {
    options = checkOptions(OP, options, KEYS);
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) {
      throw new TapegradError(OP, 'needs an optimizer (an object with paramGroups).');
    }
    this.optimizer = optimizer;
    this.mode = oneOf('mode', options.mode ?? 'min', ['min', 'max']);
    this.thresholdMode = oneOf('thresholdMode', options.thresholdMode ?? 'rel', ['rel', 'abs']);
    this.factor = requireNumber(OP, 'factor', options.factor ?? 0.1, 0);
    if (this.factor >= 1) throw new TapegradError(OP, `factor must be < 1, got ${this.factor}.`);
    this.patience = requireInt(OP, 'patience', options.patience ?? 10, 0);
    this.threshold = requireNumber(OP, 'threshold', options.threshold ?? 1e-4);
    this.cooldown = requireInt(OP, 'cooldown', options.cooldown ?? 0, 0);
    this.eps = requireNumber(OP, 'eps', options.eps ?? 1e-8);
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr !== 'number' && !Array.isArray(minLr)) {
      throw new TapegradError(
        OP,
        `minLr must be a number or one per parameter group, got ${JSON.stringify(minLr)}.`,
      );
    }
    if (typeof minLr !== 'number' && minLr.length !== groups) {
      throw new TapegradError(OP, `minLr lists ${minLr.length} values for ${groups} parameter groups.`);
    }
    this.minLrs = Array.from({ length: groups }, (_, i) =>
      requireNumber(OP, 'minLr', typeof minLr === 'number' ? minLr : minLr[i]!, 0),
    );
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.#lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Whether `metric` improves on `best` by more than the threshold. */
  isBetter(metric: number, best: number): boolean {
    const { mode, thresholdMode: tm, threshold: t } = this;
    if (mode === 'min') return tm === 'rel' ? metric < best * (1 - t) : metric < best - t;
    return tm === 'rel' ? metric > best * (t + 1) : metric > best + t;
  }

  /** Records one epoch's `metric` and reduces the lr if it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) {
      throw new TapegradError(OP, `step(metric) needs the epoch's metric as a number, got ${metric}.`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const lr = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - lr > this.eps) g.lr = lr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.#lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of each group after the last `step()` (the optimizer's lrs before the first). */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }
}

function oneOf<T extends string>(name: string, v: T, allowed: readonly T[]): T {
  if (!allowed.includes(v)) {
    throw new TapegradError(
      OP,
      `${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got '${String(v)}'.`,
    );
  }
  return v;
}
