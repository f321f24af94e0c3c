import { checkOptions, type OptionKeys, TapegradError, type Tensor, zeros } from '@tapegrad/core';
import { kaimingUniform, uniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, layerInput, type Pair, requireFloatDtype, requireInt, requirePair } from '../util.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of {@link ConvTranspose2d}. */
export interface ConvTranspose2dLayerOptions extends LayerOptions {
  stride?: Pair;
  padding?: Pair;
  /** Extra rows and columns on the bottom and right of the output; less than the stride. */
  outputPadding?: Pair;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
}

const KEYS: OptionKeys<ConvTranspose2dLayerOptions> = {
  ...LAYER_KEYS,
  stride: true,
  padding: true,
  outputPadding: true,
  bias: true,
};

/**
 * Transposed 2-D convolution over NCHW input (the adjoint of Conv2d, used to upsample): weight
 * `[inChannels, outChannels, kh, kw]` (PyTorch's layout), bias `[outChannels]`. Output size
 * `(H − 1)·stride − 2·padding + kh + outputPadding`. Initialized as PyTorch: Kaiming uniform with
 * a = √5 over the fan of `outChannels·kh·kw`, and the bias uniform in ±1/√(outChannels·kh·kw).
 */
export class ConvTranspose2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options?: ConvTranspose2dLayerOptions,
  ) {
    super();
    const op = 'ConvTranspose2d';
    const o = checkOptions(op, options, KEYS);
    this.inChannels = requireInt(op, 'inChannels', inChannels);
    this.outChannels = requireInt(op, 'outChannels', outChannels);
    this.kernelSize = requirePair(op, 'kernelSize', kernelSize, 1);
    this.stride = requirePair(op, 'stride', o.stride ?? 1, 1);
    this.padding = requirePair(op, 'padding', o.padding ?? 0, 0);
    this.outputPadding = requirePair(op, 'outputPadding', o.outputPadding ?? 0, 0);
    const dtype = requireFloatDtype(op, o.dtype ?? 'float32');
    const { generator } = o;
    this.weight = new Parameter(zeros([inChannels, outChannels, ...this.kernelSize], { dtype }));
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator });
    this.bias = null;
    if (o.bias ?? true) {
      const bound = 1 / Math.sqrt(outChannels * this.kernelSize[0] * this.kernelSize[1]);
      this.bias = new Parameter(zeros([outChannels], { dtype }));
      uniform(this.bias, -bound, bound, { generator });
    }
  }

  override forward(x: Tensor): Tensor {
    layerInput('ConvTranspose2d', x, this.weight.dtype);
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new TapegradError(
        'ConvTranspose2d',
        `expects input [N, ${this.inChannels}, H, W] (NCHW with inChannels=${this.inChannels}), got shape ${fmtShape(x.shape)}.`,
      );
    }
    return x.convTranspose2d(this.weight, {
      bias: this.bias,
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
    });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}], outputPadding=[${this.outputPadding}], bias=${this.bias !== null}`;
  }
}
