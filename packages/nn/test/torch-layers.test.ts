/**
 * Every case of `fixtures/torch/layers.json` (tools/torch-fixtures/make_layers.py, PyTorch 1.13):
 * the layer is built from the case's constructor arguments and camelCase options, PyTorch's state
 * dict is loaded with `loadStateDict` (strict: the parameter names must match PyTorch's), the
 * layer runs on the case's inputs, and the outputs, the input gradients and every parameter's
 * gradient must match PyTorch. Boolean masks arrive as int32 0/1 tensors, tapegrad's bool.
 */
import { type Tensor, tensor } from '@tapegrad/core';
import {
  Conv1d,
  ConvTranspose2d,
  Embedding,
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  MultiheadAttention,
  type MultiheadAttentionCallOptions,
  RNN,
  RNNCell,
  scaledDotProductAttention,
  Upsample,
} from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { expectClose, type FixtureTensor, loadFixture, toTensor } from './helpers/fixtures.js';

interface LayerCase {
  name: string;
  layer: string;
  args: unknown[];
  options: Record<string, unknown>;
  params: Record<string, FixtureTensor>;
  inputs: Record<string, FixtureTensor | null>;
  call_options: Record<string, unknown>;
  outputs: Record<string, FixtureTensor>;
  upstream: Record<string, FixtureTensor>;
  grads: { inputs: Record<string, FixtureTensor>; params: Record<string, FixtureTensor> };
  self_attention?: boolean;
}

const fixture = loadFixture<{ cases: LayerCase[] }>('layers.json');
const isFixtureTensor = (v: unknown): v is FixtureTensor =>
  typeof v === 'object' && v !== null && 'shape' in v && 'dtype' in v && 'data' in v;

type Inputs = Record<string, Tensor | null>;
interface Built {
  run: (xs: Inputs) => Record<string, Tensor>;
  /** Parameters by PyTorch name, after loading the case's state dict (empty for functions). */
  params: Map<string, Tensor>;
}

const n = (v: unknown) => v as number;

/** Builds the case's layer (float64) and says how to call it. */
function build(c: LayerCase): Built {
  const o = { ...c.options, dtype: 'float64' as const };
  const [a0, a1, a2] = c.args;
  const withState = (m: {
    loadStateDict: (sd: Record<string, Tensor>) => unknown;
    namedParameters: () => [string, Tensor][];
  }) => {
    m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, toTensor(v)])));
    return new Map(m.namedParameters());
  };
  switch (c.layer) {
    case 'RNN':
    case 'GRU': {
      const m = c.layer === 'RNN' ? new RNN(n(a0), n(a1), o) : new GRU(n(a0), n(a1), o);
      const run = (xs: Inputs) => {
        const [output, hN] = m.call(xs.input!, xs.h0);
        return { output, h_n: hN };
      };
      return { run, params: withState(m) };
    }
    case 'LSTM': {
      const m = new LSTM(n(a0), n(a1), o);
      const run = (xs: Inputs) => {
        const [output, [hN, cN]] = m.call(xs.input!, xs.h0 ? [xs.h0, xs.c0!] : null);
        return { output, h_n: hN, c_n: cN };
      };
      return { run, params: withState(m) };
    }
    case 'RNNCell':
    case 'GRUCell': {
      const m = c.layer === 'RNNCell' ? new RNNCell(n(a0), n(a1), o) : new GRUCell(n(a0), n(a1), o);
      return { run: (xs) => ({ output: m.call(xs.input!, xs.h) }), params: withState(m) };
    }
    case 'LSTMCell': {
      const m = new LSTMCell(n(a0), n(a1), o);
      const run = (xs: Inputs) => {
        const [h, cell] = m.call(xs.input!, xs.h ? [xs.h, xs.c!] : null);
        return { h, c: cell };
      };
      return { run, params: withState(m) };
    }
    case 'MultiheadAttention': {
      const m = new MultiheadAttention(n(a0), n(a1), o);
      const options = callOptions(c) as MultiheadAttentionCallOptions;
      const run = (xs: Inputs): Record<string, Tensor> => {
        const q = xs.query!;
        const [output, weights] = c.self_attention
          ? m.call(q, q, q, options)
          : m.call(q, xs.key!, xs.value!, options);
        return weights ? { output, weights } : { output };
      };
      return { run, params: withState(m) };
    }
    case 'scaled_dot_product_attention': {
      const options = callOptions(c);
      return {
        run: (xs) => ({ output: scaledDotProductAttention(xs.query!, xs.key!, xs.value!, options) }),
        params: new Map(),
      };
    }
    case 'Conv1d': {
      const m = new Conv1d(n(a0), n(a1), n(a2), o);
      return { run: (xs) => ({ output: m.call(xs.input!) }), params: withState(m) };
    }
    case 'ConvTranspose2d': {
      const m = new ConvTranspose2d(n(a0), n(a1), a2 as number | [number, number], o);
      return { run: (xs) => ({ output: m.call(xs.input!) }), params: withState(m) };
    }
    case 'Upsample': {
      const m = new Upsample(c.options);
      return { run: (xs) => ({ output: m.call(xs.input!) }), params: withState(m) };
    }
    case 'Embedding': {
      const m = new Embedding(n(a0), n(a1), o);
      return { run: (xs) => ({ output: m.call(xs.input!) }), params: withState(m) };
    }
    default:
      throw new Error(`layers.json layer '${c.layer}' has no mapping in this test: add one`);
  }
}

/** The case's call options with fixture tensors as tapegrad tensors (bool → int32). */
const callOptions = (c: LayerCase) =>
  Object.fromEntries(
    Object.entries(c.call_options).map(([k, v]) => [k, isFixtureTensor(v) ? toTensor(v) : v]),
  );

describe('torch/layers.json: layers match PyTorch (names, outputs, input and parameter gradients)', () => {
  it('covers every new layer', () => {
    const layers = new Set(fixture.cases.map((c) => c.layer));
    for (const l of ['RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell', 'MultiheadAttention'])
      expect(layers).toContain(l);
    for (const l of ['scaled_dot_product_attention', 'Conv1d', 'ConvTranspose2d', 'Upsample', 'Embedding'])
      expect(layers).toContain(l);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const built = build(c);
      expect([...built.params.keys()].sort()).toEqual(Object.keys(c.grads.params).sort());
      const inputs: Inputs = {};
      for (const [k, v] of Object.entries(c.inputs)) {
        inputs[k] = v === null ? null : toTensor(v, { requiresGrad: v.dtype === 'float64' });
      }
      const outputs = built.run(inputs);
      expect(Object.keys(outputs).sort()).toEqual(Object.keys(c.outputs).sort());
      let total: Tensor | null = null;
      for (const [k, out] of Object.entries(outputs)) {
        expectClose(out, c.outputs[k]!, `${c.name} ${k}`);
        const term = out.mul(toTensor(c.upstream[k]!)).sum();
        total = total === null ? term : total.add(term);
      }
      total!.backward();
      for (const [k, want] of Object.entries(c.grads.inputs)) {
        expectClose(inputs[k]!.grad ?? zerosLike(want), want, `${c.name} grad of input ${k}`);
      }
      for (const [k, want] of Object.entries(c.grads.params)) {
        expectClose(built.params.get(k)!.grad ?? zerosLike(want), want, `${c.name} grad of ${k}`);
      }
    });
  }
});

/** A gradient that never arrived counts as zeros of the expected shape. */
const zerosLike = (t: FixtureTensor): Tensor =>
  tensor(0, { dtype: 'float64' }).expand(t.shape).reshape(t.shape);
