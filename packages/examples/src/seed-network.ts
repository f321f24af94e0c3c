/**
 * The seed walk-through (`pnpm demo`): the tutorial's 2-2-2 sigmoid network (section 2.2) from
 * named Scalars — the whole worked example as the tutorial lays it out (forward values, every
 * gradient in backward order with its formula and numbers, one step of gradient descent), the
 * chain rule for w5 and w1 in symbols, and the tutorial's hand-derived gradients checked, as the
 * numbers it printed and as formulas at random points.
 */
import { pathToFileURL } from 'node:url';
import { backpropWorksheet, checkHandDerived, explainGradient, type Scalar } from '@tapegrad/core';
import { buildSeedNetwork, TUTORIAL_CONFIG, TUTORIAL_HAND_GRADIENTS } from './seed-model.js';

const LEARNING_RATE = 1;

/** σ′ written in the output, as the tutorial does: out·(1 − out). */
const slope = (out: number) => out * (1 - out);

/**
 * The tutorial's derivation of ∂E_total/∂w5 and ∂E_total/∂w1 as formulas in the labelled values
 * (its equations for the two, section 2.2), to be checked everywhere, not at one point.
 */
export function tutorialFormulas(v: Readonly<Record<string, number>>): Record<string, number> {
  const n = (name: string) => v[name]!;
  const dE_dl_o1 = -(n('t1') - n('out_o1')) * slope(n('out_o1'));
  const dE_dl_o2 = -(n('t2') - n('out_o2')) * slope(n('out_o2'));
  return {
    w5: dE_dl_o1 * n('out_h1'),
    w1: (dE_dl_o1 * n('w5') + dE_dl_o2 * n('w7')) * slope(n('out_h1')) * n('i1'),
  };
}

/** Runs the walk-through, printing through `log`. */
export function runSeedWalkthrough(log: (line: string) => void = console.log): void {
  const net = buildSeedNetwork(TUTORIAL_CONFIG);
  log('The seed network: inputs i1, i2 → hidden h1, h2 (sigmoid) → outputs o1, o2 (sigmoid)');
  log('shared biases b1 (hidden) and b2 (output); loss E_total = ½(t1 − out_o1)² + ½(t2 − out_o2)²\n');

  const sheet = backpropWorksheet(net.E_total, { lr: LEARNING_RATE });
  log(sheet.toString());

  log('\nThe chain rule for w5, factor by factor, as the tutorial writes it');
  log(explainGradient(net.E_total, net.params.w5, { symbolic: true }));
  log('\nThe chain rule for w1: two paths, via o1 and via o2');
  log(explainGradient(net.E_total, net.params.w1, { symbolic: true }));

  const f = (w5: Scalar, w1: Scalar) => buildSeedNetwork(TUTORIAL_CONFIG, { w5, w1 }).E_total;
  const inputs = [net.params.w5, net.params.w1] as const;
  log("\nThe tutorial's printed gradients against autodiff and finite differences");
  const printed = [TUTORIAL_HAND_GRADIENTS.w5, TUTORIAL_HAND_GRADIENTS.w1];
  log(checkHandDerived(f, inputs, printed, { atol: 1e-8, rtol: 0 }).toString());
  log('\nThe same two gradients as the tutorial derives them, as formulas, at 50 random points');
  log(checkHandDerived(f, inputs, tutorialFormulas).toString());

  const updated = Object.fromEntries(sheet.update.map((u) => [u.name, u.updated]));
  const after = buildSeedNetwork({
    ...TUTORIAL_CONFIG,
    parameters: { ...TUTORIAL_CONFIG.parameters, ...updated },
  });
  log(
    `\nLoss after the step: E_total = ${after.E_total.value.toFixed(10)} (was ${net.E_total.value.toFixed(10)})`,
  );
}

// Run when executed (`pnpm demo`), not when imported (the tests call runSeedWalkthrough themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runSeedWalkthrough();
