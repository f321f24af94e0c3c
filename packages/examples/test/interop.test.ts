/**
 * The example models leave tapegrad: the seed network and the MNIST MLP and CNN exported to ONNX
 * run in ONNX Runtime with outputs within 1e-5 of ours (batch axis dynamic, two batch sizes), and
 * a training run writes model.onnx and model.safetensors that reproduce the trained model.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, manualSeed, noGrad, rand, randn, type Tensor, tensor } from '@tapegrad/core';
import { exportOnnx, Linear, type Module, Sequential, Sigmoid } from '@tapegrad/nn';
import { loadSafetensors } from '@tapegrad/nn/node';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/mnist/checkpoint.js';
import { predictClasses } from '../src/mnist/evaluate.js';
import { buildModel, DEFAULT_ARCHITECTURES } from '../src/mnist/models.js';
import { runTrain } from '../src/mnist/train-command.js';
import { buildSeedNetwork, TUTORIAL_CONFIG } from '../src/seed-model.js';

/** Runs an ONNX model on one float32 input; returns its first output. */
async function runOnnx(bytes: Uint8Array, name: string, x: Tensor) {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [name]: new ort.Tensor('float32', x.data.slice(), [...x.shape]) });
  const first = out[session.outputNames[0]!]!;
  return { data: first.data as Float32Array, dims: [...first.dims] };
}

/** Same shape, and every element within 1e-5 (absolute, and relative above 1). */
function expectClose(got: { data: Float32Array; dims: number[] }, want: Tensor, what: string) {
  expect(got.dims, what).toEqual(want.shape);
  want.data.forEach((w, i) => {
    expect(Math.abs(got.data[i]! - w), `${what} element ${i}`).toBeLessThanOrEqual(
      1e-5 * Math.max(1, Math.abs(w)),
    );
  });
}

/** Exports `model` with a dynamic batch axis and compares ONNX Runtime with tapegrad at two batch sizes. */
async function checkAtTwoBatchSizes(model: Module, sample: (n: number) => Tensor) {
  model.eval();
  const bytes = exportOnnx(model, sample(2), { dynamicAxes: { input: { 0: 'batch' } } });
  for (const n of [1, 7]) {
    const x = sample(n);
    expectClose(
      await runOnnx(bytes, 'input', x),
      noGrad(() => model.call(x)),
      `batch of ${n}`,
    );
  }
}

describe('ONNX Runtime runs the exported example models as tapegrad does', () => {
  it('the seed 2-2-2 sigmoid network, with the tutorial weights', async () => {
    const p = TUTORIAL_CONFIG.parameters;
    const net = new Sequential(new Linear(2, 2), new Sigmoid(), new Linear(2, 2), new Sigmoid());
    net.loadStateDict({
      '0.weight': tensor([
        [p.w1, p.w2],
        [p.w3, p.w4],
      ]),
      '0.bias': tensor([p.b1, p.b1]),
      '2.weight': tensor([
        [p.w5, p.w6],
        [p.w7, p.w8],
      ]),
      '2.bias': tensor([p.b2, p.b2]),
    });
    // The tensor network is the tutorial's: same outputs as the Scalar walk-through.
    const { i1, i2 } = TUTORIAL_CONFIG.inputs;
    const seed = buildSeedNetwork();
    const out = net.call(tensor([[i1, i2]]));
    expect(out.data[0]).toBeCloseTo(seed.out_o1.value, 6);
    expect(out.data[1]).toBeCloseTo(seed.out_o2.value, 6);
    const bytes = exportOnnx(net, tensor([[i1, i2]]));
    expectClose(await runOnnx(bytes, 'input', tensor([[i1, i2]])), out, 'tutorial input');
    await checkAtTwoBatchSizes(net, (n) => rand([n, 2]));
  });

  it('the MNIST MLP (784 → 512 → 10, dropout gone in eval)', async () => {
    manualSeed(1);
    await checkAtTwoBatchSizes(buildModel(DEFAULT_ARCHITECTURES.mlp, new Generator(1)), (n) =>
      randn([n, 784]),
    );
  });

  it('the MNIST CNN (two 5×5 convolutions, max pooling, dense layers)', async () => {
    manualSeed(2);
    await checkAtTwoBatchSizes(buildModel(DEFAULT_ARCHITECTURES.cnn, new Generator(2)), (n) =>
      randn([n, 1, 28, 28]),
    );
  });
});

describe('pnpm start writes model.onnx and model.safetensors beside model.json', () => {
  it('both reproduce the trained model: ONNX from raw pixels, safetensors through loadStateDict', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tapegrad-interop-'));
    const lines: string[] = [];
    runTrain(
      { command: 'train', model: 'mlp', epochs: 1, batchSize: 32, lr: 1e-3, seed: 4, out, limit: 96 },
      { out: (l) => lines.push(l), err: { write: () => true } },
    );
    expect(lines.at(-1)).toBe(
      `wrote ${join(out, 'model.json')}, ${join(out, 'model.safetensors')}, ${join(out, 'model.onnx')} and ${join(out, 'curve.svg')}`,
    );
    const saved = loadModel(join(out, 'model.json'));
    const { mean, std } = saved.normalization;
    const pixels = rand([5, 784]);
    const logits = saved.model.call(pixels.sub(mean).div(std));

    expectClose(await runOnnx(readFileSync(join(out, 'model.onnx')), 'pixels', pixels), logits, 'model.onnx');

    const weights = loadSafetensors(join(out, 'model.safetensors'));
    expect(JSON.parse(weights.metadata.architecture!)).toEqual(saved.architecture);
    const fresh = buildModel(saved.architecture);
    fresh.loadStateDict(weights.tensors);
    fresh.eval();
    expect(Array.from(fresh.call(pixels.sub(mean).div(std)).data)).toEqual(Array.from(logits.data));
    expect(predictClasses(fresh, pixels.sub(mean).div(std)).toArray()).toEqual(
      predictClasses(saved.model, pixels.sub(mean).div(std)).toArray(),
    );
  });
});
