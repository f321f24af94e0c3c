/**
 * Adjoint tests for the shape and indexing ops: reshape, transpose, permute, expand, squeeze,
 * unsqueeze, flatten, slice, select, gather, indexSelect, concat and stack, over generated shapes
 * (size-1 axes and 0-d where meaningful); then second derivatives.
 */
import { describe, it } from 'vitest';
import { shapeCases } from './cases-shape.js';

describe('shape and indexing ops: adjoint test with a random cotangent (float64)', () => {
  for (const c of shapeCases) it(c.name, () => c.adjoint());
});

describe('shape and indexing ops: second derivatives through createGraph (float64)', () => {
  for (const c of shapeCases) it(c.name, () => c.secondOrder());
});
