/**
 * Dtypes: promotion between float32, float64 and int32 (and the gradients' dtypes that follow),
 * integer true division, comparisons and index outputs that never require grad.
 */
import { fromTypedArray, oneHot, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

describe('dtype promotion', () => {
  it('float32 with float64 gives float64; each input gets a gradient of its own dtype', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([4, 5, 6], { dtype: 'float64', requiresGrad: true });
    const y = a.mul(b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(Array.from(a.grad!.data)).toEqual([4, 5, 6]);
    expect(b.grad!.dtype).toBe('float64');
    expect(Array.from(b.grad!.data)).toEqual([1, 2, 3]);
  });

  it('a float32 upstream gradient is accepted for a float64 output', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    x.mul(3).backward(tensor([1, 2]));
    expect(x.grad!.dtype).toBe('float64');
    expect(Array.from(x.grad!.data)).toEqual([3, 6]);
  });

  it('int32 true division gives floats, as PyTorch', () => {
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    const q = i.div(2);
    expect(q.dtype).toBe('float32');
    expect(Array.from(q.data)).toEqual([0.5, 1, 1.5]);
    expect(Array.from(tensor(1, { dtype: 'int32' }).div(i).data)).toEqual([1, 0.5, 1 / 3].map(Math.fround));
  });

  it('int32 with a fractional number promotes to float32; with an integer stays int32', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(i.add(0.5).dtype).toBe('float32');
    expect(i.add(1).dtype).toBe('int32');
    expect(i.mul(tensor([0.5], { dtype: 'float64' })).dtype).toBe('float64');
  });
});

describe('values without gradients', () => {
  it('comparisons are 0/1 tensors that never require grad', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    for (const c of [x.gt(2), x.lt(2), x.eq(2)]) expect(c.requiresGrad).toBe(false);
    expect(Array.from(x.gt(2).data)).toEqual([0, 0, 1]);
    expect(Array.from(x.lt(2).data)).toEqual([1, 0, 0]);
    expect(Array.from(x.eq(2).data)).toEqual([0, 1, 0]);
  });

  it('argmax/argmin give int32 indices (flattened when no axis is given)', () => {
    const x = fromTypedArray(Float64Array.from([1, 5, 7, 2]), [2, 2]);
    expect(x.argmax().dtype).toBe('int32');
    expect(x.argmax().item()).toBe(2);
    expect(x.argmin(1, true).toArray()).toEqual([[0], [1]]);
  });

  it('oneHot rows for int32 classes', () => {
    expect(oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });
});
