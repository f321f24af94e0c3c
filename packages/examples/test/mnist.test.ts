import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeIdx } from '@tapegrad/nn';
import { loadMnist } from '@tapegrad/nn/node';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../src/mnist/args.js';
import { loadModel, saveModel } from '../src/mnist/checkpoint.js';
import { renderCurve } from '../src/mnist/curve.js';
import { predictClasses } from '../src/mnist/evaluate.js';
import { type Architecture, buildModel, DEFAULT_ARCHITECTURES } from '../src/mnist/models.js';
import { runPredict } from '../src/mnist/predict-command.js';
import { Trainer } from '../src/mnist/trainer.js';

const subset = loadMnist({ limit: { train: 320, test: 64 } });
const subsetImages = loadMnist({ limit: { train: 64, test: 1 }, layout: 'image' });

// The default architectures' code paths at a size that keeps the tests fast.
const SMALL_MLP: Architecture = { kind: 'mlp', hidden: [32], dropout: 0.2 };
const SMALL_CNN: Architecture = { kind: 'cnn', channels: [4, 8], hidden: 16, dropout: 0.25 };

const trainer = (seed: number, architecture: Architecture = SMALL_MLP) =>
  new Trainer({
    architecture,
    seed,
    lr: 1e-3,
    batchSize: 32,
    images: architecture.kind === 'mlp' ? subset.train.images : subsetImages.train.images,
    labels: architecture.kind === 'mlp' ? subset.train.labels : subsetImages.train.labels,
  });

describe('MNIST training', () => {
  it('repeats the same loss trajectory for the same seed, and a different one for another seed', () => {
    const a = trainer(7).epoch(undefined, 6);
    const b = trainer(7).epoch(undefined, 6);
    const c = trainer(8).epoch(undefined, 6);
    expect(a).toHaveLength(6);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('repeats across epochs too (the shuffle and dropout streams are seeded)', () => {
    const run = () => {
      const t = trainer(3);
      return [...t.epoch(), ...t.epoch()];
    };
    const first = run();
    expect(first).toHaveLength(20);
    expect(run()).toEqual(first);
    // Learning happens: the second epoch's loss is below the first batches' (≈ ln 10 at the start).
    expect(first.slice(10).reduce((s, v) => s + v, 0) / 10).toBeLessThan(first[0]!);
  });

  it('anneals the learning rate to 0 over the planned epochs', () => {
    const t = new Trainer({
      architecture: SMALL_MLP,
      seed: 0,
      lr: 0.01,
      batchSize: 160,
      epochs: 2,
      images: subset.train.images,
      labels: subset.train.labels,
    });
    const lr = () => t.optimizer.paramGroups[0]!.lr;
    expect(lr()).toBe(0.01);
    t.epoch();
    expect(lr()).toBeCloseTo(0.005, 10);
    t.epoch();
    expect(lr()).toBeCloseTo(0, 10);
  });

  it('runs the CNN on NCHW images with a seeded trajectory', () => {
    const a = trainer(1, SMALL_CNN).epoch(undefined, 2);
    expect(trainer(1, SMALL_CNN).epoch(undefined, 2)).toEqual(a);
  });
});

describe('model.json and predict', () => {
  it('saves atomically and rebuilds a model that predicts the same classes', () => {
    const t = trainer(5);
    t.epoch(undefined, 3);
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-mnist-'));
    const path = join(dir, 'model.json');
    const normalization = { mean: 0.13, std: 0.31 };
    saveModel(path, { architecture: SMALL_MLP, model: t.model, normalization });
    // predict must standardize raw pixels as training did.
    const before = predictClasses(t.model, subset.test.images.sub(0.13).div(0.31)).toArray();
    const loaded = loadModel(path);
    expect(loaded.architecture).toEqual(SMALL_MLP);
    expect(loaded.normalization).toEqual(normalization);
    expect(predictClasses(loaded.model, subset.test.images.sub(0.13).div(0.31)).toArray()).toEqual(before);

    // predict prints one digit per line on stdout, the same digits, logs on stderr.
    const images = join(dir, 'images.idx');
    const pixels = Uint8Array.from(subset.test.images.data, (v) => Math.round(v * 255));
    writeFileSync(images, writeIdx({ type: 'uint8', shape: [64, 28, 28], data: pixels }));
    const out: string[] = [];
    const err: string[] = [];
    runPredict(
      { command: 'predict', model: path, images },
      { out: (line) => out.push(line), err: { write: (s: string) => err.push(s) } },
    );
    expect(out.join('\n').split('\n')).toEqual((before as number[]).map(String));
    expect(err.join('')).toMatch(/classifying 64 images/);
  });

  it('refuses a file that is not a model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-mnist-'));
    writeFileSync(join(dir, 'x.json'), '{"a":1}');
    expect(() => loadModel(join(dir, 'x.json'))).toThrow(/not a model.json written by the MNIST program/);
    expect(() => loadModel(join(dir, 'none.json'))).toThrow(/train one first/);
  });
});

describe('default architectures', () => {
  const count = (a: Architecture) =>
    buildModel(a)
      .parameters()
      .reduce((n, p) => n + p.size, 0);

  it('are the documented networks', () => {
    // 784·512 + 512 + 512·10 + 10
    expect(count(DEFAULT_ARCHITECTURES.mlp)).toBe(407_050);
    // conv 1→16 (16·25 + 16), conv 16→32 (32·16·25 + 32), dense 512→128, dense 128→10
    expect(count(DEFAULT_ARCHITECTURES.cnn)).toBe(416 + 12_832 + 65_664 + 1_290);
  });
});

describe('command line', () => {
  it('defaults to training the MLP and parses every option', () => {
    const d = parseCommandLine([]);
    expect(d).toMatchObject({ command: 'train', model: 'mlp', batchSize: 64, lr: 0.001, seed: 0 });
    const a = parseCommandLine([
      '--',
      '--model',
      'cnn',
      '--epochs',
      '2',
      '--batch-size',
      '128',
      '--lr',
      '0.01',
      '--seed',
      '9',
      '--out',
      '/tmp/x',
    ]);
    expect(a).toEqual({
      command: 'train',
      model: 'cnn',
      epochs: 2,
      batchSize: 128,
      lr: 0.01,
      seed: 9,
      out: '/tmp/x',
      limit: undefined,
    });
    expect(parseCommandLine(['predict', '--model', '/m.json', '--images', '/i.idx'])).toEqual({
      command: 'predict',
      model: '/m.json',
      images: '/i.idx',
    });
    expect(parseCommandLine(['--help'])).toBeNull();
  });

  it('reports usage errors', () => {
    expect(() => parseCommandLine(['--epochs', '0'])).toThrow(UsageError);
    expect(() => parseCommandLine(['--model', 'rnn'])).toThrow(/--model must be mlp or cnn, got 'rnn'/);
    expect(() => parseCommandLine(['--lr', 'fast'])).toThrow(/--lr must be a positive number/);
    expect(() => parseCommandLine(['--bogus'])).toThrow(UsageError);
    expect(() => parseCommandLine(['predict', '--model', 'm.json'])).toThrow(/--images/);
  });
});

describe('curve.svg', () => {
  it('is an SVG document with the loss path, one dot per epoch and the final accuracy', () => {
    const svg = renderCurve({
      batchLosses: [2.3, 1.5, 0.9, 0.6, 0.5, 0.4],
      batchesPerEpoch: 3,
      testAccuracy: [0.9, 0.95],
      title: 'MNIST mlp',
    });
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){5}"/);
    expect(svg).toContain('final test accuracy 95.00%');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});

describe('a written model.json', () => {
  it('is a state file holding the architecture and every parameter', () => {
    const t = trainer(2);
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-mnist-'));
    saveModel(
      join(dir, 'model.json'),
      { architecture: SMALL_MLP, model: t.model, normalization: { mean: 0.5, std: 2 } },
      { epochs: 0 },
    );
    const file = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(file.format).toBe('tapegrad-state');
    expect(file.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
    expect(file.metadata.architecture).toEqual(SMALL_MLP);
    expect(file.metadata.normalization).toEqual({ mean: 0.5, std: 2 });
    expect(Object.keys(file.model).sort()).toEqual(
      t.model
        .namedParameters()
        .map(([n]) => n)
        .sort(),
    );
  });
});
