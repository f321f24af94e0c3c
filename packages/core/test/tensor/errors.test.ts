/**
 * Bad input throws a TapegradError that names the op and the offending shapes or values, never
 * a bare TypeError, a silent NaN or a wrong result.
 */
import { concat, noGrad, stack, TapegradError, type Tensor, tensor, where, zeros } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

/** Runs `fn`, expecting a TapegradError for `op` whose message contains every fragment. */
function expectError(fn: () => unknown, op: string, ...fragments: string[]): TapegradError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TapegradError);
  const err = caught as TapegradError;
  expect(err.op).toBe(op);
  expect(err.message.startsWith(`${op}:`)).toBe(true);
  for (const f of fragments) expect(err.message).toContain(f);
  return err;
}

const f64 = (shape: number[], requiresGrad = false): Tensor =>
  zeros(shape, { dtype: 'float64', requiresGrad }).add(0.5).detach().requiresGrad_(requiresGrad);
const idx = (values: number[], shape = [values.length]) => tensor(values, { dtype: 'int32' }).reshape(shape);

describe('shape errors name the op and the shapes', () => {
  it('non-broadcastable shapes, for each binary op', () => {
    for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const) {
      expectError(() => f64([2, 3])[op](f64([4])), op, '[2,3]', '[4]', 'broadcast');
    }
    expectError(() => f64([2, 3]).gt(f64([2, 2])), 'gt', '[2,3]', '[2,2]');
    expectError(() => where(f64([3]), f64([2, 3]), f64([2, 4])), 'where', '[2,3]', '[2,4]');
  });

  it('matmul with mismatched inner dimensions', () => {
    expectError(() => f64([2, 3]).matmul(f64([4, 5])), 'matmul', '[2,3]', '[4,5]', '3 and 4');
    expectError(() => f64([3]).matmul(f64([4])), 'matmul', '[3]', '[4]');
    expectError(() => f64([2, 2, 3]).matmul(f64([3, 3, 2])), 'matmul', '[2,2,3]', '[3,3,2]', 'batch');
    expectError(() => f64([]).matmul(f64([3])), 'matmul', '[]', '[3]');
  });

  it('reshape to a different number of elements', () => {
    expectError(() => f64([2, 3]).reshape([4]), 'reshape', '[2,3]', '[4]', '6');
    expectError(() => f64([2, 3]).reshape([4, -1]), 'reshape', '[4,-1]', '6');
    expectError(() => f64([2, 3]).reshape([-1, -1]), 'reshape', '-1');
  });

  it('axis out of range', () => {
    const x = f64([2, 3]);
    expectError(() => x.sum(2), 'sum', 'axis 2', 'rank 2');
    expectError(() => x.mean([0, -3]), 'mean', 'axis -3');
    expectError(() => x.max(5), 'max', 'axis 5');
    expectError(() => x.var(2), 'var', 'axis 2');
    expectError(() => x.logsumexp(-3), 'logsumexp', 'axis -3');
    expectError(() => x.argmax(2), 'argmax', 'axis 2');
    expectError(() => x.softmax(2), 'softmax', 'axis 2');
    expectError(() => x.logSoftmax(-3), 'logSoftmax', 'axis -3');
    expectError(() => x.transpose(0, 2), 'transpose', 'axis 2');
    expectError(() => x.permute([0, 2]), 'permute', 'axis 2');
    expectError(() => x.select(2, 0), 'select', 'axis 2');
    expectError(() => x.unsqueeze(3), 'unsqueeze', 'axis 3');
    expectError(() => x.flatten(0, 2), 'flatten', 'axis 2');
    expectError(() => concat([x, x], 2), 'concat', 'axis 2');
    expectError(() => stack([x, x], 3), 'stack', 'axis 3');
    expectError(() => x.sum([0, 0]), 'sum', 'repeats');
  });

  it('ragged nested arrays', () => {
    expectError(() => tensor([[1, 2], [3]]), 'tensor', 'ragged', 'length 2');
    expectError(() => tensor([[1, 2], 3] as never), 'tensor', 'ragged');
    expectError(() => tensor([1, [2, 3]] as never), 'tensor', 'ragged');
  });

  it('index out of range in gather, indexSelect and select', () => {
    const x = f64([3, 4]);
    expectError(() => x.gather(1, idx([0, 4], [1, 2])), 'gather', 'index 4', 'size 4', '[3,4]');
    expectError(() => x.gather(0, idx([-4], [1, 1])), 'gather', 'index -4', 'size 3');
    expectError(() => x.indexSelect(0, idx([1, 3])), 'indexSelect', 'index 3', 'size 3', '[3,4]');
    expectError(() => x.select(1, 4), 'select', 'index 4', 'size 4', '[3,4]');
    expectError(() => x.select(0, -4), 'select', 'index -4', 'size 3');
    expectError(() => x.gather(1, f64([1, 2])), 'gather', 'int32');
  });

  it('conv2d with mismatched channels, and other conv/pool misuse', () => {
    const x = f64([1, 3, 5, 5]);
    expectError(() => x.conv2d(f64([2, 4, 3, 3])), 'conv2d', '3 channels', '[1,3,5,5]', '[2,4,3,3]', '4');
    expectError(() => f64([3, 5, 5]).conv2d(f64([2, 3, 3, 3])), 'conv2d', '[3,5,5]', 'NCHW');
    expectError(() => x.conv2d(f64([2, 3, 3, 3]), { bias: f64([3]) }), 'conv2d', 'bias', '[2]', '[3]');
    expectError(() => x.conv2d(f64([2, 3, 7, 7])), 'conv2d', '7x7', '[1,3,5,5]');
    expectError(() => x.conv2d(f64([2, 3, 3, 3]), { stride: 0 }), 'conv2d', 'stride');
    expectError(() => x.maxPool2d({ kernelSize: 6 }), 'maxPool2d', '6x6', '[1,3,5,5]');
    expectError(() => x.maxPool2d({ kernelSize: 2, padding: 2 }), 'maxPool2d', 'padding');
  });

  it('other shape misuse', () => {
    expectError(() => concat([f64([2, 3]), f64([3, 3])], 1), 'concat', '[3,3]', '[2,3]');
    expectError(() => stack([f64([2, 3]), f64([3, 2])]), 'stack', '[3,2]', '[2,3]');
    expectError(() => f64([2, 3]).expand([4, 3]), 'expand', '[2,3]', '[4,3]');
    expectError(() => f64([2, 3]).layerNorm([2]), 'layerNorm', '[2]', '[2,3]');
    expectError(() => f64([2, 3]).slice([null, null, null]), 'slice', '3 slices', '[2,3]');
    expectError(() => f64([2, 3]).slice([[0, 2, 0]]), 'slice', 'step');
    expectError(() => f64([3]).clamp(1, 0), 'clamp', 'min 1', 'max 0');
  });
});

describe('dtype and parameter misuse', () => {
  it('int32 input to float-only ops', () => {
    const i = idx([1, 2, 3]);
    for (const op of ['exp', 'log', 'sqrt', 'sin', 'tanh', 'sigmoid', 'softmax', 'logSoftmax'] as const) {
      expectError(() => i[op](), op, 'int32', '[3]', '.float()');
    }
    expectError(() => i.mean(), 'mean', 'int32');
    expectError(() => i.var(), 'var', 'int32');
    expectError(() => i.std(), 'std', 'int32');
    expectError(() => i.logsumexp(), 'logsumexp', 'int32');
    expectError(() => i.layerNorm([3]), 'layerNorm', 'int32');
  });

  it('non-number activation parameters', () => {
    const x = f64([3]);
    expectError(() => x.leakyRelu('0.1' as never), 'leakyRelu', 'slope', '"0.1"');
    expectError(() => x.elu(Number.NaN), 'elu', 'alpha');
    expectError(() => x.softplus({ beta: 0 }), 'softplus', 'beta');
    expectError(() => x.clamp('0' as never), 'clamp', 'min');
  });
});

describe('autodiff misuse', () => {
  it('backward on a non-scalar output without a gradient', () => {
    const x = f64([2, 3], true);
    expectError(() => x.mul(2).backward(), 'backward', '[2,3]', 'gradient');
  });

  it('backward with a gradient of the wrong shape', () => {
    const x = f64([2, 3], true);
    expectError(() => x.mul(2).backward(f64([3, 2])), 'backward', '[3,2]', '[2,3]');
  });

  it('a second backward without retainGraph, and retainGraph allowing it', () => {
    const x = f64([3], true);
    const y = x.exp().sum();
    y.backward();
    expectError(() => y.backward(), 'backward', 'second time', 'retainGraph');

    const z = f64([3], true);
    const w = z.exp().sum();
    w.backward({ retainGraph: true });
    const first = Float64Array.from(z.grad!.data);
    w.backward();
    expect(Array.from(z.grad!.data)).toEqual(Array.from(first, (v) => 2 * v));
  });

  it('a saved input modified in place between forward and backward', () => {
    const x = f64([2, 2], true);
    const y = x.mul(x).sum();
    noGrad(() => x.mul_(2));
    expectError(() => y.backward(), 'mul', 'modified in place', '[2,2]', 'version 0 → 1');
  });

  it('a saved intermediate modified in place', () => {
    const x = f64([3], true);
    const h = x.exp();
    const z = h.sin().sum();
    noGrad(() => h.add_(1));
    expectError(() => z.backward(), 'sin', 'modified in place', '[3]');
  });

  it('in-place updates of a tensor that requires grad while recording', () => {
    const x = f64([3], true);
    expectError(() => x.mul_(2), 'mul_', 'noGrad');
  });

  it('backward of a tensor that does not require grad', () => {
    expectError(() => f64([1]).exp().sum().backward(), 'backward', 'does not require grad');
  });

  it('requiresGrad on an int32 tensor', () => {
    expectError(() => idx([1, 2]).requiresGrad_(), 'requiresGrad_', 'int32');
  });
});
