import { checkOptions, type OptionKeys, TapegradError } from '@tapegrad/core';
import { requireInt, requireNumber } from '../util.js';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

/** Options of {@link OneCycleLR}; PyTorch's defaults. */
export interface OneCycleOptions {
  /** Peak lr: a number, or one per group. */
  maxLr: number | readonly number[];
  /** Schedule length; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle SGD's momentum (or Adam's beta1) inversely to the lr (true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** Starting lr = maxLr / divFactor (25). */
  divFactor?: number;
  /** Final lr = starting lr / finalDivFactor (1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the start, annihilate) instead of two. */
  threePhase?: boolean;
}

const KEYS: OptionKeys<OneCycleOptions> = {
  maxLr: true,
  totalSteps: true,
  epochs: true,
  stepsPerEpoch: true,
  pctStart: true,
  annealStrategy: true,
  cycleMomentum: true,
  baseMomentum: true,
  maxMomentum: true,
  divFactor: true,
  finalDivFactor: true,
  threePhase: true,
};

interface Phase {
  end: number;
  lr: [string, string];
  momentum: [string, string];
}

type Anchors = Record<string, number>;

/**
 * The 1cycle policy, as PyTorch: the lr rises from maxLr/divFactor to maxLr over the first
 * `pctStart` of the steps, then anneals to (maxLr/divFactor)/finalDivFactor, while momentum (SGD's
 * `momentum` or Adam's beta1) cycles the opposite way between maxMomentum and baseMomentum. It
 * overwrites the optimizer's lr at construction. Phase boundaries are float step numbers.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  readonly #phases: Phase[];
  readonly #anchors: Anchors[];
  readonly #anneal: (a: number, b: number, pct: number) => number;

  constructor(optimizer: SchedulableOptimizer, options: OneCycleOptions) {
    super('OneCycleLR', optimizer);
    const o = checkOptions('OneCycleLR', options, KEYS);
    if (o.totalSteps !== undefined) this.totalSteps = requireInt('OneCycleLR', 'totalSteps', o.totalSteps);
    else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined) {
      this.totalSteps =
        requireInt('OneCycleLR', 'epochs', o.epochs) *
        requireInt('OneCycleLR', 'stepsPerEpoch', o.stepsPerEpoch);
    } else {
      throw new TapegradError('OneCycleLR', 'needs totalSteps, or epochs and stepsPerEpoch.');
    }
    const pct = requireNumber('OneCycleLR', 'pctStart', o.pctStart ?? 0.3, 0, 1);
    const strategy = o.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new TapegradError('OneCycleLR', `annealStrategy must be 'cos' or 'linear', got '${strategy}'.`);
    }
    this.#anneal =
      strategy === 'cos'
        ? (a, b, p) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1)
        : (a, b, p) => (b - a) * p + a;
    const n = this.totalSteps;
    this.#phases = o.threePhase
      ? [
          { end: pct * n - 1, lr: ['initial', 'max'], momentum: ['maxM', 'baseM'] },
          { end: 2 * pct * n - 2, lr: ['max', 'initial'], momentum: ['baseM', 'maxM'] },
          { end: n - 1, lr: ['initial', 'min'], momentum: ['maxM', 'maxM'] },
        ]
      : [
          { end: pct * n - 1, lr: ['initial', 'max'], momentum: ['maxM', 'baseM'] },
          { end: n - 1, lr: ['max', 'min'], momentum: ['baseM', 'maxM'] },
        ];
    const groups = optimizer.paramGroups;
    const maxLrs = typeof o.maxLr === 'number' ? groups.map(() => o.maxLr as number) : [...(o.maxLr ?? [])];
    if (maxLrs.length !== groups.length) {
      throw new TapegradError(
        'OneCycleLR',
        `maxLr has ${maxLrs.length} entries for ${groups.length} parameter groups.`,
      );
    }
    const div = requireNumber('OneCycleLR', 'divFactor', o.divFactor ?? 25, Number.MIN_VALUE);
    const finalDiv = requireNumber('OneCycleLR', 'finalDivFactor', o.finalDivFactor ?? 1e4, Number.MIN_VALUE);
    this.cycleMomentum = o.cycleMomentum ?? true;
    const baseM = requireNumber('OneCycleLR', 'baseMomentum', o.baseMomentum ?? 0.85, 0);
    const maxM = requireNumber('OneCycleLR', 'maxMomentum', o.maxMomentum ?? 0.95, 0);
    if (this.cycleMomentum && !groups.every((g) => 'betas' in g || 'momentum' in g)) {
      throw new TapegradError(
        'OneCycleLR',
        'cycleMomentum is on but the optimizer has neither momentum nor betas; pass { cycleMomentum: false }.',
      );
    }
    this.#anchors = maxLrs.map((m) => {
      const max = requireNumber('OneCycleLR', 'maxLr', m, 0);
      return { initial: max / div, max, min: max / div / finalDiv, baseM, maxM };
    });
    // as PyTorch, the schedule replaces the optimizer's lr, so it also replaces initialLr
    this.setInitialLrs(this.#anchors.map((a) => a.initial!));
    this.initialStep();
  }

  /** Where step `t` falls: the phase and the fraction of it covered. */
  #locate(t: number): [Phase, number] {
    if (t > this.totalSteps) {
      throw new TapegradError(
        'OneCycleLR',
        `tried to step ${t} times, but totalSteps is ${this.totalSteps}. Create the scheduler with more steps.`,
      );
    }
    let start = 0;
    for (let i = 0; i < this.#phases.length; i++) {
      const phase = this.#phases[i]!;
      if (t <= phase.end || i === this.#phases.length - 1) return [phase, (t - start) / (phase.end - start)];
      start = phase.end;
    }
    throw new TapegradError('OneCycleLR', 'has no phases.');
  }

  /** Computed from the schedule alone (the current lr is ignored), as PyTorch's OneCycleLR. */
  protected nextLr(t: number, _lr: number, i: number): number {
    const [phase, pct] = this.#locate(t);
    const a = this.#anchors[i]!;
    if (this.cycleMomentum) {
      const m = this.#anneal(a[phase.momentum[0]]!, a[phase.momentum[1]]!, pct);
      const g = this.optimizer.paramGroups[i]!;
      if (g.betas) g.betas = [m, g.betas[1]];
      else g.momentum = m;
    }
    return this.#anneal(a[phase.lr[0]]!, a[phase.lr[1]]!, pct);
  }
}
