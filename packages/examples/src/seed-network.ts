/**
 * The seed walk-through (`pnpm demo`): the tutorial's 2-2-2 sigmoid network (section 2.2) from
 * named Scalars — every forward value, the loss, every gradient, the chain rule path by path for
 * w5 and w1, the tutorial's hand-derived gradients checked, and one step of gradient descent.
 */
import { pathToFileURL } from 'node:url';
import { checkHandDerived, explainGradient, noGrad } from '@tapegrad/core';
import {
  buildSeedNetwork,
  FORWARD_NAMES,
  PARAMETER_NAMES,
  TUTORIAL_CONFIG,
  TUTORIAL_HAND_GRADIENTS,
} from './seed-model.js';

const LEARNING_RATE = 1;
const fmt = (v: number) => v.toFixed(10);

/** Runs the walk-through, printing through `log`. */
export function runSeedWalkthrough(log: (line: string) => void = console.log): void {
  const net = buildSeedNetwork(TUTORIAL_CONFIG);

  log('The seed network: inputs i1, i2 → hidden h1, h2 (sigmoid) → outputs o1, o2 (sigmoid)');
  log('shared biases b1 (hidden) and b2 (output); loss E_total = ½(0.85 − out_o1)² + ½(0.30 − out_o2)²\n');
  log('Forward pass');
  for (const name of FORWARD_NAMES) log(`  ${name.padEnd(7)} = ${fmt(net[name].value)}`);
  log(`\nLoss: E_total = ${fmt(net.E_total.value)}\n`);

  // Keep the graph: explainGradient reads the backward closures after this pass.
  net.E_total.backward({ retainGraph: true });
  log('Gradients (one backward pass)');
  for (const name of PARAMETER_NAMES)
    log(`  ∂E_total/∂${name.padEnd(2)} = ${net.params[name].grad.toFixed(12)}`);

  log('\nThe chain rule for w5, as the tutorial writes it');
  log(explainGradient(net.E_total, net.params.w5));
  log('\nThe chain rule for w1: two paths, via o1 and via o2');
  log(explainGradient(net.E_total, net.params.w1));

  log("\nThe tutorial's hand-derived gradients against autodiff and finite differences");
  const report = checkHandDerived(
    (w5, w1) => buildSeedNetwork(TUTORIAL_CONFIG, { w5, w1 }).E_total,
    [net.params.w5, net.params.w1],
    [TUTORIAL_HAND_GRADIENTS.w5, TUTORIAL_HAND_GRADIENTS.w1],
    { atol: 1e-8, rtol: 0 },
  );
  log(report.toString());

  log(`\nOne step of gradient descent, learning rate ${LEARNING_RATE}: p ← p − lr·∂E_total/∂p`);
  const before = net.E_total.value;
  noGrad(() => {
    for (const name of PARAMETER_NAMES) {
      const p = net.params[name];
      const old = p.value;
      p.value -= LEARNING_RATE * p.grad;
      log(`  ${name.padEnd(2)}: ${fmt(old)} → ${fmt(p.value)}`);
    }
  });
  const updated = Object.fromEntries(PARAMETER_NAMES.map((n) => [n, net.params[n].value]));
  const after = buildSeedNetwork({
    ...TUTORIAL_CONFIG,
    parameters: { ...TUTORIAL_CONFIG.parameters, ...updated },
  });
  log(`\nLoss after the step: E_total = ${fmt(after.E_total.value)} (was ${fmt(before)})`);
}

// Run when executed (`pnpm demo`), not when imported (the tests call runSeedWalkthrough themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runSeedWalkthrough();
