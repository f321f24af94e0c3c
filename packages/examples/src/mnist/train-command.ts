/**
 * `pnpm start`: trains on MNIST, showing progress on stderr, and writes model.json,
 * model.safetensors, model.onnx and curve.svg after every epoch (so an interrupted run keeps its
 * last completed epoch).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@tapegrad/core';
import { accuracy, confusionMatrix, formatConfusionMatrix, Standardizer } from '@tapegrad/nn';
import { loadMnist, ProgressBar, type ProgressStream, writeFileAtomic } from '@tapegrad/nn/node';
import type { TrainArgs } from './args.js';
import { type SavedModel, saveModel } from './checkpoint.js';
import { renderCurve } from './curve.js';
import { predictClasses } from './evaluate.js';
import { saveOnnx, saveWeights } from './exports.js';
import { type Architecture, DEFAULT_ARCHITECTURES, layoutOf } from './models.js';
import { Trainer } from './trainer.js';

/** Where the program writes: results to `out` (stdout), logs and progress to `err` (stderr). */
export interface Io {
  out: (line: string) => void;
  err: ProgressStream;
}

/** One epoch's summary. */
export interface EpochSummary {
  epoch: number;
  meanLoss: number;
  testAccuracy: number;
  seconds: number;
}

/** Runs a training session; returns the per-epoch summaries. */
export function runTrain(args: TrainArgs, io: Io): EpochSummary[] {
  const log = (line: string) => io.err.write(`${line}\n`);
  const architecture = DEFAULT_ARCHITECTURES[args.model];
  const { train, test, trainImages, testImages, normalization } = prepareData(args, architecture, log);
  const trainer = new Trainer({
    architecture,
    seed: args.seed,
    lr: args.lr,
    batchSize: args.batchSize,
    epochs: args.epochs,
    images: trainImages,
    labels: train.labels,
  });
  log(`model (${args.model}): ${trainer.model.toString().split('\n').join('\n  ')}`);
  log(
    `Adam lr ${args.lr} (cosine schedule to 0 over the epochs), batch size ${args.batchSize}, ${args.epochs} epochs, seed ${args.seed}; writing to ${args.out}`,
  );
  mkdirSync(args.out, { recursive: true });

  const allLosses: number[] = [];
  const history: EpochSummary[] = [];
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const bar = new ProgressBar({
      total: trainer.batches,
      label: `epoch ${epoch}/${args.epochs}`,
      unit: 'samples',
      stream: io.err,
    });
    let running = Number.NaN;
    const losses = trainer.epoch((batch, loss, samples) => {
      // An exponential moving average: the raw batch loss jumps too much to read.
      running = Number.isNaN(running) ? loss : 0.98 * running + 0.02 * loss;
      bar.update(batch, { items: samples, metrics: { loss: running.toFixed(4) } });
    });
    const seconds = bar.elapsed;
    const testAccuracy = accuracy(predictClasses(trainer.model, testImages), test.labels);
    const meanLoss = losses.reduce((a, b) => a + b, 0) / Math.max(losses.length, 1);
    bar.finish({ items: train.labels.shape[0], metrics: { loss: meanLoss.toFixed(4) } });
    allLosses.push(...losses);
    history.push({ epoch, meanLoss, testAccuracy, seconds });
    log(
      `epoch ${epoch}/${args.epochs}: mean loss ${meanLoss.toFixed(4)}, test accuracy ${(100 * testAccuracy).toFixed(2)}%, ${seconds.toFixed(1)} s (${Math.round(train.labels.shape[0]! / seconds)} samples/s)`,
    );
    saveEpoch(
      args,
      { architecture, model: trainer.model, normalization },
      epoch,
      history,
      allLosses,
      trainer.batches,
    );
  }

  report(args, trainer.model, testImages, test.labels, history, io);
  return history;
}

/** Loads MNIST and standardizes it with the training images' mean and standard deviation. */
function prepareData(args: TrainArgs, architecture: Architecture, log: (line: string) => void) {
  const started = performance.now();
  const limit =
    args.limit === undefined
      ? undefined
      : { train: args.limit, test: Math.max(1, Math.ceil(args.limit / 6)) };
  const { train, test } = loadMnist({ layout: layoutOf(architecture), limit });
  // One mean and standard deviation for all pixels, fitted on the training images only and
  // applied unchanged to the test images (and saved for predict).
  const scaler = new Standardizer({ perFeature: false }).fit(train.images);
  const normalization = { mean: scaler.mean!.item(), std: scaler.std!.item() };
  const trainImages = scaler.transform(train.images);
  const testImages = scaler.transform(test.images);
  log(
    `MNIST: ${train.labels.shape[0]} training and ${test.labels.shape[0]} test images, loaded in ${((performance.now() - started) / 1000).toFixed(1)} s; pixels standardized with the training mean ${normalization.mean.toFixed(4)} and std ${normalization.std.toFixed(4)}`,
  );
  return { train, test, trainImages, testImages, normalization };
}

/** Writes the model files after an epoch: weights, ONNX, the JSON model with its history, the curve. */
function saveEpoch(
  args: TrainArgs,
  saved: SavedModel,
  epoch: number,
  history: EpochSummary[],
  allLosses: number[],
  batchesPerEpoch: number,
): void {
  saveWeights(join(args.out, 'model.safetensors'), saved);
  saveOnnx(join(args.out, 'model.onnx'), saved);
  saveModel(join(args.out, 'model.json'), saved, {
    epochs: epoch,
    lr: args.lr,
    batchSize: args.batchSize,
    seed: args.seed,
    history,
  });
  writeFileAtomic(
    join(args.out, 'curve.svg'),
    renderCurve({
      batchLosses: allLosses,
      batchesPerEpoch: batchesPerEpoch,
      testAccuracy: history.map((h) => h.testAccuracy),
      title: `MNIST ${args.model}, Adam lr ${args.lr}, batch ${args.batchSize}`,
    }),
  );
}

/** Prints the confusion matrix, the final accuracy and the files written. */
function report(
  args: TrainArgs,
  model: Trainer['model'],
  testImages: Tensor,
  testLabels: Tensor,
  history: EpochSummary[],
  io: Io,
): void {
  const predictions = predictClasses(model, testImages);
  const final = history.at(-1);
  io.out(
    `Confusion matrix on the ${testLabels.shape[0]} test images (rows: true digit, columns: predicted):`,
  );
  io.out(formatConfusionMatrix(confusionMatrix(predictions, testLabels, 10)));
  io.out('');
  io.out(
    `test accuracy ${final ? (100 * final.testAccuracy).toFixed(2) : '-'}% after ${args.epochs} epochs (${(history.reduce((a, h) => a + h.seconds, 0) / Math.max(history.length, 1)).toFixed(1)} s per epoch)`,
  );
  const written = ['model.json', 'model.safetensors', 'model.onnx', 'curve.svg'].map((f) =>
    join(args.out, f),
  );
  io.out(`wrote ${written.slice(0, -1).join(', ')} and ${written.at(-1)}`);
}
