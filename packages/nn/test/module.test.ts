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
    expect(Object.keys(net.stateDict())).toContain('norm.runningMean');
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
