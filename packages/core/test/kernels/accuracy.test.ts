/**
 * The float32 approximations hold their stated bounds (in ulps of an accurate float64 reference)
 * over dense sweeps, and docs/kernels.md shows exactly the errors measured here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accuracyTable, measure, measureSoftmax, SOFTMAX_BOUND_ULPS, SWEEPS } from './accuracy.js';

describe('float32 kernel accuracy over dense sweeps', () => {
  for (const s of SWEEPS) {
    it(`${s.name} on [${s.lo}, ${s.hi}] is within ${s.boundUlps} ulps`, () => {
      const e = measure(s);
      expect(e.maxUlps, `worst at x = ${e.worstAt}`).toBeLessThanOrEqual(s.boundUlps);
      expect(e.maxUlps).toBeGreaterThan(0); // the sweep really compared something
    });
  }

  it(`softmax and log-softmax are within ${SOFTMAX_BOUND_ULPS.softmax} and ${SOFTMAX_BOUND_ULPS.logSoftmax} ulps`, () => {
    expect(measureSoftmax(false).maxUlps).toBeLessThanOrEqual(SOFTMAX_BOUND_ULPS.softmax);
    expect(measureSoftmax(true).maxUlps).toBeLessThanOrEqual(SOFTMAX_BOUND_ULPS.logSoftmax);
  });

  it('docs/kernels.md shows the table these sweeps measure', () => {
    const doc = readFileSync(new URL('../../../../docs/kernels.md', import.meta.url), 'utf8');
    for (const line of accuracyTable()) expect(doc).toContain(line);
  });
});
