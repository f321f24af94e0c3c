/** Training the character model: random windows, cross-entropy on every position, Adam, clipping. */
import { fromTypedArray, Generator, noGrad } from '@tapegrad/core';
import { Adam, clipGradNorm, crossEntropy } from '@tapegrad/nn';
import { randomWindows, splitIds, Vocabulary } from './corpus.js';
import { CharLstm, type CharLstmConfig, type LstmState } from './model.js';

/** Options of a training run. */
export interface TrainOptions extends Omit<CharLstmConfig, 'vocab'> {
  /** Characters per training window (the unrolled length). */
  seqLen: number;
  batchSize: number;
  /** Adam steps. */
  steps: number;
  lr: number;
  /** Seeds the weights, the windows and the dropout masks. */
  seed: number;
  /** Gradient norm clip (0: none). */
  clip: number;
  /** Share of the text (its end) held out for the validation loss. */
  validFraction: number;
}

/** Called after every step with its number (from 1) and loss. */
export type StepCallback = (step: number, loss: number) => void;

/** A trained model with its alphabet and the loss of every step. */
export interface TrainResult {
  model: CharLstm;
  vocab: Vocabulary;
  losses: number[];
}

/** Trains a {@link CharLstm} on `text`. */
export function trainCharLstm(text: string, options: TrainOptions, onStep?: StepCallback): TrainResult {
  const vocab = new Vocabulary(text);
  const { train } = splitIds(vocab.encode(text), options.validFraction);
  const model = new CharLstm({ ...options, vocab: vocab.size }, new Generator(options.seed));
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const windows = new Generator(options.seed + 1);
  const losses: number[] = [];
  model.train();
  for (let step = 1; step <= options.steps; step++) {
    const [x, y] = randomWindows(train, options.batchSize, options.seqLen, windows);
    const [logits] = model.call(x);
    const loss = crossEntropy(logits.reshape([-1, vocab.size]), y.reshape([-1]));
    optimizer.zeroGrad();
    loss.backward();
    if (options.clip > 0) clipGradNorm(model.parameters(), options.clip);
    optimizer.step();
    losses.push(loss.item());
    onStep?.(step, losses[losses.length - 1]!);
  }
  return { model, vocab, losses };
}

/**
 * The mean cross-entropy (nats per character) of `model` on `text`, read in consecutive windows of
 * `seqLen` with the state carried from one window to the next, in eval mode.
 */
export function evaluateLoss(
  model: CharLstm,
  vocab: Vocabulary,
  text: string | Int32Array,
  seqLen: number,
): number {
  const ids = typeof text === 'string' ? vocab.encode(text) : text;
  model.eval();
  return noGrad(() => {
    let total = 0;
    let count = 0;
    let state: LstmState | null = null;
    for (let start = 0; start + 1 < ids.length; start += seqLen) {
      const len = Math.min(seqLen, ids.length - 1 - start);
      const x = fromTypedArray(ids.slice(start, start + len), [1, len]);
      const y = fromTypedArray(ids.slice(start + 1, start + len + 1), [len]);
      const [logits, next] = model.call(x, state);
      total += crossEntropy(logits.reshape([-1, vocab.size]), y, { reduction: 'sum' }).item();
      count += len;
      state = next;
    }
    return total / count;
  });
}

/** The held-out part of `text` that {@link trainCharLstm} did not train on. */
export const validationIds = (vocab: Vocabulary, text: string, fraction: number): Int32Array =>
  splitIds(vocab.encode(text), fraction).valid;
