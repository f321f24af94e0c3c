/**
 * The seed001 example of the in-repo fixture, and the network built from its own equations with
 * tapegrad Scalars (independently of the example package's builder).
 */
import { readFileSync } from 'node:fs';
import { type Scalar, scalar } from '../../src/index.js';

type Numbers = Record<string, number>;

/** The parts of the seed001 fixture the tests read. */
export interface SeedFixture {
  network: { equations: Record<string, string> };
  inputs: Numbers;
  targets: Numbers;
  learning_rate: number;
  parameters: Numbers;
  forward: Numbers;
  backward_intermediates: Numbers;
  gradients: Numbers;
  chain_rule_paths: {
    w5: { factors: Numbers; product: number };
    w1: { paths: { via: string; factors: Numbers; product: number }[]; sum: number };
  };
  updated_parameters: Numbers;
  after_step: { forward: Numbers; loss: number };
  seed_printed_vs_recomputed: { quantity: string; seed_printed: string; recomputed: number }[];
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/seed-examples.json', import.meta.url), 'utf8')) as {
  examples: ({ id: string } & SeedFixture)[];
};

/** The seed001 example. */
export const seed: SeedFixture = raw.examples.find((e) => e.id.startsWith('seed001'))!;

/** The value the source printed for `quantity` (exactly as printed). */
export const printed = (quantity: string): number => {
  const row = seed.seed_printed_vs_recomputed.find((r) => r.quantity === quantity);
  if (!row) throw new Error(`fixture has no printed value for ${quantity}`);
  return Number(row.seed_printed);
};

/**
 * Evaluates the fixture's equations (`w1*i1 + w2*i2 + b1`, `sigmoid(l_h1)`) in order, over
 * Scalars: sums of products of names, and sigmoid of a name.
 */
export function buildFromEquations(parameters: Numbers, use: Record<string, Scalar> = {}) {
  const env: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(parameters))
    env[k] = use[k] ?? scalar(v, { requiresGrad: true, label: k });
  for (const [k, v] of Object.entries(seed.inputs)) env[k] = scalar(v, { label: k });
  const lookup = (name: string): Scalar => {
    const s = env[name.trim()];
    if (!s) throw new Error(`unknown name in equation: ${name}`);
    return s;
  };
  for (const [name, eq] of Object.entries(seed.network.equations)) {
    const call = /^sigmoid\((\w+)\)$/.exec(eq.trim());
    const value = call
      ? lookup(call[1]!).sigmoid()
      : eq
          .split('+')
          .map((term) =>
            term
              .split('*')
              .map(lookup)
              .reduce((a, b) => a.mul(b)),
          )
          .reduce((a, b) => a.add(b));
    value.label = name;
    env[name] = value;
  }
  // The fixture's loss: E_ok = ½ (target_k − out_ok)², E_total = E_o1 + E_o2.
  const E_o1 = scalar(seed.targets.o1!).sub(lookup('out_o1')).pow(2).mul(0.5);
  const E_o2 = scalar(seed.targets.o2!).sub(lookup('out_o2')).pow(2).mul(0.5);
  E_o1.label = 'E_o1';
  E_o2.label = 'E_o2';
  env.E_o1 = E_o1;
  env.E_o2 = E_o2;
  const E_total = E_o1.add(E_o2);
  E_total.label = 'E_total';
  env.E_total = E_total;
  return env;
}

/** |a − b| ≤ rel·|b|. */
export const closeRel = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.abs(b);
