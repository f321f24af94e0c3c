/**
 * Adjoint tests for every differentiable reduction, with `axis` undefined, a single (maybe
 * negative) axis or a list of axes, and `keepdims` both ways; then second derivatives.
 */
import { describe, it } from 'vitest';
import { reductionCases } from './cases-reduce.js';

describe('reductions: adjoint test with a random cotangent (float64)', () => {
  for (const c of reductionCases) it(c.name, () => c.adjoint());
});

describe('reductions: second derivatives through createGraph (float64)', () => {
  for (const c of reductionCases) it(c.name, () => c.secondOrder());
});
