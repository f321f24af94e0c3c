import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { matmul } from '../../src/kernels/matmul.js';
import { getNumThreads, setNumThreads, taskCounts } from '../../src/kernels/threads/pool.js';
import { BYTES_BASE64, UNSHARED_BYTES_BASE64 } from '../../src/kernels/wasm/gemm-f32.generated.js';

interface WasmGlobal {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    m: object,
    imports: object,
  ) => { exports: { pack(...args: number[]): void; gemm(...args: number[]): void } };
}

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

  it('float32 products spanning several k blocks and tiles, every transpose, match float64', () => {
    // k = 600 crosses two k-block boundaries; 70 × 150 spans two row tiles and two column tiles
    // and ends in partial panels.
    const [m, n, k] = [70, 150, 600];
    const { a, b } = operands(m, n, k, 11);
    const [a32, b32] = [Float32Array.from(a), Float32Array.from(b)];
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const c = new Float32Array(m * n);
      matmul(a32, 0, b32, 0, c, 0, m, n, k, ta, tb);
      const want = reference(a32, b32, m, n, k, ta, tb);
      let worst = 0;
      want.forEach((w, i) => (worst = Math.max(worst, Math.abs(c[i]! - w))));
      expect(worst).toBeLessThan(1e-5 * Math.sqrt(k));
    }
  });

  it('threads change no bits: 1 and 2 threads give identical float32 products', () => {
    const before = getNumThreads();
    const [m, n, k] = [200, 300, 333];
    const { a, b } = operands(m, n, k, 5);
    const [a32, b32] = [Float32Array.from(a), Float32Array.from(b)];
    const run = (threads: number) => {
      setNumThreads(threads);
      const c = new Float32Array(m * n);
      matmul(a32, 0, b32, 0, c, 0, m, n, k, false, true);
      return c;
    };
    try {
      taskCounts.tasks = taskCounts.byCaller = 0;
      const one = run(1);
      expect(taskCounts.byCaller).toBe(taskCounts.tasks);
      expect(one.some((v) => v !== 0)).toBe(true);
      // The worker starts in the background; repeat until it has taken part in a product.
      let shared = false;
      for (let i = 0; i < 2000 && !shared; i++) {
        taskCounts.tasks = taskCounts.byCaller = 0;
        const two = run(2);
        expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
        shared = taskCounts.byCaller < taskCounts.tasks;
      }
      expect(shared).toBe(true);
      expect(getNumThreads()).toBe(2);
    } finally {
      setNumThreads(before);
    }
  });

  it('the unshared build (for pages without SharedArrayBuffer) computes the same bits as the shared one', () => {
    const [m, n, k] = [9, 17, 300];
    const { a, b } = operands(m, n, k, 3);
    // The WebAssembly global, typed here: the tests' lib has no DOM types.
    const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
    const run = (base64: string, shared: boolean) => {
      const memory = new wasm.Memory({ initial: 4, maximum: 16384, shared });
      const bytes = Buffer.from(base64, 'base64');
      const e = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports;
      const heap = new Float32Array(memory.buffer);
      const [raw, pa, pb, pc] = [0, 65536, 131072, 196608];
      heap.set(Float32Array.from(a), raw / 4);
      e.pack(raw, m, k, k, 1, 4, pa);
      heap.set(Float32Array.from(b), raw / 4);
      e.pack(raw, n, k, 1, n, 8, pb);
      const [mp, np] = [Math.ceil(m / 4), Math.ceil(n / 8)];
      e.gemm(pa, pb, pc, np * 32, k, 256, 0, mp, 0, np);
      return Float32Array.from(
        { length: m * n },
        (_, i) => heap[pc / 4 + Math.floor(i / n) * np * 8 + (i % n)]!,
      );
    };
    const unshared = run(UNSHARED_BYTES_BASE64, false);
    expect(Buffer.from(unshared.buffer).equals(Buffer.from(run(BYTES_BASE64, true).buffer))).toBe(true);
    const want = reference(Float32Array.from(a), Float32Array.from(b), m, n, k, false, false);
    want.forEach((w, i) => expect(Math.abs(unshared[i]! - w)).toBeLessThan(1e-4));
  });

  it('the committed WebAssembly bytes are those assembled from gemm-f32.wat, shared and not', async () => {
    const source = readFileSync(new URL('../../src/kernels/wasm/gemm-f32.wat', import.meta.url), 'utf8');
    const wabt = await wabtInit();
    const assemble = (text: string) => {
      const module = wabt.parseWat('gemm-f32.wat', text, { simd: true, threads: true });
      const bytes = Buffer.from(module.toBinary({}).buffer).toString('base64');
      module.destroy();
      return bytes;
    };
    expect(source).toMatch(/\(memory [^)]* shared\)/);
    expect(assemble(source)).toBe(BYTES_BASE64);
    expect(assemble(source.replace(/(\(memory[^)]*?) shared\)/, '$1)'))).toBe(UNSHARED_BYTES_BASE64);
  });
});
