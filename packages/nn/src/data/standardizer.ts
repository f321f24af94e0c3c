/** Z-score standardization: `(x − mean) / std`, with the statistics fitted on training data. */
import { checkOptions, noGrad, type OptionKeys, type Tensor } from '@tapegrad/core';
import { checkFitted, checkSamples, nonZero } from './checks.js';

/** Options for a {@link Standardizer}. */
export interface StandardizerOptions {
  /**
   * One mean and standard deviation per feature (per element of a sample), as scikit-learn's
   * `StandardScaler` (the default); `false` uses one of each for all the data, as the usual
   * MNIST normalization by 0.1307 and 0.3081.
   */
  perFeature?: boolean;
}

const KEYS: OptionKeys<StandardizerOptions> = { perFeature: true };

/**
 * Standardizes data to zero mean and unit variance: `fit` learns the mean and (population)
 * standard deviation of the training data along axis 0, `transform` applies them to any data —
 * test data gets the training statistics, never its own. A constant feature (standard deviation
 * 0) is only centred.
 *
 * @example
 * ```ts
 * const scaler = new Standardizer();
 * const xTrain = scaler.fitTransform(trainImages);   // [N, 784]
 * const xTest = scaler.transform(testImages);        // train statistics
 * ```
 */
export class Standardizer {
  /** The fitted mean (shaped like one sample, or 0-d), or `null` before `fit`. */
  mean: Tensor | null = null;
  /** The fitted standard deviation with zeros replaced by ones, or `null` before `fit`. */
  std: Tensor | null = null;
  private readonly perFeature: boolean;
  private featureShape: readonly number[] | null = null;

  constructor(options?: StandardizerOptions) {
    this.perFeature = checkOptions('Standardizer', options, KEYS).perFeature ?? true;
  }

  /** Learns the mean and standard deviation of `x` (samples along axis 0). */
  fit(x: Tensor): this {
    checkSamples('Standardizer.fit', x, 1);
    noGrad(() => {
      const axis = this.perFeature ? 0 : undefined;
      this.mean = x.mean(axis);
      this.std = nonZero(x.std(axis, false, { unbiased: false }));
    });
    this.featureShape = x.shape.slice(1);
    return this;
  }

  /** `(x − mean) / std` with the fitted statistics; differentiable in `x`. */
  transform(x: Tensor): Tensor {
    checkFitted('Standardizer.transform', this.featureShape, x);
    return x.sub(this.mean!.to(x.dtype)).div(this.std!.to(x.dtype));
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** `x · std + mean`: undoes {@link Standardizer.transform}. */
  inverseTransform(x: Tensor): Tensor {
    checkFitted('Standardizer.inverseTransform', this.featureShape, x);
    return x.mul(this.std!.to(x.dtype)).add(this.mean!.to(x.dtype));
  }
}
