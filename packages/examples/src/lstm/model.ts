/** A character-level language model: embedding → LSTM → linear read-out over the alphabet. */
import type { Generator, Tensor } from '@tapegrad/core';
import { Dropout, Embedding, Linear, LSTM, Module } from '@tapegrad/nn';

/** The model's sizes. */
export interface CharLstmConfig {
  /** Alphabet size. */
  vocab: number;
  /** Size of each character's embedding. */
  embed: number;
  /** LSTM state size. */
  hidden: number;
  /** Stacked LSTM layers. */
  layers: number;
  /** Dropout between LSTM layers and before the read-out, in training. */
  dropout: number;
}

/** An LSTM state: `[h, c]`, each `[layers, batch, hidden]`. */
export type LstmState = [Tensor, Tensor];

/**
 * Reads int32 character indices `[B, T]` and returns next-character logits `[B, T, vocab]` and the
 * LSTM's final state, which a caller passes back in to continue a sequence (sampling does).
 */
export class CharLstm extends Module<[ids: Tensor, state?: LstmState | null], [Tensor, LstmState]> {
  readonly config: CharLstmConfig;
  embedding: Embedding;
  lstm: LSTM;
  drop: Dropout;
  head: Linear;

  constructor(config: CharLstmConfig, generator: Generator) {
    super();
    this.config = config;
    this.embedding = new Embedding(config.vocab, config.embed, { generator });
    this.lstm = new LSTM(config.embed, config.hidden, {
      numLayers: config.layers,
      batchFirst: true,
      dropout: config.layers > 1 ? config.dropout : 0,
      generator,
    });
    this.drop = new Dropout(config.dropout, { generator });
    this.head = new Linear(config.hidden, config.vocab, { generator });
  }

  override forward(ids: Tensor, state?: LstmState | null): [Tensor, LstmState] {
    const [out, next] = this.lstm.call(this.embedding.call(ids), state);
    return [this.head.call(this.drop.call(out)), next];
  }
}
