/**
 * Adjoint tests (random cotangent vs central differences, float64) for every elementwise op,
 * over generated shapes with broadcasting, size-1 axes and 0-d tensors; then the same ops through
 * a second, createGraph-recorded backward.
 */
import { describe, it } from 'vitest';
import { elementwiseCases } from './cases-elementwise.js';

describe('elementwise ops: adjoint test with a random cotangent (float64)', () => {
  for (const c of elementwiseCases) it(c.name, () => c.adjoint());
});

describe('elementwise ops: second derivatives through createGraph (float64)', () => {
  for (const c of elementwiseCases) it(c.name, () => c.secondOrder());
});
