/** Loading the in-repo PyTorch fixtures and comparing against them. */
import { readFileSync } from 'node:fs';
import { type NestedNumbers, type Tensor, tensor } from '@tapegrad/core';
import { expect } from 'vitest';

/** A tensor as the fixtures encode it. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int64' | 'bool';
  data: NestedNumbers;
}

/** Parses `fixtures/torch/<name>` (in this repository). */
export const loadFixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/torch/${name}`, import.meta.url), 'utf8')) as T;

/** float64 for floats, int32 for integer labels (always small). */
export function toTensor(t: FixtureTensor, options: { requiresGrad?: boolean } = {}): Tensor {
  const dtype = t.dtype === 'float64' ? 'float64' : 'int32';
  const out = tensor(t.data, { dtype, requiresGrad: options.requiresGrad });
  expect(out.shape).toEqual(t.shape);
  return out;
}

const flatten = (v: NestedNumbers): number[] =>
  Array.isArray(v) ? (v as NestedNumbers[]).flatMap(flatten) : [Number(v)];

/** |got − want| ≤ tol·max(1, |want|) elementwise, with matching shapes. */
export function expectClose(
  got: Tensor | number,
  want: FixtureTensor | number,
  what: string,
  tol = 1e-10,
): void {
  const g = typeof got === 'number' ? [got] : Array.from(got.data);
  const w = typeof want === 'number' ? [want] : flatten(want.data);
  if (typeof got !== 'number' && typeof want !== 'number')
    expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expect(g.length, `${what}: size`).toBe(w.length);
  let worst = 0;
  let at = -1;
  w.forEach((wv, i) => {
    const err = Math.abs(g[i]! - wv) / Math.max(1, Math.abs(wv));
    if (!(err <= worst)) [worst, at] = [err, i];
  });
  expect(
    worst,
    `${what}: worst relative error at flat index ${at} (got ${g[at]}, want ${w[at]})`,
  ).toBeLessThanOrEqual(tol);
}

/** PyTorch's snake_case option names in camelCase (`weight_decay` → `weightDecay`, `T_max` → `tMax`). */
export const camel = (s: string): string =>
  s.replace(/^T_/, 't_').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
