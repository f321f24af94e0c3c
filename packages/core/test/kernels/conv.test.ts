import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConvGeometry, maxPool2d } from '../../src/kernels/conv.js';
import { convForward, convInputGrad, convWeightGrad } from '../../src/kernels/conv-gemm.js';
import { getNumThreads, setNumThreads, taskCounts } from '../../src/kernels/threads/pool.js';

/** The definition, in float64: out[n,o,i,j] = Σ_{c,a,b} w[o,c,a,b] · xpad[n,c,i·sh+a,j·sw+b]. */
function direct(x: Float64Array, w: Float64Array, batch: number, o: number, g: ConvGeometry) {
  const out = new Float64Array(batch * o * g.oh * g.ow);
  for (let n = 0; n < batch; n++)
    for (let q = 0; q < o; q++)
      for (let i = 0; i < g.oh; i++)
        for (let j = 0; j < g.ow; j++) {
          let s = 0;
          for (let c = 0; c < g.c; c++)
            for (let a = 0; a < g.kh; a++)
              for (let b = 0; b < g.kw; b++) {
                const y = i * g.sh - g.ph + a;
                const xx = j * g.sw - g.pw + b;
                if (y < 0 || y >= g.h || xx < 0 || xx >= g.w) continue;
                s += w[((q * g.c + c) * g.kh + a) * g.kw + b]! * x[((n * g.c + c) * g.h + y) * g.w + xx]!;
              }
          out[((n * o + q) * g.oh + i) * g.ow + j] = s;
        }
  return out;
}

const geometry = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    o: fc.integer({ min: 1, max: 6 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 2 }),
    pw: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer(),
  })
  .filter((d) => d.h + 2 * d.ph >= d.kh && d.w + 2 * d.pw >= d.kw)
  .map((d) => ({
    ...d,
    g: {
      c: d.c,
      h: d.h,
      w: d.w,
      kh: d.kh,
      kw: d.kw,
      sh: d.sh,
      sw: d.sw,
      ph: d.ph,
      pw: d.pw,
      oh: Math.floor((d.h + 2 * d.ph - d.kh) / d.sh) + 1,
      ow: Math.floor((d.w + 2 * d.pw - d.kw) / d.sw) + 1,
    } satisfies ConvGeometry,
  }));

function values(size: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from(
    { length: size },
    () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5,
  );
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('batched im2col convolution kernels', () => {
  it('forward equals the definition, and both gradients satisfy ⟨conv(x,w), dy⟩ = ⟨x, dx⟩ = ⟨w, dw⟩, in float32 and float64', () => {
    fc.assert(
      fc.property(geometry, ({ batch, o, g, seed }) => {
        const xs = values(batch * g.c * g.h * g.w, seed);
        const ws = values(o * g.c * g.kh * g.kw, seed + 1);
        const dys = values(batch * o * g.oh * g.ow, seed + 2);
        const want = direct(xs, ws, batch, o, g);
        const y = dot(want, dys);
        for (const Ctor of [Float32Array, Float64Array]) {
          const tol = Ctor === Float32Array ? 1e-5 : 1e-12;
          const [x, w, dy] = [Ctor.from(xs), Ctor.from(ws), Ctor.from(dys)];
          const out = new Ctor(want.length);
          convForward(x, w, null, out, batch, o, g);
          want.forEach((v, i) => expect(Math.abs(out[i]! - v)).toBeLessThan(tol * 10));
          const bias = Ctor.from(values(o, seed + 3));
          const plane = g.oh * g.ow;
          convForward(x, w, bias, out, batch, o, g);
          want.forEach((v, i) => {
            const channel = Math.floor(i / plane) % o;
            expect(Math.abs(out[i]! - (v + bias[channel]!))).toBeLessThan(tol * 10);
          });
          const dx = new Ctor(x.length);
          convInputGrad(dy, w, dx, batch, o, g);
          const dw = new Ctor(w.length);
          convWeightGrad(x, dy, dw, batch, o, g);
          expect(Math.abs(dot(xs, dx) - y)).toBeLessThan(tol * 100);
          expect(Math.abs(dot(ws, dw) - y)).toBeLessThan(tol * 100);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('max pooling takes each window maximum and its first position, padding excluded', () => {
    fc.assert(
      fc.property(geometry, ({ batch, g, seed }) => {
        if (g.ph * 2 > g.kh || g.pw * 2 > g.kw) return;
        const x = Float32Array.from(values(batch * g.c * g.h * g.w, seed).map((v) => Math.round(v * 4)));
        const out = new Float32Array(batch * g.c * g.oh * g.ow);
        const arg = new Int32Array(out.length);
        maxPool2d(x, batch, g, out, arg);
        let o = 0;
        for (let plane = 0; plane < batch * g.c; plane++)
          for (let i = 0; i < g.oh; i++)
            for (let j = 0; j < g.ow; j++, o++) {
              let best = -Infinity;
              let at = -1;
              for (let a = 0; a < g.kh; a++)
                for (let b = 0; b < g.kw; b++) {
                  const yy = i * g.sh - g.ph + a;
                  const xx = j * g.sw - g.pw + b;
                  if (yy < 0 || yy >= g.h || xx < 0 || xx >= g.w) continue;
                  const k = (plane * g.h + yy) * g.w + xx;
                  if (x[k]! > best) [best, at] = [x[k]!, k];
                }
              expect([out[o], arg[o]]).toEqual([best, at]);
            }
      }),
      { numRuns: 120 },
    );
  });

  it('threads change no bits: a batch big enough to split gives identical results on 1 and 2 threads', () => {
    const [batch, o] = [16, 8];
    const g: ConvGeometry = { c: 4, h: 20, w: 20, kh: 5, kw: 5, sh: 1, sw: 1, ph: 1, pw: 1, oh: 18, ow: 18 };
    const x = Float32Array.from(values(batch * g.c * g.h * g.w, 1));
    const w = Float32Array.from(values(o * g.c * g.kh * g.kw, 2));
    const dy = Float32Array.from(values(batch * o * g.oh * g.ow, 3));
    const run = () => {
      const out = new Float32Array(dy.length);
      const dx = new Float32Array(x.length);
      const dw = new Float32Array(w.length);
      convForward(x, w, null, out, batch, o, g);
      convInputGrad(dy, w, dx, batch, o, g);
      convWeightGrad(x, dy, dw, batch, o, g);
      return Buffer.concat([out, dx, dw].map((a) => Buffer.from(a.buffer)));
    };
    const before = getNumThreads();
    try {
      setNumThreads(1);
      const one = run();
      setNumThreads(2);
      let shared = false;
      for (let i = 0; i < 2000 && !shared; i++) {
        taskCounts.tasks = taskCounts.byCaller = 0;
        expect(run().equals(one)).toBe(true);
        shared = taskCounts.byCaller < taskCounts.tasks;
      }
      expect(shared).toBe(true);
    } finally {
      setNumThreads(before);
    }
  });
});
