/**
 * The character-LSTM program (`pnpm lstm`): trains a character-level language model on a text,
 * reports its loss on the text and on a held-out part, and samples from it. Results go to stdout;
 * progress and errors to stderr.
 */
import { readFileSync } from 'node:fs';
import { Generator, TapegradError } from '@tapegrad/core';
import { parseLstmArgs, USAGE, UsageError } from './args.js';
import { sampleText } from './sample.js';
import { evaluateLoss, trainCharLstm, validationIds } from './train.js';

function run(): void {
  const args = parseLstmArgs(process.argv.slice(2));
  if (args === null) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const text = readFileSync(args.text, 'utf8');
  const started = performance.now();
  let window = 0;
  const every = Math.max(1, Math.round(args.steps / 20));
  const { model, vocab, losses } = trainCharLstm(text, args, (step, loss) => {
    window += loss;
    if (step % every === 0 || step === args.steps) {
      const seconds = (performance.now() - started) / 1000;
      const n = step % every === 0 ? every : step % every;
      process.stderr.write(
        `step ${step}/${args.steps} · loss ${(window / n).toFixed(3)} · ${seconds.toFixed(0)} s\n`,
      );
      window = 0;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const tail = losses.slice(-Math.min(50, losses.length));
  const trainLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
  const validLoss = evaluateLoss(model, vocab, validationIds(vocab, text, args.validFraction), args.seqLen);
  process.stdout.write(
    `${vocab.size} characters, ${text.length} chars of text; ${args.steps} steps in ${seconds.toFixed(1)} s\n` +
      `training loss (mean of the last ${tail.length} steps): ${trainLoss.toFixed(3)} nats/char\n` +
      `held-out loss (last ${Math.round(args.validFraction * 100)} % of the text): ${validLoss.toFixed(3)} nats/char\n\n`,
  );
  const sample = sampleText(model, vocab, {
    prompt: args.prompt,
    length: args.sampleLength,
    temperature: args.temperature,
    generator: new Generator(args.seed + 2),
  });
  process.stdout.write(`${args.prompt}${sample}\n`);
}

try {
  run();
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else if (e instanceof TapegradError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
