import { describe, expect, it } from 'vitest';
import { buildSeedNetwork } from '../../../examples/src/seed-model.js';
import { tutorialFormulas } from '../../../examples/src/seed-network.js';
import { checkHandDerived, type Scalar, scalar, TapegradError } from '../../src/index.js';
import { closeRel, printed, seed } from '../seed/fixture.js';

type Values = Readonly<Record<string, number>>;
const net = buildSeedNetwork();
const inputs: [Scalar, Scalar] = [net.params.w5, net.params.w1];
const f = (w5: Scalar, w1: Scalar) => buildSeedNetwork(undefined, { w5, w1 }).E_total;
const slope = (o: number) => o * (1 - o);
const v = (values: Values, name: string) => values[name]!;

describe('checkHandDerived with hand formulas, at the given point and random points around it', () => {
  it('the tutorial formulas pass at 50 random points; the points are seeded and reproducible', () => {
    const report = checkHandDerived(f, inputs, tutorialFormulas);
    expect(report.ok, report.toString()).toBe(true);
    expect(report.points).toBe(51);
    expect(report.failedPoints).toBe(0);
    expect(report.worstNumeric!.error).toBeLessThan(1e-8);
    expect(closeRel(report.rows[0]!.hand, seed.gradients.w5!, 1e-12)).toBe(true);
    const again = checkHandDerived(f, inputs, tutorialFormulas);
    expect(again.worstNumeric).toEqual(report.worstNumeric);
    const other = checkHandDerived(f, inputs, tutorialFormulas, { seed: 7, points: 10 });
    expect(other.points).toBe(11);
    expect(other.worstNumeric!.at).not.toBe(report.worstNumeric!.at);
  });

  it('a wrong formula that happens to agree at the given point is caught at the others', () => {
    // Right at w5 = 0.25 only: the formula has w5 where a constant 0.25 should not be.
    const lucky = (values: Values) => ({ w5: (tutorialFormulas(values).w5! * v(values, 'w5')) / 0.25 });
    const report = checkHandDerived(f, inputs, lucky);
    expect(report.rows[0]!.ok).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.failedPoints).toBeGreaterThan(40);
    expect(report.worstAutodiff!.point).toBeGreaterThan(0);
    expect(report.toString()).toMatch(
      /1 of 1 hand-derived gradients are WRONG \('w5'\), at \d+ of 51 points/,
    );
  });

  it('names a forgotten ½: a constant factor 2', () => {
    const report = checkHandDerived(f, inputs, (values) => ({
      w5: -2 * (v(values, 't1') - v(values, 'out_o1')) * slope(v(values, 'out_o1')) * v(values, 'out_h1'),
    }));
    expect(report.ok).toBe(false);
    expect(report.diagnoses).toHaveLength(1);
    expect(report.diagnoses[0]).toMatchObject({ target: 'w5', mistake: 'constant-factor' });
    expect(report.diagnoses[0]!.message).toContain('a forgotten ½');
  });

  it('names a flipped sign: t − o for o − t', () => {
    const report = checkHandDerived(f, inputs, (values) => ({
      w5: (v(values, 't1') - v(values, 'out_o1')) * slope(v(values, 'out_o1')) * v(values, 'out_h1'),
    }));
    expect(report.diagnoses[0]).toMatchObject({ target: 'w5', mistake: 'sign' });
  });

  it('names a missing path, in words with the numbers of each path', () => {
    const report = checkHandDerived(f, inputs, (values) => ({
      w1:
        -(v(values, 't1') - v(values, 'out_o1')) *
        slope(v(values, 'out_o1')) *
        v(values, 'w5') *
        slope(v(values, 'out_h1')) *
        v(values, 'i1'),
    }));
    const d = report.diagnoses[0]!;
    expect(d).toMatchObject({ target: 'w1', mistake: 'missing-path' });
    const [via1, via2] = seed.chain_rule_paths.w1.paths.map((p) => p.product);
    const three = (x: number) => String(Number(x.toPrecision(3))).replace(/^-/, '−');
    expect(d.message).toContain(`your value equals path 1 alone (${three(via1!)})`);
    expect(d.message).toContain(`out_o2`);
    expect(d.message).toContain(`(path 2, +${three(via2!)}) is missing`);
    expect(report.toString()).toContain("diagnosis for 'w1' (missing-path)");
  });

  it('names a path counted twice', () => {
    const report = checkHandDerived(f, inputs, (values) => {
      const viaO1 = -(v(values, 't1') - v(values, 'out_o1')) * slope(v(values, 'out_o1')) * v(values, 'w5');
      const viaO2 = -(v(values, 't2') - v(values, 'out_o2')) * slope(v(values, 'out_o2')) * v(values, 'w7');
      return { w1: (2 * viaO1 + viaO2) * slope(v(values, 'out_h1')) * v(values, 'i1') };
    });
    expect(report.diagnoses[0]).toMatchObject({ target: 'w1', mistake: 'doubled-path' });
    expect(report.diagnoses[0]!.message).toContain('path 1');
  });

  it("names σ'(out) used for σ'(net), and the output formula fed the pre-activation", () => {
    const sigmaPrime = (x: number) => slope(1 / (1 + Math.exp(-x)));
    const atOutput = checkHandDerived(f, inputs, (values) => ({
      w5: -(v(values, 't1') - v(values, 'out_o1')) * sigmaPrime(v(values, 'out_o1')) * v(values, 'out_h1'),
    }));
    expect(atOutput.diagnoses[0]).toMatchObject({ target: 'w5', mistake: 'wrong-value' });
    expect(atOutput.diagnoses[0]!.message).toContain('σ′(out_o1)');
    expect(atOutput.diagnoses[0]!.message).toContain('in place of σ′(l_o1) = 0.2091');
    const fedInput = checkHandDerived(f, inputs, (values) => ({
      w5: -(v(values, 't1') - v(values, 'out_o1')) * slope(v(values, 'l_o1')) * v(values, 'out_h1'),
    }));
    expect(fedInput.diagnoses[0]).toMatchObject({ target: 'w5', mistake: 'wrong-value' });
    expect(fedInput.diagnoses[0]!.message).toContain('l_o1·(1 − l_o1)');
  });

  it('says when none of the usual mistakes fits', () => {
    const report = checkHandDerived(f, inputs, (values) => ({ w5: v(values, 'out_h1') ** 3 }));
    expect(report.diagnoses[0]).toMatchObject({ target: 'w5', mistake: 'none' });
  });
});

describe('hand gradients with respect to labelled intermediates', () => {
  it("the tutorial's ∂E/∂l_o1 and ∂E/∂out_h1: autodiff through the node, differences by nudging it", () => {
    const report = checkHandDerived(f, inputs, (values) => {
      const dl_o1 = -(v(values, 't1') - v(values, 'out_o1')) * slope(v(values, 'out_o1'));
      const dl_o2 = -(v(values, 't2') - v(values, 'out_o2')) * slope(v(values, 'out_o2'));
      return { l_o1: dl_o1, out_h1: dl_o1 * v(values, 'w5') + dl_o2 * v(values, 'w7') };
    });
    expect(report.ok, report.toString()).toBe(true);
    const row = (name: string) => report.rows.find((r) => r.input === name)!;
    expect(row('l_o1').inputIndex).toBe(-1);
    expect(closeRel(row('l_o1').autodiff, seed.backward_intermediates.dE_dl_o1!, 1e-12)).toBe(true);
    expect(closeRel(row('out_h1').numeric, seed.backward_intermediates.dE_dout_h1!, 1e-8)).toBe(true);
  });

  it("the tutorial's printed ∂E/∂l_o1 is its exact value cut to 9 decimals: rounding, not a mistake", () => {
    const hand = printed('dE_o1/dl_o1');
    const strict = checkHandDerived(f, inputs, { l_o1: hand }, { atol: 1e-12, rtol: 0 });
    expect(strict.ok).toBe(false);
    expect(strict.diagnoses[0]).toMatchObject({ target: 'l_o1', mistake: 'rounding' });
    expect(strict.diagnoses[0]!.message).toContain('cut off, not rounded');
    expect(checkHandDerived(f, inputs, { l_o1: hand }, { atol: 1e-9, rtol: 0 }).ok).toBe(true);
  });

  it('a label given after the value was used, or missing, is an error that says what to do', () => {
    const late = (w5: Scalar) => {
      const h = w5.mul(2);
      const y = h.mul(h);
      h.label = 'h';
      return y;
    };
    const w = scalar(0.5, { requiresGrad: true, label: 'w' });
    expect(() => checkHandDerived(late, [w], { h: 2 })).toThrow(/'h' was labelled after 'mul' used it/);
    expect(() => checkHandDerived(late, [w], { nope: 1 })).toThrow(
      /no input or value of the function is labelled 'nope'/,
    );
    const twice = (a: Scalar) => {
      const p = a.mul(2);
      p.label = 'p';
      const q = p.mul(3);
      q.label = 'p';
      return q;
    };
    expect(() => checkHandDerived(twice, [w], { p: 1 })).toThrow(TapegradError);
  });
});

describe('rounding is told from a wrong value', () => {
  it('a value with too few digits to tell is not called rounded; one printed to 9 decimals is', () => {
    const w = scalar(0.3, { requiresGrad: true, label: 'w' });
    const sq = (a: Scalar) => a.mul(a).mul(0.777); // ∂/∂w = 1.554·w = 0.4662
    const coarse = checkHandDerived(sq, [w], [0.5]);
    expect(coarse.diagnoses[0]!.mistake).not.toBe('rounding');
    const rounded = checkHandDerived(sq, [w], [0.466], { atol: 1e-12, rtol: 0 });
    expect(rounded.diagnoses[0]).toMatchObject({ target: 'w', mistake: 'rounding' });
    expect(rounded.diagnoses[0]!.message).toContain('to the 3 decimals printed, rounded');
  });
});
