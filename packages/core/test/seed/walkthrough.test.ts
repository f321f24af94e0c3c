import { describe, expect, it } from 'vitest';
import { runSeedWalkthrough } from '../../../examples/src/seed-network.js';
import { seed } from './fixture.js';

describe('the seed walk-through (pnpm demo)', () => {
  const lines: string[] = [];
  runSeedWalkthrough((line) => lines.push(...line.split('\n')));
  const text = lines.join('\n');
  const printedValue = (prefix: string) => {
    const line = lines.find((l) => l.trim().startsWith(prefix));
    if (!line) throw new Error(`no line starting with ${prefix}`);
    return Number(/=\s*(-?[\d.]+)/.exec(line)![1]);
  };

  it('prints every forward value and every gradient of the fixture', () => {
    for (const [name, v] of Object.entries(seed.forward)) expect(printedValue(`${name} `)).toBeCloseTo(v, 10);
    for (const [name, g] of Object.entries(seed.gradients))
      expect(printedValue(`∂E_total/∂${name}`)).toBeCloseTo(g, 12);
  });

  it('explains w5 and w1, accepts the hand gradients, and takes one step to the fixture’s loss', () => {
    expect(text).toContain('path 1: E_total → E_o1 → out_o1 → l_o1 → w5');
    expect(text).toContain('2 paths');
    expect(text).toContain('all 2 hand-derived gradients agree');
    const after = /Loss after the step: E_total = ([\d.]+)/.exec(text);
    expect(Number(after![1])).toBeCloseTo(seed.after_step.loss, 10);
    for (const [name, v] of Object.entries(seed.updated_parameters)) {
      const line = lines.find((l) => l.trim().startsWith(`${name}:`))!;
      expect(Number(line.split('→')[1])).toBeCloseTo(v, 10);
    }
  });
});
