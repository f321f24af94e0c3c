import { checkOptions, type OptionKeys, TapegradError, type Tensor, zeros } from '@tapegrad/core';
import { kaimingUniform, uniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, layerInput, type Pair, requireFloatDtype, requireInt, requirePair } from '../util.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions extends LayerOptions {
  stride?: Pair;
  padding?: Pair;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
}

const CONV2D_KEYS: OptionKeys<Conv2dLayerOptions> = {
  ...LAYER_KEYS,
  stride: true,
  padding: true,
  bias: true,
};

/** Options of {@link MaxPool2d}. */
export interface MaxPool2dLayerOptions {
  /** Window step (default the kernel size). */
  stride?: Pair;
  /** Implicit −∞ padding on each side (default 0). */
  padding?: Pair;
}

const MAX_POOL_KEYS: OptionKeys<MaxPool2dLayerOptions> = { stride: true, padding: true };

/**
 * 2-D cross-correlation over NCHW input: weight `[outChannels, inChannels, kh, kw]`, bias
 * `[outChannels]`, initialized as PyTorch (uniform in ±1/√(inChannels·kh·kw)).
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dLayerOptions) {
    super();
    const o = checkOptions('Conv2d', options, CONV2D_KEYS);
    this.inChannels = requireInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = requireInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = requirePair('Conv2d', 'kernelSize', kernelSize, 1);
    this.stride = requirePair('Conv2d', 'stride', o.stride ?? 1, 1);
    this.padding = requirePair('Conv2d', 'padding', o.padding ?? 0, 0);
    const dtype = requireFloatDtype('Conv2d', o.dtype ?? 'float32');
    const { generator } = o;
    this.weight = new Parameter(zeros([outChannels, inChannels, ...this.kernelSize], { dtype }));
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator });
    this.bias = null;
    if (o.bias ?? true) {
      const bound = 1 / Math.sqrt(inChannels * this.kernelSize[0] * this.kernelSize[1]);
      this.bias = new Parameter(zeros([outChannels], { dtype }));
      uniform(this.bias, -bound, bound, { generator });
    }
  }

  override forward(x: Tensor): Tensor {
    layerInput('Conv2d', x, this.weight.dtype);
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new TapegradError(
        'Conv2d',
        `expects input [N, ${this.inChannels}, H, W] (NCHW with inChannels=${this.inChannels}), got shape ${fmtShape(x.shape)}.`,
      );
    }
    return x.conv2d(this.weight, { bias: this.bias, stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}], bias=${this.bias !== null}`;
  }
}

/** 2-D max pooling over NCHW input; `stride` defaults to `kernelSize`. */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;

  constructor(kernelSize: Pair, options?: MaxPool2dLayerOptions) {
    super();
    const o = checkOptions('MaxPool2d', options, MAX_POOL_KEYS);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    requirePair('MaxPool2d', 'kernelSize', this.kernelSize, 1);
    requirePair('MaxPool2d', 'stride', this.stride, 1);
    requirePair('MaxPool2d', 'padding', this.padding, 0);
  }

  override forward(x: Tensor): Tensor {
    layerInput('MaxPool2d', x);
    if (x.ndim !== 4) {
      throw new TapegradError('MaxPool2d', `expects NCHW input (4 axes), got shape ${fmtShape(x.shape)}.`);
    }
    return x.maxPool2d({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}`;
  }
}
