import { checkOptions, type Tensor } from '@tapegrad/core';
import { INTERPOLATE_KEYS, type InterpolateOptions, interpolate } from '../functional/upsample.js';
import { Module } from '../module.js';

/**
 * Nearest-neighbour upsampling (or downsampling) of the spatial axes to `size` or by
 * `scaleFactor`, as `torch.nn.Upsample(mode='nearest')`.
 */
export class Upsample extends Module {
  readonly options: InterpolateOptions;

  constructor(options: InterpolateOptions) {
    super();
    this.options = { ...checkOptions('Upsample', options, INTERPOLATE_KEYS) };
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, this.options, 'Upsample');
  }

  override extraRepr(): string {
    const { size, scaleFactor } = this.options;
    return size !== undefined && size !== null
      ? `size=${JSON.stringify(size)}`
      : `scaleFactor=${JSON.stringify(scaleFactor)}`;
  }
}
