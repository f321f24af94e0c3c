import { describe, expect, it } from 'vitest';
import { runSeedWalkthrough } from '../../../examples/src/seed-network.js';
import { seed } from './fixture.js';

/** A number as the reports print it: ten significant digits, a real minus sign. */
const ten = (v: number) => String(Number(v.toPrecision(10))).replace(/^-/, '−');

describe('the seed walk-through (pnpm demo)', () => {
  const lines: string[] = [];
  runSeedWalkthrough((line) => lines.push(...line.split('\n')));
  const text = lines.join('\n');

  it('prints the worksheet: every forward value, every gradient and every updated parameter of the fixture', () => {
    expect(text).toContain('Forward pass, in creation order');
    for (const [name, v] of Object.entries(seed.forward)) {
      const line = lines.find((l) => l.trim().startsWith(`${name} = `));
      expect(line, name).toBeDefined();
      expect(line!.endsWith(`= ${ten(v)}`), `${line} should end with ${ten(v)}`).toBe(true);
    }
    for (const [name, g] of Object.entries(seed.gradients)) {
      const at = lines.findIndex((l) => l.trim().startsWith(`∂E_total/∂${name} = `));
      expect(at, name).toBeGreaterThanOrEqual(0);
      // The chain ends on its value: the first line after it that is not a continuation.
      let end = at;
      while (lines[end + 1]?.trim().startsWith('= ')) end++;
      expect(lines[end]!.endsWith(`= ${ten(g)}`), `${lines[end]} should end with ${ten(g)}`).toBe(true);
    }
    for (const [name, v] of Object.entries(seed.updated_parameters)) {
      const line = lines.find((l) => l.trim().startsWith(`${name}⁺ = `))!;
      expect(line.endsWith(`= ${ten(v)}`), line).toBe(true);
    }
  });

  it('explains w5 and w1 in symbols, checks the printed gradients and the formulas, and takes one step', () => {
    expect(text).toContain('∂out_o1/∂l_o1 = out_o1·(1 − out_o1) = 0.2090716728');
    expect(text).toContain('path 2: E_total → E_o2 → out_o2 → l_o2 → out_h1 → l_h1 → w1');
    expect(text).toContain(
      'all 2 hand-derived gradients agree with autodiff and finite differences (atol 1e-8',
    );
    expect(text).toContain('at the given point and 50 random points around it');
    const after = /Loss after the step: E_total = ([\d.]+)/.exec(text);
    expect(Number(after![1])).toBeCloseTo(seed.after_step.loss, 10);
  });
});
