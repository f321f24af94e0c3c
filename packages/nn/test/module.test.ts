import { Generator, manualSeed, TapegradError, tensor } from '@tapegrad/core';
import {
  BatchNorm1d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  Parameter,
  ReLU,
  Sequential,
  stateDictToJSON,
} from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

class Block extends Module {
  fc1: Linear;
  act = new ReLU();
  fc2: Linear;
  constructor(gen: Generator) {
    super();
    this.fc1 = new Linear(3, 4, { generator: gen });
    this.fc2 = new Linear(4, 2, { bias: false, generator: gen });
  }
  override forward(x: import('@tapegrad/core').Tensor) {
    return this.fc2.call(this.act.call(this.fc1.call(x)));
  }
}

class Net extends Module {
  encoder: Block;
  heads: Linear[];
  scale = new Parameter(tensor([1]));
  norm = new BatchNorm1d(2);
  constructor(gen: Generator) {
    super();
    this.encoder = new Block(gen);
    this.heads = [new Linear(2, 1, { generator: gen }), new Linear(2, 1, { generator: gen })];
  }
  override forward(x: import('@tapegrad/core').Tensor) {
    const h = this.norm.call(this.encoder.call(x));
    return this.heads[0]!.call(h).add(this.heads[1]!.call(h)).mul(this.scale);
  }
}

describe('Module registration', () => {
  // Own parameters first, then submodules depth first, each in property order (class fields in
  // declaration order), as PyTorch's named_parameters().
  it('names parameters with PyTorch dotted names in assignment order', () => {
    const seq = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const net = new Net(new Generator(1));
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'encoder.fc1.weight',
      'encoder.fc1.bias',
      'encoder.fc2.weight',
      'heads.0.weight',
      'heads.0.bias',
      'heads.1.weight',
      'heads.1.bias',
      'norm.weight',
      'norm.bias',
    ]);
    expect(Object.keys(net.stateDict())).toEqual(
      expect.arrayContaining(['norm.running_mean', 'norm.running_var', 'norm.num_batches_tracked']),
    );
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('train/eval set the flag recursively', () => {
    const net = new Net(new Generator(1));
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  it('toString draws a tree', () => {
    const seq = new Sequential(new Linear(2, 3), new ReLU());
    expect(seq.toString()).toBe(
      'Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)',
    );
  });

  it('smoke: conv net forward', () => {
    manualSeed(0);
    const net = new Sequential(
      new Conv2d(1, 2, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Dropout(0.5),
      new Linear(8, 3),
    );
    const y = net.call(
      tensor([
        [
          [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
            [9, 10, 11, 12],
            [13, 14, 15, 16],
          ],
        ],
      ]),
    );
    expect(y.shape).toEqual([1, 3]);
    expect(() => new Linear(3, 2).call(tensor([[1, 2]]))).toThrow(TapegradError);
    expect(stateDictToJSON(net.stateDict())['0.weight']!.shape).toEqual([2, 1, 3, 3]);
  });
});

describe('stateDict', () => {
  it('a JSON round trip restores identical outputs', () => {
    const a = new Net(new Generator(1));
    const b = new Net(new Generator(2));
    const x = tensor([
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
      [-2, 1, 0.1],
    ]);
    a.call(x); // moves the batch-norm running statistics away from their initial values
    a.eval();
    b.eval();
    expect(b.call(x).toArray()).not.toEqual(a.call(x).toArray());
    b.loadStateDict(JSON.parse(JSON.stringify(stateDictToJSON(a.stateDict()))));
    expect(b.call(x).toArray()).toEqual(a.call(x).toArray());
    expect(b.norm.runningMean!.toArray()).toEqual(a.norm.runningMean!.toArray());
  });

  it('loading keeps parameter identity (an optimizer built before still drives them)', () => {
    const a = new Sequential(new Linear(2, 2));
    const before = a.parameters();
    a.loadStateDict(new Sequential(new Linear(2, 2)).stateDict());
    expect(a.parameters()).toEqual(before);
    expect(a.parameters().every((p, i) => p === before[i])).toBe(true);
  });

  it('throws naming a missing, an unexpected or a mis-shaped key', () => {
    const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    const sd = model.stateDict();
    const { ['2.bias']: _dropped, ...missing } = sd;
    expect(() => model.loadStateDict(missing)).toThrow(TapegradError);
    expect(() => model.loadStateDict(missing)).toThrow(/missing keys: '2\.bias'/);
    expect(() => model.loadStateDict({ ...sd, '3.weight': tensor([1]) })).toThrow(
      /unexpected keys: '3\.weight'/,
    );
    expect(() => model.loadStateDict({ ...sd, '0.weight': tensor([[1, 2]]) })).toThrow(
      /size mismatch for '0\.weight': the state dict has shape \[1,2\], the model has \[3,2\]/,
    );
    expect(() => model.loadStateDict({ ...sd, '0.weight': tensor([[1, 2]]) }, { strict: false })).toThrow(
      /0\.weight/,
    );
    expect(model.loadStateDict(missing, { strict: false })).toEqual({
      missingKeys: ['2.bias'],
      unexpectedKeys: [],
    });
  });
});

describe('Module utilities', () => {
  it('zeroGrad zeroes every gradient in its buffer (or drops it with setToNone); apply visits children first', () => {
    const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    model
      .call(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    const buffers = model.parameters().map((p) => p.grad!.data);
    model.zeroGrad();
    expect(
      model.parameters().every((p, i) => p.grad!.data === buffers[i] && p.grad!.data.every((v) => v === 0)),
    ).toBe(true);
    model.zeroGrad({ setToNone: true });
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    const visited: string[] = [];
    model.apply((m) => visited.push(m.constructor.name));
    expect(visited).toEqual(['Linear', 'ReLU', 'Linear', 'Sequential']);
    expect(model.children().length).toBe(3);
    expect(model.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2']);
    expect(model.modules().length).toBe(4);
  });

  it('Parameter is a float tensor that requires grad, float32 by default, float64 on request', () => {
    expect(new Linear(2, 2).weight.dtype).toBe('float32');
    const p = new Linear(2, 2, { dtype: 'float64' }).weight;
    expect(p.dtype).toBe('float64');
    expect(p.requiresGrad && p.isLeaf).toBe(true);
  });

  it('Linear initializes as PyTorch: uniform within ±1/√inFeatures', () => {
    const layer = new Linear(16, 64, { generator: new Generator(3) });
    const bound = 1 / Math.sqrt(16);
    for (const p of layer.parameters()) {
      expect(p.abs().max().item()).toBeLessThanOrEqual(bound);
      expect(p.abs().max().item()).toBeGreaterThan(0.8 * bound);
    }
  });

  it('Linear rejects input with the wrong number of features, naming the layer and the sizes', () => {
    const layer = new Linear(3, 2);
    expect(() => layer.call(tensor([[1, 2]]))).toThrow(TapegradError);
    expect(() => layer.call(tensor([[1, 2]]))).toThrow(
      /Linear: input has 2 features \(shape \[1,2\]\) but the layer expects inFeatures=3/,
    );
  });
});
