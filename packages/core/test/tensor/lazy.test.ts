/**
 * Lazily fused elementwise chains must be invisible: the same bits as eager evaluation (float64),
 * eager semantics under in-place updates, gradients that check, and no buffer handed back to the
 * pool while someone can still read it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck, noGrad, randn, type Tensor, tensor } from '../../src/index.js';
import { BINARY_RULES, UNARY_RULES } from '../../src/math/rules.js';

const N = 1500; // above the size from which elementwise results are left pending
const f64 = { dtype: 'float64' as const };
const data = (t: Tensor) => Array.from(t.data);
const pending = (t: Tensor) => t._data === null;

describe('lazily fused elementwise chains', () => {
  it('leave large results pending, compute small ones at once', () => {
    const big = randn([N], f64);
    const small = randn([8], f64);
    expect(pending(big.exp().mul(2))).toBe(true);
    expect(pending(small.exp().mul(2))).toBe(false);
  });

  it('give the same bits as the per-element rules, for random chains over every rule', () => {
    const unary = Object.values(UNARY_RULES);
    const binary = Object.values(BINARY_RULES);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), fc.nat(), (picks, seed) => {
        const x = randn([N], f64);
        const y = randn([N], f64);
        let t: Tensor = x;
        let ref = Float64Array.from(x.data);
        const yv = y.data;
        picks.forEach((pick, k) => {
          if ((pick + seed + k) % 3 === 0) {
            const rule = binary[pick % binary.length]!;
            t = (t as unknown as Record<string, (o: Tensor) => Tensor>)[rule.name]!.call(t, y);
            ref = ref.map((v, i) => rule.value(v, yv[i]!));
          } else {
            const rule = unary[pick % unary.length]!;
            const [p, q] = rule.name === 'clamp' ? [-1, 1] : rule.name === 'softplus' ? [1, 20] : [0.5, 0];
            t = applyUnary(t, rule.name, p, q);
            ref = ref.map((v) => rule.value(v, p, q));
          }
        });
        expect(
          data(t).map((v, i) => Object.is(v, ref[i]) || (Number.isNaN(v) && Number.isNaN(ref[i]!))),
        ).not.toContain(false);
      }),
      { numRuns: 60 },
    );
  });

  it('a full sum consumes the chain without storing it, and equals the stored chain summed', () => {
    const x = randn([N], f64);
    const chain = () => x.sigmoid().mul(x.tanh());
    const fused = chain().sum().item();
    const stored = chain();
    void stored.data; // computed into a buffer
    let s = 0;
    for (const v of stored.data) s += v;
    expect(fused).toBe(s);
  });

  it('keep eager semantics when an input is then changed in place (also through a detached view)', () => {
    const x = tensor(
      Array.from({ length: N }, (_, i) => i / N),
      f64,
    );
    const before = Array.from(x.data, (v) => Math.exp(v) * 2);
    const y = x.exp().mul(2);
    const view = x.detach();
    view.add_(1);
    expect(data(y)).toEqual(before);
    const z = x.neg();
    const negated = Array.from(x.data, (v) => -v);
    x.mul_(3);
    expect(data(z)).toEqual(negated);
  });

  it('gradients through fused forward and backward passes check against finite differences', () => {
    const x = randn([40, 40], f64).mul(0.5);
    const report = gradcheck((a: Tensor) => a.sigmoid().mul(a.tanh()).add(a.square().mul(0.1)).sum(), [x], {
      fullJacobianLimit: 10,
    });
    expect(report.ok, report.toString()).toBe(true);
  });

  it('float32 backward of sigmoid, tanh and relu as one fused step agrees with float64', () => {
    const x64 = randn([N], f64).mul(2);
    for (const op of ['sigmoid', 'tanh', 'relu'] as const) {
      const x32 = x64.float().requiresGrad_();
      const xd = x64.detach().requiresGrad_();
      x32[op]().mul(x32).sum().backward();
      xd[op]().mul(xd).sum().backward();
      const worst = Math.max(...Array.from(x32.grad!.data, (v, i) => Math.abs(v - xd.grad!.data[i]!)));
      expect(worst, op).toBeLessThan(1e-5);
    }
  });

  it('backward adds into an existing .grad in place, without a buffer for the new gradient', () => {
    const x = randn([N], f64).requiresGrad_();
    x.mul(x).sum().backward();
    x.mul(x).sum().backward(); // .grad now the engine's own buffer
    const buffer = x.grad!.data;
    x.mul(x).sum().backward();
    expect(x.grad!.data).toBe(buffer);
    expect(data(x.grad!)).toEqual(Array.from(x.data, (v) => 2 * v + 2 * v + 2 * v));
  });

  it('a forward value computed during backward is not handed back to the buffer pool', () => {
    const x = randn([N], f64).requiresGrad_();
    const h = x.exp(); // pending until something reads it
    const loss = h.mul(x).sum();
    loss.backward(); // the gradient of x reads h inside backward
    const kept = Array.from(h.data);
    noGrad(() => randn([N], f64).mul(3).add(1).data); // reuses whatever the pool holds
    expect(data(h)).toEqual(kept);
    expect(data(h)).toEqual(Array.from(x.data, Math.exp));
  });

  it('long chains are cut into bounded programs and stay correct', () => {
    let t = tensor(new Array(N).fill(1), f64);
    for (let i = 0; i < 1000; i++) t = t.mul(1.0001).add(0.0001);
    const expected = (() => {
      let v = 1;
      for (let i = 0; i < 1000; i++) v = v * 1.0001 + 0.0001;
      return v;
    })();
    expect(t.data[0]).toBe(expected);
    expect(t.data[N - 1]).toBe(expected);
  });
});

function applyUnary(t: Tensor, name: string, p: number, q: number): Tensor {
  switch (name) {
    case 'leakyRelu':
      return t.leakyRelu(p);
    case 'elu':
      return t.elu(p);
    case 'softplus':
      return t.softplus({ beta: p, threshold: q });
    case 'clamp':
      return t.clamp(p, q);
    case 'geluTanh':
      return t.gelu({ approximate: 'tanh' });
    default:
      return (t as unknown as Record<string, () => Tensor>)[name]!.call(t);
  }
}
