import { noGrad, ones, TapegradError, type Tensor, zeros } from '@tapegrad/core';
import { batchNorm } from '../functional/normalization.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, requireFloatDtype, requireInt, requireNumber } from '../util.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the bias when affine (default true). */
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

/** Layer normalization over the trailing `normalizedShape` axes, with an optional learned affine. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null = null;
  bias: Parameter | null = null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((d) => requireInt('LayerNorm', 'normalizedShape', d));
    this.eps = options.eps ?? 1e-5;
    const dtype = requireFloatDtype('LayerNorm', options.dtype ?? 'float32');
    if (options.elementwiseAffine ?? true) {
      this.weight = new Parameter(ones(this.normalizedShape, { dtype }));
      if (options.bias ?? true) this.bias = new Parameter(zeros(this.normalizedShape, { dtype }));
    }
  }

  override forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new TapegradError(
        'LayerNorm',
        `input shape ${fmtShape(x.shape)} must end with normalizedShape ${fmtShape(this.normalizedShape)}.`,
      );
    }
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

  constructor(name: string, numFeatures: number, options: BatchNormLayerOptions) {
    super();
    this.numFeatures = requireInt(name, 'numFeatures', numFeatures);
    this.eps = requireNumber(name, 'eps', options.eps ?? 1e-5, 0);
    this.momentum =
      options.momentum === null ? null : requireNumber(name, 'momentum', options.momentum ?? 0.1, 0, 1);
    const dtype = requireFloatDtype(name, options.dtype ?? 'float32');
    if (options.affine ?? true) {
      this.weight = new Parameter(ones([numFeatures], { dtype }));
      this.bias = new Parameter(zeros([numFeatures], { dtype }));
    }
    if (options.trackRunningStats ?? true) {
      this.registerBuffer('runningMean', zeros([numFeatures], { dtype }), { key: 'running_mean' });
      this.registerBuffer('runningVar', ones([numFeatures], { dtype }), { key: 'running_var' });
      this.registerBuffer('numBatchesTracked', zeros([], { dtype: 'int32' }), { key: 'num_batches_tracked' });
    }
  }

  override forward(x: Tensor): Tensor {
    const { name, ranks, describe } = this.layout;
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
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
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
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super('BatchNorm2d', numFeatures, options);
  }
}
