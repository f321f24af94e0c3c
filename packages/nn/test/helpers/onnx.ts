/** Running exported models in ONNX Runtime (onnxruntime-node, CPU) and comparing with tapegrad. */
import type { Tensor } from '@tapegrad/core';
import ort from 'onnxruntime-node';
import { expect } from 'vitest';

const ORT_TYPE = { float32: 'float32', float64: 'float64', int32: 'int32' } as const;

/** Runs `bytes` in ONNX Runtime on `feeds` (by input name); returns the outputs by name. */
export async function runOnnx(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<Record<string, { data: ArrayLike<number>; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => [
      name,
      new ort.Tensor(ORT_TYPE[t.dtype], t.data.slice(), [...t.shape]),
    ]),
  );
  const out = await session.run(inputs);
  return Object.fromEntries(
    Object.entries(out).map(([name, t]) => [name, { data: t.data as ArrayLike<number>, dims: t.dims }]),
  );
}

/** ONNX Runtime's output equals ours: same shape, every element within `tol` (absolute, and relative above 1). */
export function expectSameOutput(
  got: { data: ArrayLike<number>; dims: readonly number[] },
  want: Tensor,
  what: string,
  tol = 1e-5,
): void {
  expect([...got.dims], `${what}: shape`).toEqual([...want.shape]);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.size; i++) {
    const err = Math.abs(got.data[i]! - want.data[i]!) / Math.max(1, Math.abs(want.data[i]!));
    if (!(err <= worst)) [worst, at] = [err, i];
  }
  expect(
    worst,
    `${what}: worst error at ${at} (onnxruntime ${got.data[at]}, tapegrad ${want.data[at]})`,
  ).toBeLessThanOrEqual(tol);
}
