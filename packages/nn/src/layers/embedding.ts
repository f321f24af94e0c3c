import { arange, checkOptions, noGrad, type OptionKeys, type Tensor, where, zeros } from '@tapegrad/core';
import { embedding, paddingRow } from '../functional/embedding.js';
import { normal } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { layerInput, requireFloatDtype, requireInt } from '../util.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of {@link Embedding}. */
export interface EmbeddingLayerOptions extends LayerOptions {
  /** This index's row starts at zero and never receives a gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

const EMBEDDING_KEYS: OptionKeys<EmbeddingLayerOptions> = { ...LAYER_KEYS, paddingIdx: true };

/**
 * A lookup table: int32 indices of any shape → rows of `weight` `[numEmbeddings, embeddingDim]`,
 * initialized N(0, 1). With `paddingIdx`, that row is zeroed at construction and gets no gradient
 * (so it stays as it is through training), as PyTorch.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row in `[0, numEmbeddings)`, or null. */
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingLayerOptions) {
    super();
    const o = checkOptions('Embedding', options, EMBEDDING_KEYS);
    this.numEmbeddings = requireInt('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = requireInt('Embedding', 'embeddingDim', embeddingDim);
    this.paddingIdx = paddingRow('Embedding', o.paddingIdx, numEmbeddings);
    const dtype = requireFloatDtype('Embedding', o.dtype ?? 'float32');
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    normal(this.weight, 0, 1, { generator: o.generator });
    const pad = this.paddingIdx;
    if (pad !== null) {
      const isPad = arange(0, numEmbeddings, 1, { dtype: 'int32' }).eq(pad).reshape([numEmbeddings, 1]);
      noGrad(() => this.weight.copy_(where(isPad, 0, this.weight)));
    }
  }

  override forward(indices: Tensor): Tensor {
    return embedding(layerInput('Embedding', indices, undefined, 'indices'), this.weight, {
      paddingIdx: this.paddingIdx,
      op: 'Embedding',
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
