/**
 * The character-LSTM example: its text handling, a short training run whose loss must fall below
 * a stated value, sampling, and the command line.
 */
import { readFileSync } from 'node:fs';
import { Generator } from '@tapegrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, DEFAULTS, parseLstmArgs, UsageError } from '../src/lstm/args.js';
import { randomWindows, Vocabulary } from '../src/lstm/corpus.js';
import { sampleText } from '../src/lstm/sample.js';
import { evaluateLoss, trainCharLstm, validationIds } from '../src/lstm/train.js';

const text = readFileSync(DEFAULT_TEXT, 'utf8');

// A small model and a short run: the loss must fall from ln(59) ≈ 4.08 nats/char (uniform over
// the alphabet) to below the unigram entropy of the text (≈ 3.2), i.e. the model has learned
// which characters follow which.
const QUICK = {
  embed: 16,
  hidden: 64,
  layers: 1,
  dropout: 0,
  seqLen: 32,
  batchSize: 16,
  steps: 150,
  lr: 1e-2,
  seed: 1,
  clip: 1,
  validFraction: 0.1,
};
const TARGET_LOSS = 2.5;

describe('the text', () => {
  it('is the bundled public-domain excerpt: tens of KB over a small alphabet', () => {
    const vocab = new Vocabulary(text);
    expect(text.length).toBeGreaterThan(30_000);
    expect(text.length).toBeLessThan(100_000);
    expect(vocab.size).toBeLessThan(80);
    expect(vocab.decode(vocab.encode(text))).toBe(text);
    expect(() => vocab.encode('§')).toThrow(/character "§" is not in the training text's alphabet/);
  });

  it('windows pair every input character with the next one', () => {
    const vocab = new Vocabulary(text);
    const ids = vocab.encode(text);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 20 }),
        fc.nat(),
        (batch, seqLen, seed) => {
          const [x, y] = randomWindows(ids, batch, seqLen, new Generator(seed));
          expect(x.shape).toEqual([batch, seqLen]);
          for (let b = 0; b < batch; b++) {
            const row = vocab.decode(x.data.subarray(b * seqLen, (b + 1) * seqLen));
            const next = vocab.decode(y.data.subarray(b * seqLen, (b + 1) * seqLen));
            expect(text.includes(row + next.slice(-1))).toBe(true);
            expect(next.slice(0, -1)).toBe(row.slice(1));
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('training and sampling', () => {
  const { model, vocab, losses } = trainCharLstm(text, QUICK);

  it(`a short run brings the loss below ${TARGET_LOSS} nats/char`, () => {
    expect(losses).toHaveLength(QUICK.steps);
    expect(losses[0]).toBeGreaterThan(3.9);
    const last = losses.slice(-20).reduce((a, b) => a + b, 0) / 20;
    expect(last).toBeLessThan(TARGET_LOSS);
    const held = evaluateLoss(model, vocab, validationIds(vocab, text, QUICK.validFraction), QUICK.seqLen);
    expect(held).toBeLessThan(TARGET_LOSS);
  });

  it('repeats exactly for the same seed', () => {
    const again = trainCharLstm(text, { ...QUICK, steps: 3 }).losses;
    expect(again).toEqual(losses.slice(0, 3));
  });

  it('samples the requested number of characters from the alphabet, repeatably', () => {
    const sample = (seed: number) =>
      sampleText(model, vocab, {
        prompt: 'MENENIUS:\n',
        length: 120,
        temperature: 0.8,
        generator: new Generator(seed),
      });
    const a = sample(5);
    expect([...a]).toHaveLength(120);
    expect([...a].every((c) => vocab.chars.includes(c))).toBe(true);
    expect(sample(5)).toBe(a);
    expect(sample(6)).not.toBe(a);
  });
});

describe('command line', () => {
  it('has defaults and reads options', () => {
    expect(parseLstmArgs([])).toEqual({ ...DEFAULTS, text: DEFAULT_TEXT });
    const a = parseLstmArgs([
      '--steps',
      '10',
      '--hidden',
      '32',
      '--temperature',
      '0.5',
      '--prompt',
      'A:\\n',
    ])!;
    expect([a.steps, a.hidden, a.temperature, a.prompt]).toEqual([10, 32, 0.5, 'A:\n']);
    expect(parseLstmArgs(['--help'])).toBeNull();
  });

  it('rejects bad values', () => {
    expect(() => parseLstmArgs(['--steps', '0'])).toThrow(UsageError);
    expect(() => parseLstmArgs(['--lr', 'fast'])).toThrow(/--lr must be a number ≥ 0, got 'fast'/);
    expect(() => parseLstmArgs(['--dropout', '1'])).toThrow(/--dropout must be below 1/);
    expect(() => parseLstmArgs(['--bogus'])).toThrow(UsageError);
  });
});
