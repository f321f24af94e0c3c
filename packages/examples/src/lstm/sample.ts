/** Sampling text from a trained character model, one character at a time. */
import { fromTypedArray, type Generator, noGrad, type Tensor, tensor } from '@tapegrad/core';
import type { Vocabulary } from './corpus.js';
import type { CharLstm, LstmState } from './model.js';

/** Options of {@link sampleText}. */
export interface SampleOptions {
  /** Text the model reads first (its characters must be in the alphabet); the sample continues it. */
  prompt: string;
  /** Characters to generate. */
  length: number;
  /** Divides the logits: below 1 sharper and more repetitive, above 1 more random. */
  temperature: number;
  generator: Generator;
}

/**
 * Feeds the prompt through the model, then draws each next character from softmax(logits / T),
 * feeding it back with the carried LSTM state. Returns the generated characters (without the prompt).
 */
export function sampleText(model: CharLstm, vocab: Vocabulary, options: SampleOptions): string {
  const { prompt, length, temperature, generator } = options;
  if (prompt.length === 0) throw new Error('sampleText: the prompt must not be empty.');
  model.eval();
  return noGrad(() => {
    const ids = vocab.encode(prompt);
    let [logits, state]: [Tensor, LstmState] = model.call(fromTypedArray(ids, [1, ids.length]));
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      const last = logits.select(1, logits.shape[1]! - 1).reshape([vocab.size]);
      const cdf = last.div(temperature).softmax().cumsum(0);
      // the first index whose cumulative probability exceeds u: the count of those below it
      const next = Math.min(cdf.lt(generator.random()).sum().item(), vocab.size - 1);
      out.push(next);
      [logits, state] = model.call(tensor([[next]], { dtype: 'int32' }), state);
    }
    return vocab.decode(out);
  });
}
