/**
 * The same ops on float32 copies of the inputs agree with float64 within float32 tolerance, in
 * both the values and the gradients (same cotangent), over the generated shapes of every case.
 */
import { describe, it } from 'vitest';
import { elementwiseCases } from './cases-elementwise.js';
import { nnCases } from './cases-nn.js';
import { reductionCases } from './cases-reduce.js';
import { shapeCases } from './cases-shape.js';

describe('float32 results agree with float64', () => {
  for (const c of [...elementwiseCases, ...reductionCases, ...shapeCases, ...nnCases]) {
    it(c.name, () => c.float32());
  }
});
