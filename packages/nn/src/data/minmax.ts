/** Min-max normalization: `(x − min) / (max − min)`, with the range fitted on training data. */
import { checkOptions, noGrad, type OptionKeys, TapegradError, type Tensor } from '@tapegrad/core';
import { checkFitted, checkSamples, nonZero } from './checks.js';

/** Options for a {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** The target range `[low, high]`; `[0, 1]` by default. */
  featureRange?: readonly [number, number];
  /** One range per feature (the default), or one for all the data with `false`. */
  perFeature?: boolean;
}

const KEYS: OptionKeys<MinMaxScalerOptions> = { featureRange: true, perFeature: true };

/**
 * Scales data linearly so the training data's minimum maps to `featureRange[0]` and its
 * maximum to `featureRange[1]` (per feature by default), as scikit-learn's `MinMaxScaler`. Test
 * data gets the training range, so it may fall slightly outside. A constant feature maps to
 * `featureRange[0]`.
 */
export class MinMaxScaler {
  /** The fitted minimum, or `null` before `fit`. */
  min: Tensor | null = null;
  /** The fitted `max − min` with zeros replaced by ones, or `null` before `fit`. */
  range: Tensor | null = null;
  private readonly low: number;
  private readonly high: number;
  private readonly perFeature: boolean;
  private featureShape: readonly number[] | null = null;

  /** @throws TapegradError if `featureRange` is not two finite numbers, low < high. */
  constructor(options?: MinMaxScalerOptions) {
    options = checkOptions('MinMaxScaler', options, KEYS);
    const range = options.featureRange ?? [0, 1];
    const [low, high] = Array.isArray(range) ? range : [Number.NaN, Number.NaN];
    if (!Number.isFinite(low) || !Number.isFinite(high) || low >= high) {
      throw new TapegradError(
        'MinMaxScaler',
        `featureRange must be two finite numbers [low, high] with low < high, got [${low}, ${high}].`,
      );
    }
    this.low = low;
    this.high = high;
    this.perFeature = options.perFeature ?? true;
  }

  /** Learns the minimum and maximum of `x` (samples along axis 0). */
  fit(x: Tensor): this {
    checkSamples('MinMaxScaler.fit', x, 1);
    noGrad(() => {
      const axis = this.perFeature ? 0 : undefined;
      this.min = x.min(axis);
      this.range = nonZero(x.max(axis).sub(this.min));
    });
    this.featureShape = x.shape.slice(1);
    return this;
  }

  /** `low + (x − min) / (max − min) · (high − low)`; differentiable in `x`. */
  transform(x: Tensor): Tensor {
    checkFitted('MinMaxScaler.transform', this.featureShape, x);
    return x
      .sub(this.min!.to(x.dtype))
      .div(this.range!.to(x.dtype))
      .mul(this.high - this.low)
      .add(this.low);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Undoes {@link MinMaxScaler.transform}. */
  inverseTransform(x: Tensor): Tensor {
    checkFitted('MinMaxScaler.inverseTransform', this.featureShape, x);
    return x
      .sub(this.low)
      .div(this.high - this.low)
      .mul(this.range!.to(x.dtype))
      .add(this.min!.to(x.dtype));
  }
}
