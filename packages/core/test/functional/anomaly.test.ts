import { detectAnomaly, grad, type Scalar, scalar, TapegradError, type Tensor, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

/** Runs `fn` under detectAnomaly and returns the TapegradError it must throw. */
function anomaly(fn: () => unknown): TapegradError {
  try {
    detectAnomaly(fn);
  } catch (e) {
    expect(e).toBeInstanceOf(TapegradError);
    return e as TapegradError;
  }
  throw new Error('detectAnomaly did not throw');
}

// The creation site is the user's code: this file.
const HERE = /anomaly\.test\.ts:\d+/;

describe('detectAnomaly', () => {
  it('names log for the log of a negative number, with where it was created', () => {
    for (const run of [
      () => tensor([2, -1], { requiresGrad: true }).mul(1).log(),
      () => scalar(-1, { requiresGrad: true }).log(),
      () => tensor([-1]).log(), // even when nothing requires grad
    ]) {
      const err = anomaly(run);
      expect(err.op).toBe('log');
      expect(err.message).toMatch(/^log: produced NaN/);
      expect(err.message).toMatch(HERE);
    }
  });

  it('names div for 0/0', () => {
    for (const run of [
      () => tensor([0, 1], { requiresGrad: true }).div(tensor([0, 1])),
      () => scalar(0, { requiresGrad: true }).div(0),
      () => scalar(0).div(scalar(0)),
    ]) {
      const err = anomaly(run);
      expect(err.op).toBe('div');
      expect(err.message).toMatch(/^div: produced NaN/);
      expect(err.message).toMatch(HERE);
    }
  });

  it('names the backward of sqrt at 0 (the forward is fine), and where the sqrt was created', () => {
    const t = tensor([0, 4], { dtype: 'float64', requiresGrad: true });
    const s = scalar(0, { requiresGrad: true });
    for (const run of [
      () => t.sqrt().sum().backward(),
      () => s.sqrt().mul(3).backward(),
      () => grad((x: Scalar) => x.sqrt())(scalar(0)),
      () => grad((x: Tensor) => x.sqrt().sum())(tensor([0])),
    ]) {
      const err = anomaly(run);
      expect(err.op).toBe('sqrt');
      expect(err.message).toMatch(
        /^sqrt: the backward of 'sqrt' produced NaN or Infinity in the gradient of its input/,
      );
      expect(err.message).toMatch(/'sqrt' was created at:\n.*anomaly\.test\.ts:\d+/);
    }
    expect(detectAnomaly(() => t.detach().sqrt().toArray())).toEqual([0, 2]);
  });

  it('names the backward of pow for a fractional power at 0', () => {
    // d/dx x^0.5 at 0 needs 0^-0.5 = Infinity inside pow's backward
    const err = anomaly(() => scalar(0, { requiresGrad: true }).pow(0.5).backward());
    expect(err.op).toBe('pow');
    expect(err.message).toMatch(/backward of 'pow'/);
  });

  it('reports only the first anomaly and leaves values alone outside', () => {
    const x = tensor([-1], { requiresGrad: true });
    const y = x.log(); // outside detectAnomaly: IEEE NaN, no error
    expect(Number.isNaN(y.item())).toBe(true);
    const err = anomaly(() => x.log().sqrt());
    expect(err.op).toBe('log'); // sqrt(NaN) is not reported: its input was already NaN
  });

  it('switches anomaly mode back off, even after throwing', () => {
    anomaly(() => scalar(-1).log());
    expect(Number.isNaN(scalar(-1).log().value)).toBe(true);
    expect(detectAnomaly(() => 42)).toBe(42);
  });
});
