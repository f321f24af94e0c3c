import { checkOptions, type OptionKeys, type Tensor, zeros } from '@tapegrad/core';
import { linear } from '../functional/linear.js';
import { kaimingUniform, uniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { layerInput, requireFloatDtype, requireInt } from '../util.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of {@link Linear}. */
export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

const LINEAR_KEYS: OptionKeys<LinearOptions> = { ...LAYER_KEYS, bias: true };

/**
 * `y = x Wᵀ + b` over the last axis, with `weight` `[outFeatures, inFeatures]` and `bias`
 * `[outFeatures]` (PyTorch's layout). Initialized as PyTorch: weight and bias uniform in
 * (−1/√inFeatures, 1/√inFeatures), i.e. Kaiming uniform with a = √5.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions) {
    super();
    options = checkOptions('Linear', options, LINEAR_KEYS);
    this.inFeatures = requireInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = requireInt('Linear', 'outFeatures', outFeatures);
    const dtype = requireFloatDtype('Linear', options.dtype ?? 'float32');
    const { generator } = options;
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator });
    this.bias = null;
    if (options.bias ?? true) {
      const bound = 1 / Math.sqrt(inFeatures);
      this.bias = new Parameter(zeros([outFeatures], { dtype }));
      uniform(this.bias, -bound, bound, { generator });
    }
  }

  override forward(x: Tensor): Tensor {
    return linear(layerInput('Linear', x, this.weight.dtype), this.weight, this.bias, 'Linear');
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
