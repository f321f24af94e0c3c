/**
 * The fuzzer: random tensor programs (valid and invalid) must throw nothing but TapegradError,
 * produce data of their shapes' sizes, and give gradients of their inputs' shapes that match
 * central finite differences in float64; random Scalar programs must equal the same program on
 * 0-d float64 tensors. `pnpm test` runs 2,400 tensor programs; `pnpm fuzz` runs more
 * (TAPEGRAD_FUZZ_RUNS, default 20,000), and a failure prints the shrunk program as code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProgram } from './fuzz/check.js';
import { programArb } from './fuzz/program.js';
import { checkScalarProgram, scalarProgramArb } from './fuzz/scalar.js';

const RUNS = Number(process.env.TAPEGRAD_FUZZ_RUNS ?? 2400);
const seed =
  process.env.TAPEGRAD_FUZZ_SEED === undefined ? undefined : Number(process.env.TAPEGRAD_FUZZ_SEED);
const options = (numRuns: number) => ({ numRuns, ...(seed === undefined ? {} : { seed }) });

/** Runs `property` over `arb` and returns how many programs ended each way. */
function tally<T>(arb: fc.Arbitrary<T>, numRuns: number, check: (p: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  fc.assert(
    fc.property(arb, (p) => {
      const outcome = check(p);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }),
    options(numRuns),
  );
  return counts;
}

describe('fuzzed programs', () => {
  it(`${Math.round(RUNS * 0.75)} float64 tensor programs: only TapegradError, data of their shapes, gradients = finite differences`, () => {
    const counts = tally(programArb('float64'), Math.round(RUNS * 0.75), checkProgram);
    console.log('float64 programs:', counts);
    // most programs are valid and most of those get a finite-difference check
    expect(counts.fd ?? 0).toBeGreaterThan(RUNS * 0.3);
    expect(counts.rejected ?? 0).toBeGreaterThan(0);
  });

  it(`${Math.round(RUNS * 0.25)} float32 tensor programs: only TapegradError, data of their shapes, gradients of their inputs' shapes`, () => {
    const counts = tally(programArb('float32'), Math.round(RUNS * 0.25), checkProgram);
    console.log('float32 programs:', counts);
    expect(counts.checked ?? 0).toBeGreaterThan(RUNS * 0.1);
  });

  it(`${Math.round(RUNS / 2)} Scalar programs equal the same programs on 0-d float64 tensors`, () => {
    tally(scalarProgramArb, Math.round(RUNS / 2), checkScalarProgram);
  });
});
