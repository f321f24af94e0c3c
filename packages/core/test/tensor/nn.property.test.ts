/**
 * Adjoint tests for matmul (1-D, 2-D, batched with broadcasting), softmax, logSoftmax,
 * layerNorm, conv2d (stride, padding, bias) and maxPool2d; then second derivatives.
 */
import { describe, it } from 'vitest';
import { nnCases } from './cases-nn.js';

describe('nn ops: adjoint test with a random cotangent (float64)', () => {
  for (const c of nnCases) it(c.name, () => c.adjoint());
});

describe('nn ops: second derivatives through createGraph (float64)', () => {
  for (const c of nnCases) it(c.name, () => c.secondOrder());
});
