/**
 * exportOnnx: models and functions exported from a trace run in ONNX Runtime (onnxruntime-node,
 * CPU) with outputs within 1e-5 of tapegrad's, at two batch sizes where the batch axis is dynamic.
 * Every op the exporter maps is exercised here (a test checks the coverage).
 */
import { fromBinary } from '@bufbuild/protobuf';
import {
  concat,
  customGrad,
  erf,
  manualSeed,
  rand,
  randint,
  randn,
  type Tensor,
  tensor,
  where,
  zeros,
} from '@tapegrad/core';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  ELU,
  Embedding,
  exportOnnx,
  Flatten,
  GELU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  Module,
  ONNX_OPS,
  PReLU,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from '@tapegrad/nn';
import { ModelProtoSchema } from 'onnx-buf';
import { afterAll, describe, expect, it } from 'vitest';
import { trace } from '../src/onnx/trace.js';
import { expectSameOutput, runOnnx } from './helpers/onnx.js';

/** Op names seen in the traces of the models below, to check every mapping is exercised. */
const covered = new Set<string>();
function noteOps(run: (xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): void {
  for (const t of trace(run, inputs).nodes) if (!t.isLeaf) covered.add(t.composite?.op ?? t.op);
}

/** A module exercising every layer the exporter supports (two inputs, two outputs). */
class EveryLayer extends Module {
  conv = new Conv2d(2, 4, 3, { padding: 1 });
  bn2 = new BatchNorm2d(4);
  relu = new ReLU();
  prelu = new PReLU(4);
  maxPool = new MaxPool2d(2, { stride: 1 });
  avgPool = new AvgPool2d(2, { padding: 1, countIncludePad: false });
  adaptive = new AdaptiveAvgPool2d([3, 2]);
  flatten = new Flatten();
  fc1 = new Linear(4 * 3 * 2, 16);
  bn1 = new BatchNorm1d(16);
  leaky = new LeakyReLU(0.2);
  dropout = new Dropout(0.3);
  emb = new Embedding(10, 16);
  ln = new LayerNorm(16);
  elu = new ELU(0.7);
  gelu = new GELU();
  geluTanh = new GELU({ approximate: 'tanh' });
  softplus = new Softplus({ beta: 2, threshold: 3 });
  identity = new Identity();
  tanh = new Tanh();
  sigmoid = new Sigmoid();
  fc2 = new Linear(16, 5);
  softmax = new Softmax(-1);
  logSoftmax = new LogSoftmax(1);

  override forward(image: Tensor, tokens: Tensor): Tensor {
    return this.both(image, tokens)[0]!;
  }

  both(image: Tensor, tokens: Tensor): Tensor[] {
    let h = this.prelu.call(this.relu.call(this.bn2.call(this.conv.call(image))).sub(0.5));
    h = this.adaptive.call(this.avgPool.call(this.maxPool.call(h)));
    h = this.dropout.call(this.leaky.call(this.bn1.call(this.fc1.call(this.flatten.call(h)))));
    h = this.ln.call(h.add(this.emb.call(tokens).mean(1)));
    h = this.softplus.call(this.geluTanh.call(this.gelu.call(this.elu.call(h))));
    h = this.sigmoid.call(this.tanh.call(this.identity.call(h)));
    const logits = this.fc2.call(h);
    return [this.softmax.call(logits), this.logSoftmax.call(logits)];
  }
}

/** A function exercising every elementwise, shape and reduction op. */
function everyOp(x: Tensor, index: Tensor): Tensor[] {
  const w = tensor([
    [0.5, -1, 2],
    [1.5, 0.25, -0.75],
    [-0.5, 1, 0.3],
    [2, -2, 0.1],
  ]);
  const a = x.add(1).sub(x.mul(0.5)).div(x.abs().add(1)).neg();
  const b = a.exp().log().add(x.square().add(0.1).sqrt()).sin().cos().tanh().sigmoid();
  const c = x.abs().add(0.5).pow(1.5).add(x.relu()).maximum(a).minimum(b.add(1)).clone();
  const d = c.leakyRelu(0.1).elu(0.5).gelu().softplus().clamp(-1, 1.5).clamp(undefined, 1.2);
  const e = d
    .double()
    .float()
    .add(erf(customErfInput(x)));
  const m = e.matmul(w); // [N, 3, 3]
  const s = concat(
    [m.slice([null, [0, 2], [1, null]]), m.permute([0, 2, 1]).slice([null, [1, 3], [1, 3]])],
    2,
  );
  const r = s.reshape([-1, 2 * 4]).reshape([-1, 2, 4]);
  const g = r.gather(2, index).add(r.indexSelect(2, tensor([3, 0, -1], { dtype: 'int32' })));
  const sums = g
    .sum(2, true)
    .expand([-1, 2, 3])
    .add(g.mean([1, 2], true))
    .add(g.max(1, true))
    .sub(g.min(2, true));
  const out = sums
    .add(g.prod(2, true).mul(0.01))
    .add(g.logsumexp(2, true))
    .select(1, -1)
    .softmax()
    .add(sums.select(1, 0).logSoftmax(-1));
  return [out, e.sum([1, 2])];
}
/** erf's input, kept away from large values. */
const customErfInput = (x: Tensor) => x.mul(0.3);

const toRun = (f: (...xs: Tensor[]) => Tensor | Tensor[]) => (xs: Tensor[]) => f(...xs);

describe('exportOnnx: ONNX Runtime reproduces tapegrad', () => {
  it('a model with every supported layer, two inputs and two outputs, at two batch sizes (dynamic batch)', async () => {
    manualSeed(3);
    const model = new EveryLayer();
    // Training steps move the batch-norm running statistics off their defaults.
    for (let i = 0; i < 3; i++) model.both(randn([6, 2, 6, 5]), randint(0, 10, [6, 4], { dtype: 'int32' }));
    model.eval();
    const f = (image: Tensor, tokens: Tensor) => model.both(image, tokens);
    const bytes = exportOnnx(f, [randn([3, 2, 6, 5]), randint(0, 10, [3, 4], { dtype: 'int32' })], {
      inputNames: ['image', 'tokens'],
      outputNames: ['probs', 'logProbs'],
      dynamicAxes: { image: { 0: 'batch' }, tokens: { 0: 'batch', 1: 'length' }, probs: { 0: 'batch' } },
    });
    for (const [n, t] of [
      [2, 4],
      [7, 9],
    ] as const) {
      const image = randn([n, 2, 6, 5]);
      const tokens = randint(0, 10, [n, t], { dtype: 'int32' });
      const out = await runOnnx(bytes, { image, tokens });
      const [probs, logProbs] = model.both(image, tokens);
      expectSameOutput(out.probs!, probs!, `probs, batch ${n}`);
      expectSameOutput(out.logProbs!, logProbs!, `logProbs, batch ${n}`);
    }
    noteOps(toRun(f), [randn([2, 2, 6, 5]), randint(0, 10, [2, 3], { dtype: 'int32' })]);
  });

  for (const opset of [17, 18, 20, 21]) {
    it(`a function with every elementwise, shape and reduction op (opset ${opset}, dynamic batch)`, async () => {
      manualSeed(opset);
      const index = (n: number) => randint(0, 4, [n, 2, 3], { dtype: 'int32' });
      // Traced at 48 × 12 elements, so the elementwise ops take their lazily fused path while tracing.
      const bytes = exportOnnx(everyOp, [randn([48, 3, 4]), index(48)], {
        opset,
        inputNames: ['x', 'index'],
        dynamicAxes: { x: [0], index: [0] },
      });
      // 64 × 12 elements: large enough for the lazily fused elementwise path.
      for (const n of [1, 5, 64]) {
        const x = randn([n, 3, 4]);
        const idx = index(n);
        const out = await runOnnx(bytes, { x, index: idx });
        const [want0, want1] = everyOp(x, idx);
        expectSameOutput(out.output_0!, want0!, `output_0, batch ${n}`);
        expectSameOutput(out.output_1!, want1!, `output_1, batch ${n}`);
      }
      noteOps(toRun(everyOp), [randn([2, 3, 4]), index(2)]);
    });
  }

  it('AdaptiveAvgPool2d as GlobalAveragePool, as AveragePool and as PyTorch windows', async () => {
    for (const size of [1, [2, 3], [3, 4]] as const) {
      const model = new Sequential(new AdaptiveAvgPool2d(size as number | [number, number]), new Flatten());
      const x = randn([2, 3, 4, 6]);
      const out = await runOnnx(exportOnnx(model, x), { input: x });
      expectSameOutput(out.output!, model.call(x), `outputSize ${JSON.stringify(size)}`);
    }
  });

  it('float64 models export as double', async () => {
    const model = new Sequential(
      new Linear(3, 4, { dtype: 'float64' }),
      new Tanh(),
      new Linear(4, 2, { dtype: 'float64' }),
    );
    const x = randn([5, 3], { dtype: 'float64' });
    const out = await runOnnx(exportOnnx(model, x), { input: x });
    expectSameOutput(out.output!, model.call(x), 'float64', 1e-12);
  });
});

describe('exportOnnx: the file', () => {
  it('names initializers after the state dict and marks dynamic axes symbolic', () => {
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
    const bytes = exportOnnx(model, randn([2, 3]), { dynamicAxes: { input: { 0: 'batch' } }, opset: 18 });
    const proto = fromBinary(ModelProtoSchema, bytes);
    expect(proto.opsetImport.map((o) => Number(o.version))).toEqual([18]);
    const graph = proto.graph!;
    expect(graph.initializer.map((t) => t.name)).toEqual(
      expect.arrayContaining(
        Object.keys(model.stateDict()).filter((k) => !k.endsWith('num_batches_tracked')),
      ),
    );
    expect(graph.node.map((n) => n.opType)).toEqual(['Gemm', 'BatchNormalization', 'Relu', 'Gemm']);
    const dims = (v: (typeof graph.input)[number]) =>
      v.type!.value.case === 'tensorType' ? v.type!.value.value.shape!.dim.map((d) => d.value.value) : [];
    expect(dims(graph.input[0]!)).toEqual(['batch', 3n]);
    expect(dims(graph.output[0]!)).toEqual(['batch', 2n]);
  });

  it('restores training mode and frozen parameters after exporting', () => {
    const model = new Sequential(new Linear(3, 4), new Dropout(0.5), new Linear(4, 1));
    model.parameters()[0]!.requiresGrad_(false);
    exportOnnx(model, randn([2, 3]));
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(model.parameters().map((p) => p.requiresGrad)).toEqual([false, true, true, true]);
  });
});

describe('exportOnnx: refusals name the problem', () => {
  it('an op without a mapping fails, naming the op', () => {
    const square = customGrad({
      name: 'mySquare',
      forward: (a: Tensor) => a.mul(a),
      backward: (g, [a]) => [g.mul(a!).mul(2)],
    });
    expect(() => exportOnnx((x: Tensor) => square(x), randn([2]))).toThrow(
      /exportOnnx: op 'mySquare' .* has no ONNX mapping/,
    );
    expect(() => exportOnnx((x: Tensor) => where(x.gt(0), x, x.mul(2)), randn([2]))).toThrow(/op 'where'/);
  });

  it('a graph whose ops change with a dynamic axis is refused', () => {
    const f = (x: Tensor) => (x.shape[0]! > 2 ? x.exp() : x.tanh());
    expect(() => exportOnnx(f, randn([2, 3]), { dynamicAxes: { input: [0] } })).toThrow(
      /changes when a dynamic axis grows/,
    );
  });

  it('constants that follow the batch size, or random ones, are refused', () => {
    const sized = (x: Tensor) => x.add(zeros([x.shape[0]!, 3]));
    expect(() => exportOnnx(sized, randn([2, 3]), { dynamicAxes: { input: [0] } })).toThrow(
      /a constant of shape \[2,3\] differs/,
    );
    const noisy = (x: Tensor) => x.mul(rand([3]));
    expect(() => exportOnnx(noisy, randn([2, 3]))).toThrow(/random numbers/);
  });

  it('an input that no output depends on is refused', () => {
    expect(() => exportOnnx((x: Tensor, _y: Tensor) => x.exp(), [randn([2]), randn([2])])).toThrow(
      /input 'input_1' does not reach any output/,
    );
  });

  it('bad options are refused', () => {
    const f = (x: Tensor) => x.exp();
    expect(() => exportOnnx(f, randn([2]), { opset: 16 })).toThrow(/opset must be an integer from 17 to 21/);
    expect(() => exportOnnx(f, randn([2]), { inputNames: ['a', 'b'] })).toThrow(
      /inputNames must be 1 distinct/,
    );
    expect(() => exportOnnx(f, randn([2]), { dynamicAxes: { x: [0] } })).toThrow(/dynamicAxes names 'x'/);
    expect(() => exportOnnx(f, randn([2]), { dynamicAxes: { input: [1] } })).toThrow(
      /dynamicAxes\['input'\] has axis 1/,
    );
    expect(() => exportOnnx(f, [])).toThrow(/exampleInputs must be/);
  });
});

afterAll(() => {
  // Every mapped op was exported and run above (a mapping without a test fails here).
  expect([...covered].sort()).toEqual([...ONNX_OPS]);
});
