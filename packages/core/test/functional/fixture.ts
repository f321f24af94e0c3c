import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@tapegrad/core';

/** A tensor as stored in the PyTorch fixtures. */
export interface FixtureTensor {
  shape: number[];
  dtype: string;
  data: number | number[] | number[][];
}

/** Loads a JSON fixture from packages/core/test/fixtures/torch. */
export const loadTorchFixture = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/torch/${file}`, import.meta.url), 'utf8')) as T;

/** A float64 tensor from a fixture entry, checking the stored shape. */
export function fromFixture(t: FixtureTensor): Tensor {
  const x = tensor(t.data, { dtype: 'float64' });
  if (x.shape.join(',') !== t.shape.join(',')) throw new Error(`fixture shape ${t.shape} != ${x.shape}`);
  return x;
}

/** Flattens a fixture entry's data. */
export const flat = (t: FixtureTensor): number[] => [t.data].flat(2) as number[];

/** Asserts |got − want| ≤ rel·max(1, |want|) elementwise, with a message naming the element. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rel: number,
  what: string,
): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} elements, want ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!(Math.abs(g - w) <= rel * Math.max(1, Math.abs(w)))) {
      throw new Error(`${what}[${i}]: got ${g}, want ${w} (tolerance ${rel}·max(1,|want|))`);
    }
  }
}
