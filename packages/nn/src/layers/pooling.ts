import { TapegradError, type Tensor } from '@tapegrad/core';
import { Module } from '../module.js';
import { fmtShape } from '../util.js';

type Pair = number | readonly [number, number];

const requireNchw = (name: string, x: Tensor) => {
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

/** 2-D average pooling over NCHW input (PyTorch's `AvgPool2d`, floor mode). */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options: AvgPool2dLayerOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.countIncludePad = options.countIncludePad ?? true;
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
