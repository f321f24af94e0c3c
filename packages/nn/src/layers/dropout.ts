import { checkOptions, type Generator, type OptionKeys, type Tensor } from '@tapegrad/core';
import { checkDropoutP, dropout } from '../functional/dropout.js';
import { Module } from '../module.js';
import { layerInput } from '../util.js';

/** Options of {@link Dropout}. */
export interface DropoutLayerOptions {
  /** The random stream; the default stream (see `manualSeed`) otherwise. */
  generator?: Generator;
}

const DROPOUT_KEYS: OptionKeys<DropoutLayerOptions> = { generator: true };

/**
 * Inverted dropout: in training mode zeroes each element with probability `p` and scales the
 * rest by 1/(1−p); the identity in eval mode. Draws from `generator`, or the default stream.
 */
export class Dropout extends Module {
  readonly p: number;
  readonly #generator: Generator | undefined;

  constructor(p = 0.5, options?: DropoutLayerOptions) {
    super();
    this.#generator = checkOptions('Dropout', options, DROPOUT_KEYS).generator;
    this.p = checkDropoutP('Dropout', p);
  }

  override forward(x: Tensor): Tensor {
    return dropout(
      layerInput('Dropout', x),
      this.p,
      { training: this.training, generator: this.#generator },
      'Dropout',
    );
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
