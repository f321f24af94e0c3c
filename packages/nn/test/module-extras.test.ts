/**
 * Module conveniences added with issue 14: forward hooks, requiresGrad_ (freezing), apply,
 * ModuleList and ModuleDict, PyTorch's initialization of the new layers, dropout between
 * recurrent layers, and the errors the new layers raise.
 */
import { Generator, manualSeed, TapegradError, type Tensor, tensor } from '@tapegrad/core';
import {
  type AnyModule,
  Conv1d,
  ConvTranspose2d,
  Embedding,
  GRU,
  Linear,
  LSTM,
  LSTMCell,
  Module,
  ModuleDict,
  ModuleList,
  MultiheadAttention,
  ReLU,
  RNN,
  Sequential,
  SGD,
  scaledDotProductAttention,
  Upsample,
} from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { randomTensor, rngFrom } from './helpers/adjoint.js';

const flat = (t: Tensor) => Array.from(t.data);
const maxAbs = (t: Tensor) => t.abs().max().item();

describe('forward hooks', () => {
  it('pre-hooks may replace the inputs and hooks the output, in registration order; remove() undoes them', () => {
    const lin = new Linear(2, 1, { bias: false });
    lin.weight.data.set([1, 1]);
    const seen: string[] = [];
    const pre = lin.registerForwardPreHook((m, [x]) => {
      seen.push(`pre ${m === lin}`);
      return [x!.mul(2)];
    });
    lin.registerForwardHook((_, [x], out) => {
      seen.push(`post ${flat(x!)}`);
      return out.add(1);
    });
    lin.registerForwardHook(() => {
      seen.push('observe');
    });
    expect(lin.call(tensor([1, 2])).item()).toBe(7);
    expect(seen).toEqual(['pre true', 'post 2,4', 'observe']);
    pre.remove();
    expect(lin.call(tensor([1, 2])).item()).toBe(4);
  });

  it('run on submodules called through containers (capturing activations)', () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    const captured: number[][] = [];
    net.at(1).registerForwardHook((_, __, out) => {
      captured.push(out.shape as number[]);
    });
    net.call(tensor([[1, 2, 3]]));
    expect(captured).toEqual([[1, 4]]);
  });

  it('are typed by the module: an LSTM hook sees its tuple output', () => {
    const lstm = new LSTM(2, 3);
    let hShape: readonly number[] = [];
    lstm.registerForwardHook((_, __, [, [h]]) => {
      hShape = h.shape;
    });
    lstm.call(tensor([[[1, 2]]]));
    expect(hShape).toEqual([1, 1, 3]);
  });
});

describe('requiresGrad_, namedParameters, apply', () => {
  it('freezing a submodule leaves its gradients null and the optimizer skips it', () => {
    const net = new Sequential(new Linear(2, 2), new Linear(2, 1));
    net.at(0).requiresGrad_(false);
    const before = flat(net.at(0).stateDict()['weight']!);
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    net
      .call(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(net.parameters().map((p) => p.grad === null)).toEqual([true, true, false, false]);
    opt.step();
    expect(flat(net.at(0).stateDict()['weight']!)).toEqual(before);
    net.requiresGrad_();
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('names recurrent and attention parameters as PyTorch', () => {
    expect(new LSTM(2, 3, { numLayers: 2, bidirectional: true }).namedParameters().map(([n]) => n)).toEqual(
      ['l0', 'l0_reverse', 'l1', 'l1_reverse'].flatMap((s) => [
        `weight_ih_${s}`,
        `weight_hh_${s}`,
        `bias_ih_${s}`,
        `bias_hh_${s}`,
      ]),
    );
    expect(new GRU(2, 3, { bias: false }).namedParameters().map(([n]) => n)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
    ]);
    expect(new MultiheadAttention(4, 2).namedParameters().map(([n]) => n)).toEqual([
      'in_proj_weight',
      'in_proj_bias',
      'out_proj.weight',
      'out_proj.bias',
    ]);
    expect(new MultiheadAttention(4, 2, { kdim: 3, bias: false }).namedParameters().map(([n]) => n)).toEqual([
      'q_proj_weight',
      'k_proj_weight',
      'v_proj_weight',
      'out_proj.weight',
    ]);
  });

  it('apply visits every submodule depth first, then the module itself', () => {
    class Net extends Module {
      head = new Linear(1, 1);
      cells = new ModuleList<AnyModule>([new ReLU(), new LSTMCell(1, 1)]);
    }
    const order: string[] = [];
    new Net().apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Linear', 'ReLU', 'LSTMCell', 'ModuleList', 'Net']);
  });
});

describe('ModuleList and ModuleDict', () => {
  class Tower extends Module {
    blocks = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    heads = new ModuleDict<AnyModule>({ cls: new Linear(2, 3), reg: new Linear(2, 1) });
    override forward(x: Tensor): Tensor {
      let h = x;
      for (const b of this.blocks) h = b.call(h).relu();
      return (this.heads.get('cls') as Linear).call(h);
    }
  }

  it('register their modules under PyTorch names and keep order through insert and delete', () => {
    const t = new Tower();
    expect(Object.keys(t.stateDict())).toEqual([
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.1.weight',
      'blocks.1.bias',
      'heads.cls.weight',
      'heads.cls.bias',
      'heads.reg.weight',
      'heads.reg.bias',
    ]);
    t.blocks.insert(0, new Linear(2, 2, { bias: false }));
    t.heads.delete('reg');
    t.heads.set('aux', new ReLU());
    expect(t.blocks.length).toBe(3);
    expect(t.blocks[0]).toBe(t.blocks.at(0));
    expect(t.blocks.at(-1)).toBe(t.blocks[2]);
    expect(t.namedParameters().map(([n]) => n)).toEqual([
      'blocks.0.weight',
      'blocks.1.weight',
      'blocks.1.bias',
      'blocks.2.weight',
      'blocks.2.bias',
      'heads.cls.weight',
      'heads.cls.bias',
    ]);
    expect(t.heads.keys()).toEqual(['cls', 'aux']);
    expect(t.call(tensor([[1, 2]])).shape).toEqual([1, 3]);
    expect(t.eval().blocks.at(1).training).toBe(false);
  });

  it('hold modules of any signature and reject non-modules and bad keys', () => {
    const list = new ModuleList<AnyModule>([new LSTM(1, 1), new Linear(1, 1)]);
    expect(list.length).toBe(2);
    expect(() => list.append({} as AnyModule)).toThrow(/ModuleList: can only hold modules, got object/);
    expect(() => list.at(5)).toThrow(/index 5 is out of range for 2 modules/);
    const dict = new ModuleDict();
    expect(() => dict.set('a.b', new ReLU())).toThrow(/key must be a non-empty string without '\.'/);
    expect(() => dict.get('x')).toThrow(/ModuleDict: no module named 'x'/);
    expect(() => new ModuleList().call(tensor(1))).toThrow(/forward\(\) is not implemented/);
  });
});

describe("PyTorch's initialization of the new layers", () => {
  it('recurrent weights and biases are uniform in ±1/√hidden', () => {
    for (const m of [
      new RNN(3, 16, { numLayers: 2 }),
      new LSTM(3, 16),
      new GRU(3, 16, { bidirectional: true }),
    ]) {
      for (const [name, p] of m.namedParameters()) {
        expect(maxAbs(p), name).toBeLessThanOrEqual(0.25);
        expect(maxAbs(p), name).toBeGreaterThan(0.2);
      }
    }
  });

  it('MultiheadAttention: Xavier-uniform in_proj_weight, zero biases', () => {
    const m = new MultiheadAttention(32, 4, { generator: new Generator(3) });
    const bound = Math.sqrt(6 / (32 + 96));
    expect(maxAbs(m.in_proj_weight!)).toBeLessThanOrEqual(bound);
    expect(maxAbs(m.in_proj_weight!)).toBeGreaterThan(0.9 * bound);
    expect(maxAbs(m.in_proj_bias!)).toBe(0);
    expect(maxAbs(m.out_proj.bias!)).toBe(0);
  });

  it('Conv1d and ConvTranspose2d bound their weights by the fan of PyTorch', () => {
    const c1 = new Conv1d(4, 8, 3);
    expect(maxAbs(c1.weight)).toBeLessThanOrEqual(1 / Math.sqrt(12));
    expect(maxAbs(c1.bias!)).toBeLessThanOrEqual(1 / Math.sqrt(12));
    const ct = new ConvTranspose2d(16, 2, 3); // fan = outChannels·kh·kw = 18, not 16·9
    expect(maxAbs(ct.weight)).toBeLessThanOrEqual(1 / Math.sqrt(18));
    expect(maxAbs(ct.weight)).toBeGreaterThan(0.8 / Math.sqrt(18));
    expect(maxAbs(ct.bias!)).toBeLessThanOrEqual(1 / Math.sqrt(18));
  });

  it('Embedding zeroes the padding row', () => {
    const e = new Embedding(5, 3, { paddingIdx: -2 });
    expect(e.paddingIdx).toBe(3);
    expect(flat(e.weight).slice(9, 12)).toEqual([0, 0, 0]);
    expect(maxAbs(e.weight)).toBeGreaterThan(0);
    expect(() => new Embedding(5, 3, { paddingIdx: 5 })).toThrow(
      /paddingIdx must be an integer in \[-5, 4\]/,
    );
  });
});

describe('dropout in recurrent layers and attention', () => {
  it('applies between layers in training only, from the generator', () => {
    const x = randomTensor(rngFrom(1), [4, 2, 3], -1, 1, false).float();
    const make = () => new LSTM(3, 5, { numLayers: 2, dropout: 0.5, generator: new Generator(9) });
    const a = make();
    const b = make();
    const train = a.call(x)[0];
    expect(maxAbs(train.sub(b.call(x)[0]))).toBe(0); // same stream, same masks
    const evalOut = a.eval().call(x)[0];
    expect(maxAbs(train.sub(evalOut))).toBeGreaterThan(0);
    const noDropout = new LSTM(3, 5, { numLayers: 2, generator: new Generator(9) });
    expect(maxAbs(noDropout.call(x)[0].sub(evalOut))).toBe(0);
  });

  it('scaledDotProductAttention drops attention weights when dropoutP > 0', () => {
    manualSeed(4);
    const rng = rngFrom(2);
    const [q, k, v] = [
      randomTensor(rng, [2, 3, 4]),
      randomTensor(rng, [2, 5, 4]),
      randomTensor(rng, [2, 5, 4]),
    ];
    const plain = scaledDotProductAttention(q, k, v);
    expect(maxAbs(plain.sub(scaledDotProductAttention(q, k, v, { dropoutP: 0.5 })))).toBeGreaterThan(0);
    expect(maxAbs(plain.sub(scaledDotProductAttention(q, k, v, { dropoutP: 0 })))).toBe(0);
  });
});

describe('errors of the new layers name the layer, the shapes and the fix', () => {
  it('recurrent', () => {
    const lstm = new LSTM(3, 4);
    expect(() => lstm.call(tensor([[[1, 2]]]))).toThrow(
      /LSTM layer 0: weightIh must have shape \[16,2\], got \[16,3\]/,
    );
    expect(() => lstm.call(tensor([1, 2, 3]))).toThrow(/LSTM: input must be \[T, B, I\]/);
    expect(() => lstm.call(tensor([[[1, 2, 3]]]), [tensor([[[0]]]), tensor([[[0]]])])).toThrow(
      /LSTM: h0 must have shape \[1,1,4\], got \[1,1,1\]/,
    );
    expect(() => new RNN(2, 2, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(
      /RNN: nonlinearity must be 'tanh' or 'relu'/,
    );
    expect(() => new GRU(2, 2, { dropout: 2 })).toThrow(/GRU: dropout must be a number in \[0, 1\]/);
  });

  it('attention', () => {
    expect(() => new MultiheadAttention(5, 2)).toThrow(/embedDim 5 must be divisible by numHeads 2/);
    const m = new MultiheadAttention(4, 2);
    const x = tensor([[[1, 2, 3, 4]]]);
    expect(() => m.call(x, x, tensor([[[1, 2, 3]]]))).toThrow(
      /MultiheadAttention: expects query \[L, N, E\] with E = 4/,
    );
    expect(() => m.call(x, x, x, { attnMask: tensor([[1, 1]], { dtype: 'int32' }) })).toThrow(
      /attnMask must be \[1, 1\] or \[2, 1, 1\], got \[1,2\]/,
    );
    const q = tensor([[1, 2]]);
    expect(() => scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: tensor([[1]]) })).toThrow(
      /give either attnMask or isCausal, not both/,
    );
  });

  it('convolutions and upsampling', () => {
    expect(() => new Conv1d(2, 1, 3).call(tensor([[[1, 2, 3]]]))).toThrow(
      /Conv1d: expects input \[N, 2, L\]/,
    );
    expect(() => new ConvTranspose2d(2, 1, 3).call(tensor([[[[1]]]]))).toThrow(
      /ConvTranspose2d: expects input \[N, 2, H, W\]/,
    );
    const up = tensor([[[1, 2]]]);
    expect(() => new Upsample({}).call(up)).toThrow(/Upsample: give exactly one of size and scaleFactor/);
    expect(() => new Upsample({ size: [2, 2] }).call(up)).toThrow(
      /Upsample: size must be a positive number or 1 of them/,
    );
    expect(() => new Upsample({ scaleFactor: 2, mode: 'bilinear' as 'nearest' }).call(up)).toThrow(
      /mode 'bilinear' is not supported/,
    );
    expect(() => new Upsample({ scaleFactor: 2 }).call(tensor([1]))).toThrow(TapegradError);
  });
});
