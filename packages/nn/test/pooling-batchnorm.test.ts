/**
 * AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d/2d and Identity against PyTorch 1.13
 * (fixtures/torch/pooling_batchnorm.json), and their gradients against finite differences.
 */
import { gradcheck, noGrad, type Tensor, tensor } from '@tapegrad/core';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  batchNorm,
  Conv2d,
  Flatten,
  Identity,
  Linear,
  type Module,
  ReLU,
  Sequential,
} from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, type FixtureTensor, loadFixture, toTensor } from './helpers/fixtures.js';

type Pair = number | [number, number];
interface LayerCase {
  name: string;
  layer: 'AvgPool2d' | 'AdaptiveAvgPool2d' | 'Identity';
  options: Record<string, unknown>;
  input: FixtureTensor;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
}
interface BnStep {
  input: FixtureTensor;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight?: FixtureTensor;
  grad_bias?: FixtureTensor;
  running_mean: FixtureTensor;
  running_var: FixtureTensor;
  num_batches_tracked: FixtureTensor;
}
interface BnCase {
  name: string;
  layer: 'BatchNorm1d' | 'BatchNorm2d';
  options: { num_features: number; eps: number; momentum: number | null; affine: boolean };
  params: { weight?: FixtureTensor; bias?: FixtureTensor };
  train_steps: BnStep[];
  eval: Omit<BnStep, 'running_mean' | 'running_var' | 'num_batches_tracked'>;
}
interface Fixture {
  cases: (LayerCase | BnCase)[];
  sequential: { state_dict: Record<string, FixtureTensor>; input: FixtureTensor; output: FixtureTensor };
}

const fixture = loadFixture<Fixture>('pooling_batchnorm.json');
const isBn = (c: LayerCase | BnCase): c is BnCase => c.layer.startsWith('BatchNorm');

function buildLayer(c: LayerCase): Module {
  const o = c.options;
  if (c.layer === 'AvgPool2d') {
    return new AvgPool2d(o.kernel_size as Pair, {
      stride: (o.stride ?? undefined) as Pair | undefined,
      padding: o.padding as Pair,
      countIncludePad: o.count_include_pad as boolean,
    });
  }
  if (c.layer === 'AdaptiveAvgPool2d')
    return new AdaptiveAvgPool2d(o.output_size as number | [number | null, number]);
  return new Identity();
}

/** Runs `module` on a leaf copy of `input`, backpropagates `gradOutput`, returns output and input gradient. */
function run(module: Module, input: FixtureTensor, gradOutput: FixtureTensor) {
  const x = toTensor(input, { requiresGrad: true });
  const y = module.call(x);
  y.backward(toTensor(gradOutput));
  return { y, gx: x.grad! };
}

describe('pooling and Identity layers match PyTorch 1.13', () => {
  const cases = fixture.cases.filter((c): c is LayerCase => !isBn(c));
  it('has cases for every layer', () => {
    expect(new Set(cases.map((c) => c.layer))).toEqual(
      new Set(['AvgPool2d', 'AdaptiveAvgPool2d', 'Identity']),
    );
  });
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const { y, gx } = run(buildLayer(c), c.input, c.grad_output);
      expectClose(y, c.output, `${c.name} output`);
      expectClose(gx, c.grad_input, `${c.name} input gradient`);
    });
  }
});

describe('BatchNorm1d and BatchNorm2d match PyTorch 1.13 in training and eval', () => {
  const cases = fixture.cases.filter(isBn);
  it('has cases for both layers, with and without affine, momentum a number and null', () => {
    expect(new Set(cases.map((c) => c.layer))).toEqual(new Set(['BatchNorm1d', 'BatchNorm2d']));
    expect(new Set(cases.map((c) => c.options.momentum === null))).toEqual(new Set([true, false]));
    expect(new Set(cases.map((c) => c.options.affine))).toEqual(new Set([true, false]));
  });
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const Layer = c.layer === 'BatchNorm2d' ? BatchNorm2d : BatchNorm1d;
      const bn = new Layer(c.options.num_features, {
        eps: c.options.eps,
        momentum: c.options.momentum,
        affine: c.options.affine,
        dtype: 'float64',
      });
      noGrad(() => {
        if (c.params.weight) bn.weight!.copy_(toTensor(c.params.weight));
        if (c.params.bias) bn.bias!.copy_(toTensor(c.params.bias));
      });
      c.train_steps.forEach((step, i) => {
        bn.zeroGrad();
        const { y, gx } = run(bn, step.input, step.grad_output);
        expectClose(y, step.output, `step ${i} output`);
        expectClose(gx, step.grad_input, `step ${i} input gradient`);
        if (step.grad_weight) expectClose(bn.weight!.grad!, step.grad_weight, `step ${i} weight gradient`);
        if (step.grad_bias) expectClose(bn.bias!.grad!, step.grad_bias, `step ${i} bias gradient`);
        expectClose(bn.runningMean!, step.running_mean, `step ${i} running_mean`);
        expectClose(bn.runningVar!, step.running_var, `step ${i} running_var`);
        expect(bn.numBatchesTracked!.item(), `step ${i} num_batches_tracked`).toBe(
          step.num_batches_tracked.data,
        );
      });
      bn.eval();
      const { y, gx } = run(bn, c.eval.input, c.eval.grad_output);
      expectClose(y, c.eval.output, 'eval output');
      expectClose(gx, c.eval.grad_input, 'eval input gradient');
    });
  }
});

describe('a Sequential of these layers has PyTorch state-dict names, layouts and outputs', () => {
  const build = () =>
    new Sequential(
      new Conv2d(2, 3, 3, { padding: 1, dtype: 'float64' }),
      new BatchNorm2d(3, { dtype: 'float64' }),
      new ReLU(),
      new AvgPool2d(2),
      new AdaptiveAvgPool2d([2, 2]),
      new Flatten(),
      new Linear(12, 5, { dtype: 'float64' }),
      new BatchNorm1d(5, { dtype: 'float64' }),
      new Identity(),
      new Linear(5, 2, { dtype: 'float64' }),
    );

  it('names and shapes equal torch.nn.Sequential(...).state_dict(), in the same order', () => {
    const ours = build().stateDict();
    const theirs = fixture.sequential.state_dict;
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    for (const [k, t] of Object.entries(theirs)) expect(ours[k]!.shape, k).toEqual(t.shape);
  });

  it("loads PyTorch's trained state dict and reproduces its eval output", () => {
    const model = build();
    const sd = Object.fromEntries(
      Object.entries(fixture.sequential.state_dict).map(([k, t]) => [k, toTensor(t)]),
    ) as Record<string, Tensor>;
    model.loadStateDict(sd);
    model.eval();
    expectClose(model.call(toTensor(fixture.sequential.input)), fixture.sequential.output, 'output');
  });

  it('still loads a state dict saved with the old camelCase buffer keys (deprecated)', () => {
    const a = build();
    const b = build();
    for (const [, m] of a.namedModules()) if (m instanceof BatchNorm2d) m.runningMean!.fill_(0.5);
    const old = Object.fromEntries(
      Object.entries(a.stateDict()).map(([k, t]) => [
        k
          .replace('running_mean', 'runningMean')
          .replace('running_var', 'runningVar')
          .replace('num_batches_tracked', 'numBatchesTracked'),
        t,
      ]),
    );
    expect(Object.keys(old)).toContain('1.runningMean');
    expect(b.loadStateDict(old)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Array.from(b.stateDict()['1.running_mean']!.data)).toEqual([0.5, 0.5, 0.5]);
  });
});

const pairArb = fc.oneof(
  fc.integer({ min: 1, max: 3 }),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
);
/** A float64 tensor of `shape` with generated values in [−2, 2]. */
const inputArb = (shape: number[]) =>
  fc
    .array(fc.double({ min: -2, max: 2, noNaN: true }), {
      minLength: shape.reduce((a, b) => a * b, 1),
      maxLength: shape.reduce((a, b) => a * b, 1),
    })
    .map((v) => tensor(v, { dtype: 'float64' }).reshape(shape));
const nchwArb = (minHw: number) =>
  fc.tuple(
    fc.integer({ min: 1, max: 2 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: minHw, max: 6 }),
    fc.integer({ min: minHw, max: 6 }),
  );
const expectGradcheck = (f: (...xs: Tensor[]) => Tensor, xs: Tensor[]) => {
  const report = gradcheck(f, xs);
  expect(report.ok, report.toString()).toBe(true);
};

describe('layer gradients agree with central finite differences (float64)', () => {
  it('AvgPool2d over generated shapes, kernels, strides, padding and divisors', () => {
    fc.assert(
      fc.property(
        nchwArb(3).chain((s) =>
          fc.tuple(
            fc.constant(s),
            inputArb(s),
            pairArb,
            pairArb,
            fc.integer({ min: 0, max: 1 }),
            fc.boolean(),
          ),
        ),
        ([, x, k, stride, padding, countIncludePad]) => {
          const [kh, kw] = typeof k === 'number' ? [k, k] : k;
          fc.pre(2 * padding <= Math.min(kh, kw));
          const layer = new AvgPool2d(k, { stride, padding, countIncludePad });
          expectGradcheck((a) => layer.call(a), [x]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('AdaptiveAvgPool2d for output sizes below, at and above the input size', () => {
    fc.assert(
      fc.property(
        nchwArb(1).chain((s) =>
          fc.tuple(inputArb(s), fc.integer({ min: 1, max: 7 }), fc.option(fc.integer({ min: 1, max: 7 }))),
        ),
        ([x, oh, ow]) => {
          const layer = new AdaptiveAvgPool2d([oh, ow]);
          expectGradcheck((a) => layer.call(a), [x]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('BatchNorm2d, training and eval, with respect to its input', () => {
    fc.assert(
      fc.property(
        nchwArb(1)
          .filter(([n, , h, w]) => n * h * w >= 2)
          .chain((s) => fc.tuple(fc.constant(s), inputArb(s), fc.boolean())),
        ([[, c], x, training]) => {
          const bn = new BatchNorm2d(c, { dtype: 'float64' });
          bn.runningMean!.fill_(0.3);
          bn.runningVar!.fill_(1.7);
          noGrad(() => {
            bn.weight!.fill_(1.5);
            bn.bias!.fill_(-0.2);
          });
          bn.train(training);
          expectGradcheck((a) => bn.call(a), [x]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('batchNorm (the functional form the layers call) with respect to input, weight and bias', () => {
    fc.assert(
      fc.property(
        nchwArb(1)
          .filter(([n, , h, w]) => n * h * w >= 2)
          .chain((s) => fc.tuple(inputArb(s), inputArb([s[1]]), inputArb([s[1]]), fc.boolean())),
        ([x, weight, bias, training]) => {
          const c = weight.size;
          const runningMean = tensor(new Float64Array(c).fill(0.1));
          const runningVar = tensor(new Float64Array(c).fill(2));
          // momentum 0 keeps the running statistics fixed across the finite-difference evaluations.
          expectGradcheck(
            (a, w, b) => batchNorm(a, runningMean, runningVar, { weight: w, bias: b, training, momentum: 0 }),
            [x, weight, bias],
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('Identity passes values and gradients through unchanged', () => {
    fc.assert(
      fc.property(inputArb([2, 3]), (x) => {
        const y = new Identity().call(x);
        expect(y).toBe(x);
        expectGradcheck((a) => new Identity().call(a).mul(1), [x]);
      }),
      { numRuns: 5 },
    );
  });
});
