import {
  checkOptions,
  noGrad,
  type OptionKeys,
  ones,
  requireFinite,
  TapegradError,
  type Tensor,
  zeros,
} from '@tapegrad/core';
import { batchNorm } from '../functional/normalization.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, layerInput, requireFloatDtype, requireInt } from '../util.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the bias when affine (default true). */
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

const LAYER_NORM_KEYS: OptionKeys<LayerNormOptions> = {
  eps: true,
  elementwiseAffine: true,
  bias: true,
  dtype: true,
};

/** Layer normalization over the trailing `normalizedShape` axes, with an optional learned affine. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null = null;
  bias: Parameter | null = null;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions) {
    super();
    const o = checkOptions('LayerNorm', options, LAYER_NORM_KEYS);
    if (typeof normalizedShape !== 'number' && !Array.isArray(normalizedShape)) {
      throw new TapegradError(
        'LayerNorm',
        `normalizedShape must be an integer or an array of integers, got ${JSON.stringify(normalizedShape) ?? String(normalizedShape)}.`,
      );
    }
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((d) => requireInt('LayerNorm', 'normalizedShape', d));
    this.eps = requireFinite('LayerNorm', 'eps', o.eps ?? 1e-5, 0);
    const dtype = requireFloatDtype('LayerNorm', o.dtype ?? 'float32');
    if (o.elementwiseAffine ?? true) {
      this.weight = new Parameter(ones(this.normalizedShape, { dtype }));
      if (o.bias ?? true) this.bias = new Parameter(zeros(this.normalizedShape, { dtype }));
    }
  }

  override forward(x: Tensor): Tensor {
    layerInput('LayerNorm', x);
    const k = this.normalizedShape.length;
    if (x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new TapegradError(
        'LayerNorm',
        `input shape ${fmtShape(x.shape)} must end with normalizedShape ${fmtShape(this.normalizedShape)}.`,
      );
    }
    layerInput('LayerNorm', x, this.weight?.dtype);
    return x.layerNorm(this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}; PyTorch's defaults. */
export interface BatchNormLayerOptions {
  eps?: number;
  /**
   * Weight of the newest batch in the running statistics (default 0.1); `null` for a cumulative
   * average over all batches seen (PyTorch's `momentum=None`).
   */
  momentum?: number | null;
  /** Learn per-channel `weight` (ones) and `bias` (zeros) (default true). */
  affine?: boolean;
  /** Keep running mean and variance for eval mode (default true). */
  trackRunningStats?: boolean;
  dtype?: 'float32' | 'float64';
}

const BATCH_NORM_KEYS: OptionKeys<BatchNormLayerOptions> = {
  eps: true,
  momentum: true,
  affine: true,
  trackRunningStats: true,
  dtype: true,
};

/**
 * Batch normalization per channel (axis 1), shared by {@link BatchNorm1d} and {@link BatchNorm2d}.
 * Training mode normalizes with the batch statistics (biased variance) and moves the running
 * statistics towards the batch mean and **unbiased** variance; eval mode normalizes with the
 * running statistics. State-dict names are PyTorch's: `weight`, `bias`, `running_mean`,
 * `running_var`, `num_batches_tracked`.
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  runningMean: Tensor | null = null;
  runningVar: Tensor | null = null;
  numBatchesTracked: Tensor | null = null;

  /** The layer's name and the input layouts it accepts, for errors. */
  protected abstract readonly layout: {
    name: string;
    ranks: readonly number[];
    /** The accepted input shapes for `channels` channels, in words. */
    describe: (channels: number) => string;
  };

  constructor(name: string, numFeatures: number, options: BatchNormLayerOptions | undefined) {
    super();
    const o = checkOptions(name, options, BATCH_NORM_KEYS);
    this.numFeatures = requireInt(name, 'numFeatures', numFeatures);
    this.eps = requireFinite(name, 'eps', o.eps ?? 1e-5, 0);
    this.momentum = o.momentum === null ? null : requireFinite(name, 'momentum', o.momentum ?? 0.1, 0, 1);
    const dtype = requireFloatDtype(name, o.dtype ?? 'float32');
    if (o.affine ?? true) {
      this.weight = new Parameter(ones([numFeatures], { dtype }));
      this.bias = new Parameter(zeros([numFeatures], { dtype }));
    }
    if (o.trackRunningStats ?? true) {
      this.registerBuffer('runningMean', zeros([numFeatures], { dtype }), { key: 'running_mean' });
      this.registerBuffer('runningVar', ones([numFeatures], { dtype }), { key: 'running_var' });
      this.registerBuffer('numBatchesTracked', zeros([], { dtype: 'int32' }), { key: 'num_batches_tracked' });
    }
  }

  override forward(x: Tensor): Tensor {
    const { name, ranks, describe } = this.layout;
    layerInput(name, x);
    if (!ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new TapegradError(
        name,
        `expects input ${describe(this.numFeatures)}, got shape ${fmtShape(x.shape)}.`,
      );
    }
    const tracked = this.numBatchesTracked;
    if (this.training && tracked) noGrad(() => tracked.add_(1));
    // momentum null: the cumulative average, 1/n for the n-th batch (PyTorch's momentum=None).
    const momentum = this.momentum ?? (tracked ? 1 / tracked.item() : 0);
    layerInput(name, x, (this.weight ?? this.runningMean)?.dtype);
    return batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: this.training || this.runningMean === null,
      momentum,
      eps: this.eps,
      op: name,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.runningMean !== null}`;
  }
}

/** Batch normalization over `[N, C]` or `[N, C, L]` per channel (running statistics in training, as PyTorch). */
export class BatchNorm1d extends BatchNormBase {
  protected override readonly layout = {
    name: 'BatchNorm1d',
    ranks: [2, 3],
    /** The accepted input shapes, in words. */
    describe: (c: number) => `[N, ${c}] or [N, ${c}, L]`,
  };
  constructor(numFeatures: number, options?: BatchNormLayerOptions) {
    super('BatchNorm1d', numFeatures, options);
  }
}

/** Batch normalization over NCHW input `[N, C, H, W]` per channel (running statistics in training, as PyTorch). */
export class BatchNorm2d extends BatchNormBase {
  protected override readonly layout = {
    name: 'BatchNorm2d',
    ranks: [4],
    /** The accepted input shapes, in words. */
    describe: (c: number) => `[N, ${c}, H, W]`,
  };
  constructor(numFeatures: number, options?: BatchNormLayerOptions) {
    super('BatchNorm2d', numFeatures, options);
  }
}
