import { TapegradError } from '@tapegrad/core';

/** The part of an optimizer a scheduler drives: each group's `lr` (and momentum or betas). */
export interface SchedulableOptimizer {
  readonly paramGroups: { lr: number; momentum?: number; betas?: readonly [number, number] }[];
}

/**
 * The base of the learning-rate schedulers, as `torch.optim.lr_scheduler.LRScheduler`: construction
 * records each group's base lr and applies the schedule at step 0; every `step()` advances one
 * epoch (or batch) and writes the new lr into the optimizer's groups. Rates come from closed
 * forms of the step count, which agree with PyTorch's recursive updates to rounding.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups are updated. */
  readonly optimizer: SchedulableOptimizer;
  /** Each group's lr when the scheduler was created. */
  readonly baseLrs: number[];
  /** Number of `step()` calls so far (0 right after construction). */
  lastEpoch = -1;
  #lastLr: number[] = [];

  protected constructor(name: string, optimizer: SchedulableOptimizer) {
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) {
      throw new TapegradError(name, 'needs an optimizer (an object with paramGroups).');
    }
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of group `i` after `t` steps. */
  protected abstract lrAt(t: number, i: number): number;

  /** Subclasses call this at the end of their constructor: applies the schedule at step 0. */
  protected initialStep(): void {
    this.step();
  }

  /** Advances the schedule by one and sets each group's lr. */
  step(): void {
    this.lastEpoch += 1;
    this.#lastLr = this.optimizer.paramGroups.map((g, i) => {
      g.lr = this.lrAt(this.lastEpoch, i);
      return g.lr;
    });
  }

  /** The lr of each group as last set by the scheduler. */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }
}
