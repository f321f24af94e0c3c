import { grad, type Scalar, scalar } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const C = 1 + 1e-7;

/** y ← y·C + 0.001, repeated: `ops` ops in one chain, each node depending on the previous. */
function chain(x: Scalar, ops: number): Scalar {
  let y = x;
  for (let i = 0; i < ops / 2; i++) y = y.mul(C).add(0.001);
  return y;
}

// dy/dx = C^(ops/2); the float products differ from pow by rounding only.
const relativeError = (got: number, ops: number) => Math.abs(got / C ** (ops / 2) - 1);

describe('long chains of Scalar ops', () => {
  it('10^6 ops backpropagate without overflowing the stack', () => {
    const x = scalar(0.5, { requiresGrad: true });
    chain(x, 1_000_000).backward();
    expect(relativeError(x.grad, 1_000_000)).toBeLessThan(1e-9);
  });

  it('the functional grad walks long chains iteratively too', () => {
    const ops = 200_000;
    expect(relativeError(grad((x: Scalar) => chain(x, ops))(scalar(0.5)).value, ops)).toBeLessThan(1e-9);
  });
});
