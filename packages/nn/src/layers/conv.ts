import { TapegradError, type Tensor, zeros } from '@tapegrad/core';
import { kaimingUniform, uniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, requireFloatDtype, requireInt } from '../util.js';
import type { LayerOptions } from './options.js';

type Pair = number | readonly [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions extends LayerOptions {
  stride?: Pair;
  padding?: Pair;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
}

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

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super();
    this.inChannels = requireInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = requireInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = pair(kernelSize);
    this.kernelSize.forEach((k) => requireInt('Conv2d', 'kernelSize', k));
    this.stride = pair(options.stride ?? 1);
    this.padding = pair(options.padding ?? 0);
    const dtype = requireFloatDtype('Conv2d', options.dtype ?? 'float32');
    const { generator } = options;
    this.weight = new Parameter(zeros([outChannels, inChannels, ...this.kernelSize], { dtype }));
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator });
    this.bias = null;
    if (options.bias ?? true) {
      const bound = 1 / Math.sqrt(inChannels * this.kernelSize[0] * this.kernelSize[1]);
      this.bias = new Parameter(zeros([outChannels], { dtype }));
      uniform(this.bias, -bound, bound, { generator });
    }
  }

  override forward(x: Tensor): Tensor {
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

  constructor(kernelSize: Pair, options: { stride?: Pair; padding?: Pair } = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim !== 4) {
      throw new TapegradError('MaxPool2d', `expects NCHW input (4 axes), got shape ${fmtShape(x.shape)}.`);
    }
    return x.maxPool2d({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}`;
  }
}
