/**
 * Every case of the PyTorch fixture `torch/ops.json`: the op is mapped to tapegrad calls with the
 * shapes and options read from the JSON, run forward, then backward with the case's random
 * upstream; the output, every gradient and (for max/min along one axis) the arg-indices must
 * match PyTorch within 1e-10·max(1, |want|). An op this file does not know fails the test, so a
 * new fixture case can never be skipped silently.
 */
import { concat, stack, type Tensor, tensor, where } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { expectCloseTo, type FixtureTensor, fromFixture, isFixtureTensor, loadFixture } from './helpers.js';

interface OpsCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  output: FixtureTensor;
  upstream: FixtureTensor;
  grads: Record<string, FixtureTensor | FixtureTensor[]>;
  extra_outputs?: { indices: FixtureTensor };
}

const TOL = 1e-10;
const fixture = loadFixture<{ cases: OpsCase[] }>('torch/ops.json');

/** Arguments as tapegrad values: float64 tensors become leaves requiring grad. */
type Arg = Tensor | Tensor[] | number | string | boolean | null | number[] | unknown;

function convertArgs(args: Record<string, unknown>): Record<string, Arg> {
  const out: Record<string, Arg> = {};
  for (const [key, v] of Object.entries(args)) {
    if (isFixtureTensor(v)) out[key] = fromFixture(v, { requiresGrad: v.dtype === 'float64' });
    else if (Array.isArray(v) && v.length > 0 && v.every(isFixtureTensor)) {
      out[key] = v.map((t) => fromFixture(t, { requiresGrad: t.dtype === 'float64' }));
    } else out[key] = v;
  }
  return out;
}

const T = (v: Arg): Tensor => v as Tensor;
/** A number operand on the left is lifted to a 0-d float64 tensor (it gets no gradient). */
const left = (v: Arg): Tensor => (typeof v === 'number' ? tensor(v, { dtype: 'float64' }) : T(v));
const operand = (v: Arg): Tensor | number => (typeof v === 'number' ? v : T(v));
const axisOf = (v: Arg): number | number[] | undefined => (v === null ? undefined : (v as number | number[]));
const orUndefined = <V>(v: V | null): V | undefined => (v === null ? undefined : v);

/** Runs one case's op with tapegrad. */
function apply(op: string, a: Record<string, Arg>): Tensor {
  switch (op) {
    case 'add':
      return left(a.a).add(operand(a.b));
    case 'sub':
      return left(a.a).sub(operand(a.b));
    case 'mul':
      return left(a.a).mul(operand(a.b));
    case 'div':
      return left(a.a).div(operand(a.b));
    case 'pow':
      return left(a.base).pow(operand(a.exponent));
    case 'maximum':
      return T(a.a).maximum(T(a.b));
    case 'minimum':
      return T(a.a).minimum(T(a.b));
    case 'neg':
    case 'exp':
    case 'log':
    case 'sqrt':
    case 'abs':
    case 'sin':
    case 'cos':
    case 'tanh':
    case 'sigmoid':
    case 'relu':
      return T(a.x)[op]();
    case 'leaky_relu':
      return T(a.x).leakyRelu(a.negative_slope as number);
    case 'elu':
      return T(a.x).elu(a.alpha as number);
    case 'gelu':
      return T(a.x).gelu({ approximate: a.approximate as 'none' | 'tanh' });
    case 'softplus':
      return T(a.x).softplus({ beta: a.beta as number, threshold: a.threshold as number });
    case 'clamp':
      return T(a.x).clamp(orUndefined(a.min as number | null), orUndefined(a.max as number | null));
    case 'sum':
    case 'mean':
    case 'max':
    case 'min':
    case 'prod':
    case 'logsumexp':
      return T(a.x)[op](axisOf(a.axis), a.keepdims as boolean);
    case 'var':
    case 'std':
      return T(a.x)[op](axisOf(a.axis), a.keepdims as boolean, { unbiased: a.unbiased as boolean });
    case 'matmul':
      return T(a.a).matmul(T(a.b));
    case 'transpose':
      return T(a.x).transpose(a.axis0 as number, a.axis1 as number);
    case 'permute':
      return T(a.x).permute(a.axes as number[]);
    case 'reshape':
      return T(a.x).reshape(a.shape as number[]);
    case 'expand':
    case 'broadcast_to':
      return T(a.x).expand(a.shape as number[]);
    case 'concat':
      return concat(a.xs as Tensor[], a.axis as number);
    case 'stack':
      return stack(a.xs as Tensor[], a.axis as number);
    case 'slice':
      return T(a.x).slice(a.slices as (number | null)[][]);
    case 'select':
      return T(a.x).select(a.axis as number, a.index as number);
    case 'index_select':
      return T(a.x).indexSelect(a.axis as number, T(a.index));
    case 'gather':
      return T(a.x).gather(a.axis as number, T(a.index));
    case 'where':
      return where(T(a.condition), T(a.a), T(a.b));
    case 'softmax':
      return T(a.x).softmax(a.axis as number);
    case 'log_softmax':
      return T(a.x).logSoftmax(a.axis as number);
    case 'conv2d':
      return T(a.x).conv2d(T(a.weight), {
        bias: a.bias as Tensor | null,
        stride: a.stride as [number, number],
        padding: a.padding as [number, number],
      });
    case 'max_pool2d':
      return T(a.x).maxPool2d({
        kernelSize: a.kernel_size as [number, number],
        stride: a.stride as [number, number],
        padding: a.padding as [number, number],
      });
    case 'layer_norm':
      return T(a.x).layerNorm(
        a.normalized_shape as number[],
        a.weight as Tensor | null,
        a.bias as Tensor | null,
        a.eps as number,
      );
    case 'cross_entropy': {
      // The loss lives in @tapegrad/nn; here it is spelled out with core ops: −log p[target].
      const picked = T(a.input)
        .logSoftmax(1)
        .gather(1, T(a.target).reshape([-1, 1]))
        .neg();
      return a.reduction === 'sum' ? picked.sum() : picked.mean();
    }
    default:
      throw new Error(`ops.json op '${op}' has no mapping in this test: add one`);
  }
}

describe('torch/ops.json: outputs and gradients match PyTorch (float64)', () => {
  it('has cases', () => {
    expect(fixture.cases.length).toBeGreaterThan(0);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const args = convertArgs(c.args);
      const out = apply(c.op, args);
      expectCloseTo(out, c.output, TOL, `${c.name} output`);

      out.backward(fromFixture(c.upstream));
      let checked = 0;
      for (const [key, want] of Object.entries(c.grads)) {
        const input = args[key];
        if (Array.isArray(want)) {
          const xs = input as Tensor[];
          expect(xs.length).toBe(want.length);
          want.forEach((w, i) => expectCloseTo(xs[i]!.grad, w, TOL, `${c.name} grad ${key}[${i}]`));
        } else expectCloseTo(T(input).grad, want, TOL, `${c.name} grad ${key}`);
        checked++;
      }
      // Every float64 tensor argument has a gradient in the fixture; none may go unchecked.
      const differentiable = Object.values(c.args).filter(
        (v) => (isFixtureTensor(v) && v.dtype === 'float64') || (Array.isArray(v) && v.some(isFixtureTensor)),
      ).length;
      expect(checked).toBe(differentiable);

      if (c.extra_outputs) {
        if (c.op !== 'max' && c.op !== 'min')
          throw new Error(`extra_outputs for '${c.op}' are not checked: add it`);
        const argOp = c.op === 'max' ? 'argmax' : 'argmin';
        const indices = T(args.x)[argOp](c.args.axis as number, c.args.keepdims as boolean);
        expect(indices.dtype).toBe('int32');
        expectCloseTo(indices, c.extra_outputs.indices, 0, `${c.name} indices`);
      }
    });
  }
});
