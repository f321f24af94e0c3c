/**
 * The 2-2-2 sigmoid network of the seed tutorial (section 2.2), built from named Scalars so that
 * every value, gradient and chain-rule path carries the tutorial's names. Shared by the
 * walk-through (`seed-network.ts`), the docs and the tests.
 */
import { type Scalar, scalar } from '@tapegrad/core';

/** The ten trainable parameters, with the tutorial's names (b1 and b2 are shared biases). */
export const PARAMETER_NAMES = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'b1', 'b2'] as const;
/** One of {@link PARAMETER_NAMES}. */
export type ParameterName = (typeof PARAMETER_NAMES)[number];

/** Numbers that define one instance of the network. */
export interface SeedConfig {
  parameters: Record<ParameterName, number>;
  inputs: { i1: number; i2: number };
  targets: { o1: number; o2: number };
}

/** The values the tutorial assigns in its figure 7. */
export const TUTORIAL_CONFIG: SeedConfig = {
  parameters: {
    w1: 0.05,
    w2: 0.15,
    w3: 0.1,
    w4: 0.2,
    w5: 0.25,
    w6: 0.35,
    w7: 0.3,
    w8: 0.4,
    b1: 0.35,
    b2: 0.5,
  },
  inputs: { i1: 0.1, i2: 0.2 },
  targets: { o1: 0.85, o2: 0.3 },
};

/**
 * The gradients the tutorial works out by hand and prints (9 decimals): ∂E_total/∂w5 and
 * ∂E_total/∂w1. They are the tutorial's own numbers, to be checked, not derived here.
 */
export const TUTORIAL_HAND_GRADIENTS = { w5: -0.018375021, w1: 0.000425237 } as const;

/** Every named value of one forward pass. */
export interface SeedNetwork {
  params: Record<ParameterName, Scalar>;
  l_h1: Scalar;
  l_h2: Scalar;
  out_h1: Scalar;
  out_h2: Scalar;
  l_o1: Scalar;
  l_o2: Scalar;
  out_o1: Scalar;
  out_o2: Scalar;
  E_o1: Scalar;
  E_o2: Scalar;
  E_total: Scalar;
}

/** The forward values in the tutorial's order, for printing. */
export const FORWARD_NAMES = [
  'l_h1',
  'l_h2',
  'out_h1',
  'out_h2',
  'l_o1',
  'l_o2',
  'out_o1',
  'out_o2',
  'E_o1',
  'E_o2',
  'E_total',
] as const;

/**
 * Builds the network and runs its forward pass. Parameters become leaves that require grad,
 * unless `use` supplies some of them (e.g. the copies `checkHandDerived` passes to its function).
 */
export function buildSeedNetwork(
  config: SeedConfig = TUTORIAL_CONFIG,
  use: Partial<Record<ParameterName, Scalar>> = {},
): SeedNetwork {
  const p = Object.fromEntries(
    PARAMETER_NAMES.map((n) => [n, use[n] ?? scalar(config.parameters[n], { requiresGrad: true, label: n })]),
  ) as Record<ParameterName, Scalar>;
  const i1 = scalar(config.inputs.i1, { label: 'i1' });
  const i2 = scalar(config.inputs.i2, { label: 'i2' });
  const named = (s: Scalar, label: string) => {
    s.label = label;
    return s;
  };
  // l_h = w·i + w·i + b, out = σ(l): the tutorial's equations, term by term.
  const l_h1 = named(p.w1.mul(i1).add(p.w2.mul(i2)).add(p.b1), 'l_h1');
  const l_h2 = named(p.w3.mul(i1).add(p.w4.mul(i2)).add(p.b1), 'l_h2');
  const out_h1 = named(l_h1.sigmoid(), 'out_h1');
  const out_h2 = named(l_h2.sigmoid(), 'out_h2');
  const l_o1 = named(p.w5.mul(out_h1).add(p.w6.mul(out_h2)).add(p.b2), 'l_o1');
  const l_o2 = named(p.w7.mul(out_h1).add(p.w8.mul(out_h2)).add(p.b2), 'l_o2');
  const out_o1 = named(l_o1.sigmoid(), 'out_o1');
  const out_o2 = named(l_o2.sigmoid(), 'out_o2');
  // E_k = ½ (target_k − out_k)²
  const t1 = scalar(config.targets.o1, { label: 't1' });
  const t2 = scalar(config.targets.o2, { label: 't2' });
  const E_o1 = named(t1.sub(out_o1).pow(2).mul(0.5), 'E_o1');
  const E_o2 = named(t2.sub(out_o2).pow(2).mul(0.5), 'E_o2');
  const E_total = named(E_o1.add(E_o2), 'E_total');
  return { params: p, l_h1, l_h2, out_h1, out_h2, l_o1, l_o2, out_o1, out_o2, E_o1, E_o2, E_total };
}
