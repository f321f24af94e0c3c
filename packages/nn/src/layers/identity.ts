import type { Tensor } from '@tapegrad/core';
import { Module } from '../module.js';

/**
 * Returns its input unchanged (PyTorch's `Identity`): a placeholder where an architecture
 * switches a layer off, e.g. `useNorm ? new LayerNorm(d) : new Identity()`.
 */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}
