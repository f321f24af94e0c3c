import { type Tensor, zeros } from '@tapegrad/core';
import { embedding } from '../functional/embedding.js';
import { normal } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { requireFloatDtype, requireInt } from '../util.js';
import type { LayerOptions } from './options.js';

/** A lookup table: int32 indices of any shape → rows of `weight` `[numEmbeddings, embeddingDim]`, initialized N(0, 1). */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: LayerOptions = {}) {
    super();
    this.numEmbeddings = requireInt('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = requireInt('Embedding', 'embeddingDim', embeddingDim);
    const dtype = requireFloatDtype('Embedding', options.dtype ?? 'float32');
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    normal(this.weight, 0, 1, { generator: options.generator });
  }

  override forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, 'Embedding');
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
