/** The W6 chain itself, shared by the timed benchmark and the memory probe. */
import { scalar } from '@tapegrad/core';

/** The chain and its backward pass; returns d x / d x0. */
export function chain(n: number, sample?: () => void): number {
  const x0 = scalar(1, { requiresGrad: true });
  let x = x0;
  for (let i = 0; i < n; i++) {
    x = x.mul(1.0001).add(0.0001);
    if (sample && i % 65536 === 0) sample();
  }
  sample?.();
  x.backward();
  return x0.grad;
}
