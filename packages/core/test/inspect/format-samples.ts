/**
 * Reports in every format, from the seed network (Scalar) and a small Tensor network, and every
 * rule's formulas: what the format tests check and what `latex-compile.ts` typesets.
 */
import { buildSeedNetwork } from '../../../examples/src/seed-model.js';
import { tutorialFormulas } from '../../../examples/src/seed-network.js';
import {
  backpropWorksheet,
  checkHandDerived,
  explainGradient,
  formatFormula,
  type ReportFormat,
  type Scalar,
  tensor,
} from '../../src/index.js';
import { binaryDefinition, constant, FORMULAS, symbol, unaryDefinition } from '../../src/math/formula.js';
import { BINARY_RULES, UNARY_RULES } from '../../src/math/rules.js';

/** Every report kind in `format`, by a short name. */
export function reportSamples(format: ReportFormat): Record<string, string> {
  const net = buildSeedNetwork();
  const f = (w5: Scalar, w1: Scalar) => buildSeedNetwork(undefined, { w5, w1 }).E_total;
  const inputs = [net.params.w5, net.params.w1] as const;
  const x = tensor(
    [
      [0.5, -1.2],
      [0.3, 2],
    ],
    { dtype: 'float64', requiresGrad: true, label: 'W_1' },
  );
  const y = x.matmul(x).tanh().sum();
  y.label = 'y';
  const slope = (o: number) => o * (1 - o);
  const missingPath = (v: Readonly<Record<string, number>>) => ({
    w1: -(v.t1! - v.out_o1!) * slope(v.out_o1!) * v.w5! * slope(v.out_h1!) * v.i1!,
  });
  return {
    w5: explainGradient(net.E_total, net.params.w5, { symbolic: true, format }),
    w1: explainGradient(net.E_total, net.params.w1, { symbolic: true, format }),
    all: explainGradient(net.E_total, net.params.w5, { symbolic: true, steps: 'all', format }),
    numeric: explainGradient(net.E_total, net.params.w1, { format }),
    tensor: explainGradient(y, x, { symbolic: true, format }),
    printed: checkHandDerived(f, inputs, [-0.018375021, 0.000425237], {
      atol: 1e-12,
      rtol: 0,
      format,
    }).toString(),
    formulas: checkHandDerived(f, inputs, tutorialFormulas, { points: 5, format }).toString(),
    missing: checkHandDerived(f, inputs, missingPath, { points: 5, format }).toString(),
    worksheet: backpropWorksheet(net.E_total, { lr: 0.5, format }).toString(),
  };
}

/** Each rule's definition and derivatives as LaTeX math, at a point away from the edge cases. */
export function ruleFormulas(): string[] {
  const x = symbol('x_in', 0.7);
  const out = symbol('y_out', 0.4);
  const lift = (v: ReturnType<typeof FORMULAS.add>) => (typeof v === 'number' ? constant(v) : v);
  const params: Record<string, [number, number]> = {
    leakyRelu: [0.01, 0],
    elu: [1, 0],
    softplus: [1, 20],
    clamp: [-1, 1],
  };
  const unary = Object.values(UNARY_RULES).flatMap((rule) => {
    const [p, q] = params[rule.name] ?? [0, 0];
    return [unaryDefinition(rule, x, p, q), lift(rule.grad(FORMULAS, x, out, p, q))];
  });
  const b = symbol('b', 1.5);
  const binary = Object.values(BINARY_RULES).flatMap((rule) => [
    binaryDefinition(rule, x, b),
    lift(rule.grad(FORMULAS, x, b, out, 0)),
    lift(rule.grad(FORMULAS, x, b, out, 1)),
  ]);
  return [...unary, ...binary].map((f) => formatFormula(f, 'latex'));
}
