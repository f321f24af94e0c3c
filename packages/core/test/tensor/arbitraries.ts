/**
 * fast-check generators for tensor shapes: small ranks and sizes (so every property runs in
 * milliseconds), with size-1 axes, 0-d tensors and broadcasting shape tuples.
 */
import fc from 'fast-check';

/** A seed for the values of one run (values come from `rngFrom(seed)` in helpers). */
export const seedArb = fc.integer({ min: 1, max: 0x7fffffff });

/** A shape of rank `minRank..maxRank` with sizes `1..maxDim` (1 is common on purpose). */
export const shapeArb = (minRank = 0, maxRank = 3, maxDim = 3): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/**
 * `count` shapes that broadcast together: each is a suffix of one output shape with some axes
 * set to 1 (missing leading axes, size-1 axes and 0-d shapes all occur).
 */
export const broadcastShapesArb = (count: number, maxRank = 3): fc.Arbitrary<number[][]> =>
  shapeArb(0, maxRank, 3).chain((out) =>
    fc.tuple(
      ...Array.from({ length: count }, () =>
        fc
          .tuple(
            fc.integer({ min: 0, max: out.length }),
            fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
          )
          .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d))),
      ),
    ),
  );

/**
 * A reduction's axis argument for `rank`: undefined (all axes), one axis (maybe negative), or a
 * list of distinct axes (maybe negative).
 */
export const axisArb = (rank: number): fc.Arbitrary<number | number[] | undefined> => {
  if (rank === 0) return fc.constantFrom(undefined, [] as number[]);
  const one = fc.integer({ min: 0, max: rank - 1 }).chain((a) => fc.constantFrom(a, a - rank));
  const many = fc
    .subarray(
      Array.from({ length: rank }, (_, i) => i),
      { minLength: 1 },
    )
    .chain((axes) =>
      fc
        .array(fc.boolean(), { minLength: axes.length, maxLength: axes.length })
        .map((neg) => axes.map((a, i) => (neg[i] ? a - rank : a))),
    );
  return fc.oneof(fc.constant(undefined), one, many);
};

/** Property-run counts: enough to cover shapes, few enough that each file takes seconds. */
export const RUNS = { numRuns: 40 };
