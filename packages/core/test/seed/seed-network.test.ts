import { describe, expect, it } from 'vitest';
import {
  buildSeedNetwork,
  TUTORIAL_CONFIG,
  TUTORIAL_HAND_GRADIENTS,
} from '../../../examples/src/seed-model.js';
import { noGrad } from '../../src/index.js';
import { buildFromEquations, closeRel, printed, seed } from './fixture.js';

const REL = 1e-12;

describe('the seed network reproduces the fixture exactly', () => {
  const env = buildFromEquations(seed.parameters);
  env.E_total!.backward();

  it('every forward value', () => {
    expect(Object.keys(seed.forward)).toHaveLength(11);
    for (const [name, expected] of Object.entries(seed.forward)) {
      expect(closeRel(env[name]!.value, expected, REL), `${name}: ${env[name]!.value} vs ${expected}`).toBe(
        true,
      );
    }
  });

  it('all ten gradients, the shared biases included', () => {
    expect(Object.keys(seed.gradients).sort()).toEqual([
      'b1',
      'b2',
      'w1',
      'w2',
      'w3',
      'w4',
      'w5',
      'w6',
      'w7',
      'w8',
    ]);
    for (const [name, expected] of Object.entries(seed.gradients)) {
      expect(closeRel(env[name]!.grad, expected, REL), `${name}: ${env[name]!.grad} vs ${expected}`).toBe(
        true,
      );
    }
  });

  it('one step of gradient descent: the updated parameters, forward values and loss', () => {
    const updated: Record<string, number> = {};
    noGrad(() => {
      for (const name of Object.keys(seed.parameters)) {
        const p = env[name]!;
        p.value -= seed.learning_rate * p.grad;
        updated[name] = p.value;
      }
    });
    for (const [name, expected] of Object.entries(seed.updated_parameters)) {
      expect(closeRel(updated[name]!, expected, REL), `${name}: ${updated[name]} vs ${expected}`).toBe(true);
    }
    const after = buildFromEquations(updated);
    for (const [name, expected] of Object.entries(seed.after_step.forward)) {
      expect(closeRel(after[name]!.value, expected, REL), `${name} after the step`).toBe(true);
    }
    expect(closeRel(after.E_total!.value, seed.after_step.loss, REL)).toBe(true);
    expect(after.E_total!.value).toBeLessThan(env.E_total!.value);
  });
});

describe('the example package builds the same network', () => {
  it('matches the fixture’s inputs, forward values and gradients', () => {
    expect(TUTORIAL_CONFIG.parameters).toEqual(seed.parameters);
    expect(TUTORIAL_CONFIG.inputs).toEqual(seed.inputs);
    expect(TUTORIAL_CONFIG.targets).toEqual(seed.targets);
    const net = buildSeedNetwork();
    net.E_total.backward();
    for (const [name, expected] of Object.entries(seed.forward)) {
      expect(closeRel(net[name as keyof typeof net & 'E_total'].value, expected, REL), name).toBe(true);
    }
    for (const [name, expected] of Object.entries(seed.gradients)) {
      expect(closeRel(net.params[name as 'w1'].grad, expected, REL), name).toBe(true);
    }
  });

  it('holds the hand gradients the source prints', () => {
    expect(TUTORIAL_HAND_GRADIENTS.w5).toBe(printed('dE_total/dw5'));
    expect(TUTORIAL_HAND_GRADIENTS.w1).toBe(printed('dE_total/dw1'));
  });
});
