/**
 * The mistakes told from the graph: a path of the chain rule left out or counted twice (the hand
 * value equals a sum over some of the paths `explainGradientPaths` lists), and a local derivative
 * taken at the wrong value (σ′ evaluated at the op's output instead of its input, or its
 * output-formula fed the input) — the gradient recomputed with that one factor changed.
 */
import type { Differentiable } from '../differentiable.js';
import { noGrad } from '../grad-mode.js';
import { explainGradientPaths, type GradientExplanation } from '../inspect/explain.js';
import { formatFormula } from '../inspect/formula-format.js';
import { nodeNames, nodesOnPaths, type PathContext, propagate } from '../inspect/paths.js';
import { type Cotangent, type GraphView, graphView } from '../inspect/view.js';
import { FORMULAS, symbol } from '../math/formula.js';
import { NUMBERS } from '../math/numbers.js';
import { UNARY_RULES, type UnaryRule } from '../math/rules.js';
import { TENSORS } from '../ops/elementwise.js';
import { Scalar, scalarNodeInfo } from '../scalar.js';
import { Tensor } from '../tensor.js';
import { type DiagnosisCase, type HandMistake, say, sayAll } from './diagnosis.js';
import type { PointResult } from './hand-point.js';

type Found = { mistake: HandMistake; message: string } | undefined;

/** Beyond this many paths the subsets are not searched (2^12 sums per point). */
const MAX_PATHS = 12;

/** The points whose graphs were kept. */
const kept = (c: DiagnosisCase) => c.results.filter((r) => r.run !== undefined);

const addAll = (parts: Float64Array[], size: number) => {
  const sum = new Float64Array(size);
  for (const p of parts) p.forEach((v, i) => (sum[i] = sum[i]! + v));
  return sum;
};

/** The hand value equals the sum over a subset of the paths, or over all with one path twice. */
export function doubledOrMissingPath(c: DiagnosisCase): Found {
  const points = kept(c);
  const explained = points.map((r) =>
    explainGradientPaths(r.run!.out, r.nodes[c.j]!, { maxPaths: MAX_PATHS }),
  );
  const k = explained[0]!.paths.length;
  if (k < 2 || explained.some((e) => e.paths.length !== k)) return undefined;
  const at = new Map(points.map((r, p) => [r, explained[p]!]));
  const size = c.results[0]!.hand[c.j]!.length;
  const masks = [...Array(2 ** k - 2).keys()].map((m) => m + 1).sort((a, b) => popcount(b) - popcount(a));
  for (const mask of masks) {
    const chosen = (e: GradientExplanation) =>
      e.paths.filter((_, q) => (mask >> q) & 1).map((p) => p.contribution);
    if (c.fits((r) => addAll(chosen(at.get(r)!), size), points)) return missing(explained[0]!, mask);
  }
  for (let q = 0; q < k; q++) {
    const twice = (e: GradientExplanation) => addAll([e.sum, e.paths[q]!.contribution], size);
    if (c.fits((r) => twice(at.get(r)!), points)) {
      const p = explained[0]!.paths[q]!;
      return {
        mistake: 'doubled-path',
        message: `your value is the sum over all ${k} paths with path ${q + 1} (${p.nodes.join(' → ')}, ${signed(p.contribution)}) counted twice.`,
      };
    }
  }
  return undefined;
}

const popcount = (m: number) => m.toString(2).replace(/0/g, '').length;
const signed = (a: Float64Array) => (a.length === 1 ? `${a[0]! > 0 ? '+' : ''}${say(a[0]!, 3)}` : sayAll(a));

function missing(e: GradientExplanation, mask: number): Found {
  const inPaths = e.paths.filter((_, q) => (mask >> q) & 1);
  const out = e.paths.map((p, q) => ({ p, q })).filter(({ q }) => !((mask >> q) & 1));
  const used = new Set(inPaths.flatMap((p) => p.nodes));
  const nums = e.paths.map((_, q) => q + 1).filter((q) => (mask >> (q - 1)) & 1);
  const subset =
    nums.length === 1
      ? `path ${nums[0]} alone (${signed(inPaths[0]!.contribution)})`
      : `paths ${nums.join(', ')} (${signed(
          addAll(
            inPaths.map((p) => p.contribution),
            e.sum.length,
          ),
        )})`;
  const lost = out.map(({ p, q }) => {
    const own = p.nodes.slice(1, -1).filter((n) => !used.has(n));
    const via = own.length > 0 ? `through ${own.slice(0, 3).join(', ')} ` : '';
    return `the path ${via}(path ${q + 1}, ${signed(p.contribution)})`;
  });
  const verb = lost.length === 1 ? 'is' : 'are';
  return {
    mistake: 'missing-path',
    message: `your value equals ${subset}; ${lost.join(' and ')} ${verb} missing. The total over all ${e.paths.length} paths is ${signed(e.sum)}.`,
  };
}

/** A one-input node's rule and input, when its local derivative can be re-evaluated. */
function unaryOf(
  n: Differentiable,
): { rule: UnaryRule; input: Differentiable; params: [number, number] } | undefined {
  if (n instanceof Scalar) {
    const info = scalarNodeInfo(n);
    return info.kind === 'unary' ? { rule: info.rule, input: info.input, params: info.params } : undefined;
  }
  // Tensor nodes do not keep their op's parameters: only parameter-free rules of the algebra.
  const name = n.op as keyof typeof FORMULAS;
  if (!ALGEBRA_UNARY.has(name) || n.parents.length !== 1) return undefined;
  return { rule: UNARY_RULES[name as keyof typeof UNARY_RULES], input: n.parents[0]!, params: [0, 0] };
}

const ALGEBRA_UNARY = new Set<string>(['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'erf']);

type Mode = 'at-output' | 'input-as-output';

/** One-input ops re-evaluated at most (the ones nearest the output): each costs a backward pass per point. */
const MAX_SLIPS = 200;

/** The node's local derivative as it would be with the slip `mode`. */
function slipped(n: Differentiable, mode: Mode): Cotangent | undefined {
  const u = unaryOf(n);
  if (!u) return undefined;
  const { rule, input, params } = u;
  const [p, q] = params;
  if (n instanceof Scalar) {
    const x = (input as Scalar).value;
    const out = n.value;
    return mode === 'at-output'
      ? rule.grad(NUMBERS, out, rule.value(out, p, q), p, q)
      : rule.grad(NUMBERS, x, x, p, q);
  }
  return noGrad(() => {
    const f = TENSORS[rule.name as keyof typeof TENSORS] as (a: Tensor) => Tensor;
    const d =
      mode === 'at-output'
        ? rule.grad(TENSORS, n, f(n), p, q)
        : rule.grad(TENSORS, input as Tensor, input as Tensor, p, q);
    return typeof d === 'number' ? Tensor.fromNumber(d, n.dtype) : d;
  });
}

/** ∂out/∂target with node `slip`'s local derivative replaced by `d`. */
function gradientWith(
  view: GraphView,
  r: PointResult,
  j: number,
  slip: Differentiable,
  d: Cotangent,
): Float64Array {
  const target = view.canonical(r.nodes[j]!);
  const output = view.canonical(r.run!.out);
  const ctx: PathContext = {
    view,
    output,
    wrt: target,
    onPath: nodesOnPaths(view, target),
    stops: new Set(),
    name: (n) => n.op,
  };
  const input = view.canonical(unaryOf(slip)!.input);
  const pull: GraphView['pull'] = (n, g) => {
    if (n.seq !== slip.seq) return view.pull(n, g);
    const times = typeof g === 'number' ? g * (d as number) : noGrad(() => (g as Tensor).mul(d as Tensor));
    return [[input, times]];
  };
  const { final } = propagate(ctx, output, view.ones(output), false, pull);
  const g = final.get(target.seq);
  return g === undefined ? new Float64Array(r.hand[j]!.length) : view.flat(g);
}

/** The hand value equals autodiff with one sigmoid-like factor evaluated at the wrong value. */
export function wrongValue(c: DiagnosisCase): Found {
  const points = kept(c);
  const views = new Map(points.map((r) => [r, graphView('checkHandDerived', r.run!.out)]));
  const v0 = views.get(points[0]!)!;
  const target0 = v0.canonical(points[0]!.nodes[c.j]!);
  const onPath = nodesOnPaths(v0, target0);
  const candidates = v0.nodes
    .flatMap((n, idx) => (onPath.has(n.seq) && n.seq !== target0.seq && unaryOf(n) ? [idx] : []))
    .slice(-MAX_SLIPS);
  for (const idx of candidates) {
    for (const mode of ['at-output', 'input-as-output'] as const) {
      const alt = (r: PointResult) => {
        const view = views.get(r)!;
        const node = view.nodes[idx];
        const d = node && slipped(node, mode);
        return d === undefined ? undefined : gradientWith(view, r, c.j, node!, d);
      };
      if (c.fits(alt, points)) return describeSlip(v0, v0.nodes[idx]!, mode);
    }
  }
  return undefined;
}

function describeSlip(view: GraphView, n: Differentiable, mode: Mode): Found {
  const names = nodeNames(view.nodes);
  const name = (x: Differentiable) => x.label ?? names.get(x.seq) ?? x.op;
  const { rule, input, params } = unaryOf(n)!;
  const f = rule.name === 'sigmoid' ? 'σ' : rule.name;
  const outName = name(n);
  const inName = name(view.canonical(input));
  const formula = (x: string, out: string) =>
    formatFormula(
      (() => {
        const g = rule.grad(FORMULAS, symbol(x, 0), symbol(out, 0), ...params);
        return typeof g === 'number' ? { kind: 'num', value: g } : g;
      })(),
      'text',
    );
  const [right, wrong] = values(n, mode);
  if (mode === 'at-output') {
    return {
      mistake: 'wrong-value',
      message: `your value equals autodiff with the derivative of ${f} taken at its output: ${f}′(${outName}) = ${wrong} in place of ${f}′(${inName}) = ${right}. The derivative is taken at the op's input ${inName}; in terms of the output it reads ${formula(inName, outName)}.`,
    };
  }
  return {
    mistake: 'wrong-value',
    message: `your value equals autodiff with ${formula(inName, outName)} evaluated at the input ${inName} instead of the output ${outName}: ${formula(inName, inName)} = ${wrong} in place of ${right}.`,
  };
}

/** The node's true local derivative and the slipped one, in words. */
function values(n: Differentiable, mode: Mode): [string, string] {
  const { rule, input, params } = unaryOf(n)!;
  const slip = slipped(n, mode)!;
  if (n instanceof Scalar)
    return [say(rule.grad(NUMBERS, (input as Scalar).value, n.value, ...params)), say(slip as number)];
  const right = noGrad(() => rule.grad(TENSORS, input as Tensor, n, ...params));
  const flat = (t: Cotangent) =>
    typeof t === 'number' ? Float64Array.of(t) : Float64Array.from((t as Tensor).data);
  return [sayAll(flat(right as Cotangent)), sayAll(flat(slip))];
}
