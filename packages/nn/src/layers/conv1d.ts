import { checkOptions, type OptionKeys, TapegradError, type Tensor, zeros } from '@tapegrad/core';
import { kaimingUniform, uniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, layerInput, requireFloatDtype, requireInt } from '../util.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of {@link Conv1d}. */
export interface Conv1dLayerOptions extends LayerOptions {
  stride?: number;
  padding?: number;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
}

const CONV1D_KEYS: OptionKeys<Conv1dLayerOptions> = {
  ...LAYER_KEYS,
  stride: true,
  padding: true,
  bias: true,
};

/**
 * 1-D cross-correlation over `[N, C, L]` (or unbatched `[C, L]`) input: weight
 * `[outChannels, inChannels, kernelSize]`, bias `[outChannels]`, initialized as PyTorch (uniform in
 * ±1/√(inChannels·kernelSize)).
 */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: Conv1dLayerOptions) {
    super();
    const o = checkOptions('Conv1d', options, CONV1D_KEYS);
    this.inChannels = requireInt('Conv1d', 'inChannels', inChannels);
    this.outChannels = requireInt('Conv1d', 'outChannels', outChannels);
    this.kernelSize = requireInt('Conv1d', 'kernelSize', kernelSize);
    this.stride = requireInt('Conv1d', 'stride', o.stride ?? 1);
    this.padding = requireInt('Conv1d', 'padding', o.padding ?? 0, 0);
    const dtype = requireFloatDtype('Conv1d', o.dtype ?? 'float32');
    const { generator } = o;
    this.weight = new Parameter(zeros([outChannels, inChannels, kernelSize], { dtype }));
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator });
    this.bias = null;
    if (o.bias ?? true) {
      const bound = 1 / Math.sqrt(inChannels * kernelSize);
      this.bias = new Parameter(zeros([outChannels], { dtype }));
      uniform(this.bias, -bound, bound, { generator });
    }
  }

  override forward(x: Tensor): Tensor {
    layerInput('Conv1d', x, this.weight.dtype);
    if ((x.ndim !== 3 && x.ndim !== 2) || x.shape[x.ndim - 2] !== this.inChannels) {
      throw new TapegradError(
        'Conv1d',
        `expects input [N, ${this.inChannels}, L] or [${this.inChannels}, L], got shape ${fmtShape(x.shape)}.`,
      );
    }
    return x.conv1d(this.weight, { bias: this.bias, stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, bias=${this.bias !== null}`;
  }
}
