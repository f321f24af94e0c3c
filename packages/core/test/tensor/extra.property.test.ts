/**
 * Adjoint tests (finite differences in float64 against a random cotangent), second derivatives
 * through createGraph, and float32-vs-float64 agreement for sort, topk, cumsum, cumprod, einsum,
 * t, T, conv1d and convTranspose2d over generated shapes and options.
 */
import { describe, it } from 'vitest';
import { extraCases } from './cases-extra.js';

describe('sorting, scans, einsum, transposes, conv1d, convTranspose2d: adjoint test (float64)', () => {
  for (const c of extraCases) it(c.name, () => c.adjoint());
});

describe('sorting, scans, einsum, transposes, conv1d, convTranspose2d: second derivatives', () => {
  for (const c of extraCases) it(c.name, () => c.secondOrder());
});

describe('sorting, scans, einsum, transposes, conv1d, convTranspose2d: float32 agrees with float64', () => {
  for (const c of extraCases) it(c.name, () => c.float32());
});
