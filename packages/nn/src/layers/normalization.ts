import { noGrad, ones, TapegradError, type Tensor, zeros } from '@tapegrad/core';
import { batchNorm } from '../functional/normalization.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, requireFloatDtype, requireInt } from '../util.js';

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

/** Options of {@link BatchNorm1d}; PyTorch's defaults. */
export interface BatchNormLayerOptions {
  eps?: number;
  momentum?: number;
  /** Learn per-channel `weight` (ones) and `bias` (zeros) (default true). */
  affine?: boolean;
  /** Keep running mean and variance for eval mode (default true). */
  trackRunningStats?: boolean;
  dtype?: 'float32' | 'float64';
}

/**
 * Batch normalization over `[N, C]` or `[N, C, L]` per channel. Training mode normalizes with the
 * batch statistics (biased variance) and updates `runningMean`/`runningVar` with `momentum` 0.1
 * (unbiased variance); eval mode normalizes with the running statistics.
 */
export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  runningMean: Tensor | null = null;
  runningVar: Tensor | null = null;
  numBatchesTracked: Tensor | null = null;

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super();
    this.numFeatures = requireInt('BatchNorm1d', 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const dtype = requireFloatDtype('BatchNorm1d', options.dtype ?? 'float32');
    if (options.affine ?? true) {
      this.weight = new Parameter(ones([numFeatures], { dtype }));
      this.bias = new Parameter(zeros([numFeatures], { dtype }));
    }
    if (options.trackRunningStats ?? true) {
      this.registerBuffer('runningMean', zeros([numFeatures], { dtype }));
      this.registerBuffer('runningVar', ones([numFeatures], { dtype }));
      this.registerBuffer('numBatchesTracked', zeros([], { dtype: 'int32' }));
    }
  }

  override forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new TapegradError(
        'BatchNorm1d',
        `expects input [N, ${this.numFeatures}] or [N, ${this.numFeatures}, L], got shape ${fmtShape(x.shape)}.`,
      );
    }
    const tracked = this.numBatchesTracked;
    if (this.training && tracked) noGrad(() => tracked.add_(1));
    return batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: this.training || this.runningMean === null,
      momentum: this.momentum,
      eps: this.eps,
      op: 'BatchNorm1d',
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.runningMean !== null}`;
  }
}
