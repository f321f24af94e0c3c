import type { Tensor } from '@tapegrad/core';
import { Module } from '../module.js';
import { layerInput } from '../util.js';

/** Flattens axes `startAxis..endAxis` into one; by default all but the batch axis (PyTorch's). */
export class Flatten extends Module {
  constructor(
    readonly startAxis = 1,
    readonly endAxis = -1,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return layerInput('Flatten', x).flatten(this.startAxis, this.endAxis);
  }

  override extraRepr(): string {
    return `startAxis=${this.startAxis}, endAxis=${this.endAxis}`;
  }
}
