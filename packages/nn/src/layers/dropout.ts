import type { Generator, Tensor } from '@tapegrad/core';
import { checkDropoutP, dropout } from '../functional/dropout.js';
import { Module } from '../module.js';

/**
 * Inverted dropout: in training mode zeroes each element with probability `p` and scales the
 * rest by 1/(1−p); the identity in eval mode. Draws from `generator`, or the default stream.
 */
export class Dropout extends Module {
  readonly p: number;
  readonly #generator: Generator | undefined;

  constructor(p = 0.5, options: { generator?: Generator } = {}) {
    super();
    this.p = checkDropoutP('Dropout', p);
    this.#generator = options.generator;
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.#generator }, 'Dropout');
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
