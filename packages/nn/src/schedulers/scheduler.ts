import { TapegradError } from '@tapegrad/core';

/** One parameter group as a scheduler sees it: its live `lr`, the lr it started from, and momentum or betas. */
export interface SchedulableGroup {
  lr: number;
  /** The lr before any scheduler touched it; the first scheduler on the group sets it (PyTorch's `initial_lr`). */
  initialLr?: number;
  momentum?: number;
  betas?: readonly [number, number];
}

/** The part of an optimizer a scheduler drives: each group's `lr` (and momentum or betas). */
export interface SchedulableOptimizer {
  readonly paramGroups: SchedulableGroup[];
}

/**
 * The base of the learning-rate schedulers, as `torch.optim.lr_scheduler.LRScheduler` in PyTorch
 * 1.13: construction gives each group an `initialLr` (its current lr, unless an earlier scheduler set
 * one), takes `baseLrs` from them and applies the schedule at step 0; every `step()` advances one
 * epoch (or batch) and writes the new lr into the groups. Most schedules update the group's current
 * lr recursively, as PyTorch's `get_lr`, so schedulers chain (each scales what the others left) and
 * an lr changed by hand between steps is carried forward.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups are updated. */
  readonly optimizer: SchedulableOptimizer;
  /** Each group's `initialLr` when the scheduler was created. */
  readonly baseLrs: number[];
  /** Number of `step()` calls so far (0 right after construction). */
  lastEpoch = -1;
  #lastLr: number[] = [];

  protected constructor(name: string, optimizer: SchedulableOptimizer) {
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) {
      throw new TapegradError(name, 'needs an optimizer (an object with paramGroups).');
    }
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr ?? g.lr);
  }

  /**
   * The lr of group `i` at epoch `epoch` (= `lastEpoch`), given the group's current `lr`: PyTorch's
   * `get_lr` for one group.
   */
  protected abstract nextLr(epoch: number, lr: number, i: number): number;

  /** Subclasses call this at the end of their constructor: applies the schedule at step 0. */
  protected initialStep(): void {
    this.step();
  }

  /**
   * Makes `lrs` the groups' `initialLr` and the base lrs: for schedules that, as OneCycleLR, replace
   * the optimizer's lr instead of scaling it.
   */
  protected setInitialLrs(lrs: readonly number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.initialLr = lrs[i] ?? g.lr;
      this.baseLrs[i] = g.initialLr;
    });
  }

  /** Advances the schedule by one and sets each group's lr. */
  step(): void {
    this.lastEpoch += 1;
    // every new lr is computed before any is written, as PyTorch's get_lr returns a list
    const next = this.optimizer.paramGroups.map((g, i) => this.nextLr(this.lastEpoch, g.lr, i));
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = next[i]!;
    });
    this.#lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of each group right after the last `step()` (including the one at construction). */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }
}
