/**
 * What every fuzzed program must satisfy: it throws nothing but `TapegradError`; every value's
 * data holds exactly the product of its shape elements; backward gives every input a gradient of
 * its shape without changing any forward value; and, in float64, the gradient agrees with a
 * central finite difference.
 */
import { fromTypedArray, noGrad, TapegradError, type Tensor } from '@tapegrad/core';
import { expect } from 'vitest';
import { FUZZ_OPS } from './ops.js';
import { inputsOf, type Program, run } from './program.js';

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Fixed weights of the loss Σ wᵢ·outᵢ, so every output element matters, differently. */
function lossOf(out: Tensor): Tensor {
  const w = new Float64Array(out.size).map((_, i) => Math.cos(1 + 0.7 * i));
  const weights = fromTypedArray(out.dtype === 'float64' ? w : Float32Array.from(w), [...out.shape]);
  return out.mul(weights).sum();
}

/** Runs `fn`; a TapegradError means the program was rejected (fine), anything else fails the property. */
function orRejected<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TapegradError) return undefined;
    throw e;
  }
}

/** The loss of `program` with element `j` of input `i` moved by `h` (float64, no recording). */
function perturbedLoss(program: Program, i: number, j: number, h: number): number {
  const inputs = inputsOf(program, false);
  (inputs[i]!.data as Float64Array)[j]! += h;
  return noGrad(() => lossOf(run(program, inputs).at(-1)!).item());
}

/** The central difference of the loss along element `j` of input `i`, or null in a kink or non-finite region. */
function centralDifference(program: Program, i: number, j: number, x: number): number | null {
  const h = 1e-6 * Math.max(1, Math.abs(x));
  const d1 = (perturbedLoss(program, i, j, h) - perturbedLoss(program, i, j, -h)) / (2 * h);
  const d2 = (perturbedLoss(program, i, j, h / 4) - perturbedLoss(program, i, j, -h / 4)) / (h / 2);
  if (!Number.isFinite(d1) || !Number.isFinite(d2)) return null;
  // The two steps disagree where a kink (relu, max, where) lies between them: skip that element.
  if (Math.abs(d1 - d2) > 1e-4 * (1 + Math.abs(d1))) return null;
  return d1;
}

/** Checks one program; returns what it did, for the run's tally. */
export function checkProgram(program: Program): 'rejected' | 'checked' | 'fd' | 'singular' {
  const inputs = inputsOf(program, true);
  const values = orRejected(() => run(program, inputs));
  if (values === undefined) return 'rejected';
  for (const v of values) {
    expect(v.shape.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
    expect(v.data.length).toBe(sizeOf(v.shape));
    expect(v.dtype).toBe(program.dtype);
  }
  const out = values.at(-1)!;
  const before = Float64Array.from(out.data);
  const loss = lossOf(out);
  if (!loss.requiresGrad) return 'checked';
  const lossValue = loss.item();
  loss.backward(); // a valid program's backward throws nothing, not even a TapegradError
  expect(Array.from(out.data)).toEqual(Array.from(before));
  inputs.forEach((x) => {
    if (x.grad !== null) {
      expect(x.grad.shape).toEqual(x.shape);
      expect(x.grad.data.length).toBe(x.size);
    }
  });
  if (program.dtype !== 'float64' || !Number.isFinite(lossValue)) return 'checked';
  const i = program.seed % inputs.length;
  const x = inputs[i]!;
  if (x.size === 0) return 'checked';
  const j = Math.floor(program.seed / 7) % x.size;
  const numeric = centralDifference(program, i, j, x.data[j]!);
  if (numeric === null) return 'checked';
  const analytic = x.grad === null ? 0 : x.grad.data[j]!;
  if (Number.isNaN(analytic) && atSingularPoint(program, values)) return 'singular';
  expect(
    Math.abs(analytic - numeric),
    `d loss / d x${i}[${j}]: autodiff ${analytic}, finite difference ${numeric}`,
  ).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(numeric));
  return 'fd';
}

/** Whether a step of `program` produced a value where its op's backward is NaN by convention. */
function atSingularPoint(program: Program, values: readonly Tensor[]): boolean {
  const first = program.shapes.length;
  return program.steps.some((step, k) => FUZZ_OPS[step.op]!.singularAt?.(values[first + k]!) ?? false);
}
