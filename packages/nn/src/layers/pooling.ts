import { checkOptions, type OptionKeys, TapegradError, type Tensor } from '@tapegrad/core';
import { Module } from '../module.js';
import { fmtShape, layerInput, type Pair, requirePair } from '../util.js';

const requireNchw = (name: string, x: Tensor) => {
  layerInput(name, x);
  if (x.ndim !== 4)
    throw new TapegradError(name, `expects NCHW input (4 axes), got shape ${fmtShape(x.shape)}.`);
};

/** Options of {@link AvgPool2d}; PyTorch's defaults. */
export interface AvgPool2dLayerOptions {
  /** Defaults to `kernelSize`. */
  stride?: Pair;
  padding?: Pair;
  /** Divide by the whole window, padding included (default true), or only by its input cells. */
  countIncludePad?: boolean;
}

const AVG_POOL_KEYS: OptionKeys<AvgPool2dLayerOptions> = {
  stride: true,
  padding: true,
  countIncludePad: true,
};

/** 2-D average pooling over NCHW input (PyTorch's `AvgPool2d`, floor mode). */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options?: AvgPool2dLayerOptions) {
    super();
    const o = checkOptions('AvgPool2d', options, AVG_POOL_KEYS);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.countIncludePad = o.countIncludePad ?? true;
    requirePair('AvgPool2d', 'kernelSize', this.kernelSize, 1);
    requirePair('AvgPool2d', 'stride', this.stride, 1);
    requirePair('AvgPool2d', 'padding', this.padding, 0);
  }

  override forward(x: Tensor): Tensor {
    requireNchw('AvgPool2d', x);
    return x.avgPool2d({
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      countIncludePad: this.countIncludePad,
    });
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}, countIncludePad=${this.countIncludePad}`;
  }
}

/**
 * Average pooling of NCHW input to a fixed `outputSize` whatever the input size (PyTorch's
 * `AdaptiveAvgPool2d`): one number for a square output, or `[oh, ow]` with `null` keeping that
 * input size. `new AdaptiveAvgPool2d(1)` is global average pooling.
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | readonly [number | null, number | null];

  constructor(outputSize: number | readonly [number | null, number | null]) {
    super();
    this.outputSize = outputSize;
  }

  override forward(x: Tensor): Tensor {
    requireNchw('AdaptiveAvgPool2d', x);
    return x.adaptiveAvgPool2d(this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}
