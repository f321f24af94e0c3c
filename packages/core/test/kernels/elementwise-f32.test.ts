/**
 * The float32 SIMD kernels against the float64 JavaScript loops (the reference: `Math` on the
 * same float32 inputs), through the typed-array entry points the op layer calls: every op, every
 * vector tail length, edge values, broadcast layouts, blocks larger than the staging buffers,
 * and in-place use. Accuracy over dense sweeps is in accuracy.test.ts.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { addInto, binary } from '../../src/kernels/binary.js';
import type { BinaryOp, SimdBinaryOp, SimdUnaryOp, UnaryOp } from '../../src/kernels/op-names.js';
import { type ReduceOp, reduceAxis, softmaxAxis } from '../../src/kernels/reduce.js';
import { unary } from '../../src/kernels/unary.js';
import { elementwiseF32 } from '../../src/kernels/wasm/elementwise.js';
import { BYTES_BASE64 } from '../../src/kernels/wasm/elementwise-f32.generated.js';
import { broadcastShapesArb, seedArb } from '../tensor/arbitraries.js';
import { rngFrom } from '../tensor/helpers.js';
import { expectClose, float32Inputs, type Tolerance } from './float32-reference.js';

const EXACT: Tolerance = { ulps: 0 };

/** Each SIMD unary op: its parameters and how close to float64 `Math` it must be. */
const UNARY: Record<SimdUnaryOp, { p?: number; q?: number; tol: Tolerance }> = {
  neg: { tol: EXACT },
  abs: { tol: EXACT },
  sqrt: { tol: EXACT },
  square: { tol: EXACT },
  sign: { tol: EXACT },
  relu: { tol: EXACT },
  clamp: { p: -1.5, q: 2.25, tol: EXACT },
  leakyRelu: { p: 0.01, tol: { ulps: 1 } },
  exp: { tol: { ulps: 2 } },
  log: { tol: { ulps: 2 } },
  expm1: { tol: { ulps: 3 } },
  log1p: { tol: { ulps: 4 } },
  tanh: { tol: { ulps: 3 } },
  sigmoid: { tol: { ulps: 3 } },
  erf: { tol: { ulps: 8 } },
  elu: { p: 1, tol: { ulps: 3 } },
  // The float64 loops cancel in 1 + erf(x/√2) and 1 + tanh(u) for x ≪ 0 (to about 1e−16·|x|);
  // accuracy.test.ts measures both against references that do not.
  gelu: { tol: { ulps: 7, abs: 1e-15 } },
  geluTanh: { tol: { ulps: 5, abs: 1e-15 } },
  softplus: { p: 1, q: 20, tol: { ulps: 6 } },
};

/** The float64 result of a unary op on float32 inputs, rounded to float32. */
function unaryReference(op: UnaryOp, x: Float32Array, p: number, q: number): Float32Array {
  const out = new Float64Array(x.length);
  unary(op, Float64Array.from(x), out, p, q);
  return Float32Array.from(out);
}

describe('float32 WebAssembly kernels: the module', () => {
  it('the committed bytes are those assembled from elementwise-f32.wat', async () => {
    const source = readFileSync(
      new URL('../../src/kernels/wasm/elementwise-f32.wat', import.meta.url),
      'utf8',
    );
    const wabt = await wabtInit();
    const module = wabt.parseWat('elementwise-f32.wat', source, { simd: true });
    const bytes = Buffer.from(module.toBinary({}).buffer).toString('base64');
    module.destroy();
    expect(bytes).toBe(BYTES_BASE64);
  });

  it('elementwise-f32.wat is what the generator writes', async () => {
    const generator = new URL('../../scripts/gen-elementwise-wat.mjs', import.meta.url).href;
    const { ELEMENTWISE_WAT }: { ELEMENTWISE_WAT: string } = await import(/* @vite-ignore */ generator);
    const source = readFileSync(
      new URL('../../src/kernels/wasm/elementwise-f32.wat', import.meta.url),
      'utf8',
    );
    expect(ELEMENTWISE_WAT).toBe(source);
  });

  it('loads in Node, with every op of the kernel tables exported', () => {
    const k = elementwiseF32();
    expect(k).not.toBeNull();
    for (const op of Object.keys(UNARY) as SimdUnaryOp[]) expect(typeof k!.unary[op]).toBe('function');
    expect(k!.heapBase % 64).toBe(0);
  });
});

describe('float32 unary kernels agree with float64 Math', () => {
  for (const [op, { p = 0, q = 0, tol }] of Object.entries(UNARY) as [
    SimdUnaryOp,
    (typeof UNARY)[SimdUnaryOp],
  ][]) {
    it(`${op}: edge values, random values, every tail length, in place`, () => {
      const x = float32Inputs(3000, op.length);
      const got = new Float32Array(x.length);
      unary(op, x, got, p, q);
      expectClose(got, unaryReference(op, x, p, q), tol, op, x);
      for (let n = 0; n <= 9; n++) {
        const part = x.subarray(40, 40 + n);
        const out = new Float32Array(n);
        unary(op, part, out, p, q);
        expectClose(out, got.subarray(40, 40 + n), EXACT, `${op} of length ${n}`);
      }
      const inPlace = x.slice();
      unary(op, inPlace, inPlace, p, q);
      expectClose(inPlace, got, EXACT, `${op} in place`);
    });
  }

  it('runs more elements than one staging block (the blocks join up)', () => {
    const x = float32Inputs(50_003, 7);
    const got = new Float32Array(x.length);
    unary('sigmoid', x, got);
    expectClose(got, unaryReference('sigmoid', x, 0, 0), UNARY.sigmoid.tol, 'sigmoid', x);
  });

  it('softplus honours beta and threshold', () => {
    const x = float32Inputs(2000, 3);
    const got = new Float32Array(x.length);
    unary('softplus', x, got, 2, 5);
    expectClose(
      got,
      unaryReference('softplus', x, 2, 5),
      UNARY.softplus.tol,
      'softplus(β=2, threshold=5)',
      x,
    );
  });
});

/** Each SIMD binary op and its tolerance; the others round the float64 result exactly. */
const BINARY_TOL: Partial<Record<SimdBinaryOp, Tolerance>> = {
  sigmoidGrad: { ulps: 3, abs: 1e-44 },
  tanhGrad: { ulps: 3, abs: 1e-44 },
};
const BINARY_OPS: SimdBinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'maximum',
  'minimum',
  'eq',
  'gt',
  'lt',
  'ge',
  'le',
  'sigmoidGrad',
  'tanhGrad',
  'reluGrad',
];

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Operand values for `op`: the saved value of a fused backward op is a sigmoid or tanh output. */
function operand(op: BinaryOp, n: number, seed: number, second: boolean): Float32Array {
  const x = float32Inputs(n, seed);
  if (second && op === 'sigmoidGrad') return x.map((v) => 1 / (1 + Math.exp(-v)));
  if (second && op === 'tanhGrad') return x.map(Math.tanh);
  return x;
}

function checkBinary(op: SimdBinaryOp, aShape: number[], bShape: number[], outShape: number[], seed: number) {
  const a = operand(op, sizeOf(aShape), seed, false);
  const b = operand(op, sizeOf(bShape), seed + 1, true);
  const got = new Float32Array(sizeOf(outShape));
  binary(op, a, aShape, b, bShape, got, outShape);
  const want = new Float64Array(got.length);
  binary(op, Float64Array.from(a), aShape, Float64Array.from(b), bShape, want, outShape);
  const what = `${op} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`;
  expectClose(got, Float32Array.from(want), BINARY_TOL[op] ?? EXACT, what);
}

/** Shapes reaching every layout: runs, a row vector, a column vector, scalars, both broadcast. */
const LAYOUTS: [number[], number[], number[]][] = [
  [[37], [37], [37]],
  [[37], [1], [37]],
  [[1], [37], [37]],
  [[5, 7], [7], [5, 7]],
  [
    [5, 7],
    [5, 1],
    [5, 7],
  ],
  [
    [5, 1],
    [1, 7],
    [5, 7],
  ],
  [
    [5, 1],
    [1, 1],
    [5, 7],
  ],
  [
    [2, 3, 5, 2],
    [1, 3, 1, 1],
    [2, 3, 5, 2],
  ],
  [[3, 9000], [9000], [3, 9000]],
  [
    [5000, 3],
    [5000, 1],
    [5000, 3],
  ],
  [[20_001], [1], [20_001]],
];

describe('float32 binary kernels agree with float64', () => {
  for (const op of BINARY_OPS) {
    it(`${op}: every broadcast layout, including blocks past the staging size`, () => {
      for (const [aShape, bShape, outShape] of LAYOUTS) checkBinary(op, aShape, bShape, outShape, 11);
    });
  }

  it('over generated broadcast shapes, for every op', () => {
    fc.assert(
      fc.property(
        broadcastShapesArb(2, 4),
        seedArb,
        fc.constantFrom(...BINARY_OPS),
        ([aShape, bShape], seed, op) => {
          const outShape = aShape!.length >= bShape!.length ? aShape!.slice() : bShape!.slice();
          const rank = outShape.length;
          const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
          const full = pad(aShape!).map((d, i) => Math.max(d, pad(bShape!)[i]!));
          checkBinary(op, aShape!, bShape!, full, seed);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('accumulates in place (addInto), across several blocks', () => {
    const acc = float32Inputs(30_000, 4);
    const x = float32Inputs(30_000, 5);
    const want = Float32Array.from(acc, (v, i) => v + x[i]!);
    addInto(acc, x);
    expectClose(acc, want, EXACT, 'addInto');
  });
});

/** Reduction inputs: finite values of mixed signs and magnitudes. */
const finite = (n: number, seed: number) => {
  const rng = rngFrom(seed);
  return Float32Array.from({ length: n }, () => (rng() - 0.45) * 10 ** (rng() * 4 - 2));
};

function checkReduce(op: ReduceOp, x: Float32Array, outer: number, n: number, inner: number) {
  const got = new Float32Array(outer * inner);
  reduceAxis(op, x, outer, n, inner, got);
  const want = new Float64Array(outer * inner);
  reduceAxis(op, Float64Array.from(x), outer, n, inner, want);
  const what = `${op} over [${outer}, ${n}, ${inner}]`;
  if (op === 'sum') {
    // Both accumulate in float64, in different orders: equal to float32 rounding of the total.
    let scale = 0;
    for (const v of x) scale = Math.max(scale, Math.abs(v));
    expectClose(got, Float32Array.from(want), { ulps: 1, abs: 1e-13 * n * scale }, what);
  } else if (op === 'prod') {
    expectClose(got, Float32Array.from(want), { ulps: 2 * n }, what);
  } else {
    expectClose(got, Float32Array.from(want), EXACT, what);
  }
}

describe('float32 reductions agree with float64', () => {
  const layouts: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 1],
    [3, 5, 1],
    [200, 13, 1],
    [2, 20_003, 1],
    [2, 3, 5],
    [3, 17, 9],
    [2, 4, 9001],
    [1, 9000, 3],
  ];
  for (const op of ['sum', 'max', 'min', 'prod'] as ReduceOp[]) {
    it(`${op} along rows and columns, short and past the staging size`, () => {
      for (const [outer, n, inner] of layouts) {
        const x =
          op === 'prod' ? finite(outer * n * inner, n).map((v) => 1 + v / 1e3) : finite(outer * n * inner, n);
        checkReduce(op, x, outer, n, inner);
      }
    });
  }

  it('max and min propagate NaN, and an empty axis gives the identity', () => {
    for (const op of ['max', 'min', 'sum'] as ReduceOp[]) {
      for (const [outer, n, inner] of [
        [1, 9, 1],
        [2, 3, 6],
      ] as const) {
        const x = finite(outer * n * inner, 3);
        x[4] = Number.NaN;
        const got = new Float32Array(outer * inner);
        reduceAxis(op, x, outer, n, inner, got);
        const want = new Float64Array(outer * inner);
        reduceAxis(op, Float64Array.from(x), outer, n, inner, want);
        expectClose(got, Float32Array.from(want), { ulps: 1 }, `${op} with a NaN`);
      }
    }
    const empty = new Float32Array(3);
    reduceAxis('sum', new Float32Array(0), 3, 0, 1, empty);
    expect([...empty]).toEqual([0, 0, 0]);
  });
});

function checkSoftmax(outer: number, n: number, inner: number, log: boolean, x: Float32Array) {
  const got = new Float32Array(x.length);
  softmaxAxis(x, outer, n, inner, got, log);
  const want = new Float64Array(x.length);
  softmaxAxis(Float64Array.from(x), outer, n, inner, want, log);
  const tol = log ? { ulps: 8, abs: 1e-5 } : { ulps: 8, abs: 1e-9 };
  expectClose(
    got,
    Float32Array.from(want),
    tol,
    `${log ? 'logSoftmax' : 'softmax'} over [${outer}, ${n}, ${inner}]`,
  );
}

describe('float32 softmax and log-softmax agree with float64', () => {
  const layouts: [number, number, number][] = [
    [1, 1, 1],
    [5, 3, 1],
    [7, 4, 1],
    [3, 10, 1],
    [2, 17, 1],
    [2, 10_001, 1],
    [2, 3, 5],
    [3, 10, 7],
    [2, 5, 4],
    [1, 3000, 6],
  ];
  for (const log of [false, true]) {
    it(`${log ? 'log-softmax' : 'softmax'} along rows and columns, short and past the staging size`, () => {
      for (const [outer, n, inner] of layouts) {
        const rng = rngFrom(n + inner);
        const x = Float32Array.from({ length: outer * n * inner }, () => 20 * rng() - 10);
        checkSoftmax(outer, n, inner, log, x);
      }
    });
  }

  it('masked logits (−inf) get probability 0, and a row of NaN or all −inf stays NaN', () => {
    for (const log of [false, true]) {
      const x = Float32Array.from([
        1,
        -Infinity,
        2,
        0.5,
        -Infinity,
        3,
        Number.NaN,
        1,
        2,
        3,
        -Infinity,
        -Infinity,
      ]);
      checkSoftmax(4, 3, 1, log, x);
      checkSoftmax(1, 4, 3, log, x);
    }
  });
});
