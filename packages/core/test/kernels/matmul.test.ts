import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { matmul } from '../../src/kernels/matmul.js';
import { BYTES_BASE64 } from '../../src/kernels/wasm/gemm-f32.generated.js';

/** The textbook triple loop, in float64. */
function reference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      c[i * n + j] = s;
    }
  return c;
}

const dims = fc.record({
  m: fc.integer({ min: 1, max: 13 }),
  n: fc.integer({ min: 1, max: 19 }),
  k: fc.integer({ min: 1, max: 40 }),
  ta: fc.boolean(),
  tb: fc.boolean(),
  seed: fc.integer(),
});

function operands(m: number, n: number, k: number, seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  return { a: Float64Array.from({ length: m * k }, next), b: Float64Array.from({ length: k * n }, next) };
}

describe('matmul kernel', () => {
  it('float64 (packed JS kernel) equals the triple loop for every transpose flag, at offsets', () => {
    fc.assert(
      fc.property(dims, ({ m, n, k, ta, tb, seed }) => {
        const { a, b } = operands(m, n, k, seed);
        const pad = (x: Float64Array, at: number) => Float64Array.from([...new Array(at).fill(9), ...x]);
        const c = new Float64Array(2 + m * n + 3).fill(7);
        matmul(pad(a, 3), 3, pad(b, 5), 5, c, 2, m, n, k, ta, tb);
        const want = reference(a, b, m, n, k, ta, tb);
        want.forEach((w, i) => expect(Math.abs(c[2 + i]! - w)).toBeLessThan(1e-12));
        expect([c[0], c[1], c[2 + m * n]]).toEqual([7, 7, 7]);
      }),
      { numRuns: 150 },
    );
  });

  it('float32 (WebAssembly SIMD kernel) equals the float64 product within float32 rounding', () => {
    fc.assert(
      fc.property(dims, ({ m, n, k, ta, tb, seed }) => {
        const { a, b } = operands(m, n, k, seed);
        const c = new Float32Array(1 + m * n + 2).fill(7);
        matmul(Float32Array.from(a), 0, Float32Array.from(b), 0, c, 1, m, n, k, ta, tb);
        const want = reference(Float32Array.from(a), Float32Array.from(b), m, n, k, ta, tb);
        want.forEach((w, i) => expect(Math.abs(c[1 + i]! - w)).toBeLessThan(1e-5 * Math.sqrt(k)));
        expect([c[0], c[1 + m * n]]).toEqual([7, 7]);
      }),
      { numRuns: 150 },
    );
  });

  it('the committed WebAssembly bytes are those assembled from gemm-f32.wat', async () => {
    const source = readFileSync(new URL('../../src/kernels/wasm/gemm-f32.wat', import.meta.url), 'utf8');
    const wabt = await wabtInit();
    const module = wabt.parseWat('gemm-f32.wat', source, { simd: true });
    const bytes = Buffer.from(module.toBinary({}).buffer).toString('base64');
    module.destroy();
    expect(bytes).toBe(BYTES_BASE64);
  });
});
