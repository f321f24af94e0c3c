/**
 * The chain rule in symbols, on Scalar graphs: each node's value as a formula in the user's
 * labels (its definition), each local derivative as the node's rule evaluated in `FORMULAS` (the
 * same rule Scalar evaluated in numbers when it recorded the node), and each collapsed factor of
 * a path as the symbolic reverse pass through the unlabeled ops it folds.
 */
import { TapegradError } from '../errors.js';
import {
  binaryDefinition,
  constant,
  FORMULAS,
  type Formula,
  productOf,
  sumOf,
  symbol,
  symbolsOf,
  unaryDefinition,
} from '../math/formula.js';
import { Scalar, scalarNodeInfo, scalarPullback } from '../scalar.js';
import { formatFormula } from './formula-format.js';
import type { Edge, ExplainedPath, PathContext } from './paths.js';
import { propagate } from './paths.js';

/** Formulas of the nodes of one Scalar graph, under one naming. */
export interface ScalarFormulas {
  /** What stands for `n` in formulas: its symbol, its value (an unnamed constant) or its definition. */
  of(n: Scalar): Formula;
  /** `n`'s op applied to its operands' formulas; undefined for a leaf. */
  definition(n: Scalar): Formula | undefined;
  /** ∂n/∂operand for each Scalar operand that requires grad, one entry per operand position. */
  locals(n: Scalar): [Scalar, Formula][];
}

/**
 * The formulas of a Scalar graph. `symbolFor` names a node (a label, `v3`), or returns undefined
 * to have it written out: a leaf as its value, an op result as its definition.
 */
export function scalarFormulas(symbolFor: (n: Scalar) => string | undefined): ScalarFormulas {
  const memo = new Map<number, Formula>();
  const operand = (x: Scalar | number) => (typeof x === 'number' ? constant(x) : of(x));
  const lift = (v: Formula | number) => (typeof v === 'number' ? constant(v) : v);
  function of(n: Scalar): Formula {
    const known = memo.get(n.seq);
    if (known) return known;
    const name = symbolFor(n);
    const f = name !== undefined ? symbol(name, n.value) : (definition(n) ?? constant(n.value));
    memo.set(n.seq, f);
    return f;
  }
  function definition(n: Scalar): Formula | undefined {
    const info = scalarNodeInfo(n);
    switch (info.kind) {
      case 'leaf':
        return undefined;
      case 'input':
        return of(info.input);
      case 'unary':
        return unaryDefinition(info.rule, of(info.input), ...info.params);
      case 'binary':
        return binaryDefinition(info.rule, operand(info.operands[0]), operand(info.operands[1]));
      case 'custom':
        return symbol(
          `${info.name}(${info.inputs.map((x) => formatFormula(of(x), 'text')).join(', ')})`,
          n.value,
        );
    }
  }
  function locals(n: Scalar): [Scalar, Formula][] {
    const info = scalarNodeInfo(n);
    const flows = (x: Scalar | number): x is Scalar => x instanceof Scalar && x.requiresGrad;
    switch (info.kind) {
      case 'leaf':
        return [];
      case 'input':
        return flows(info.input) ? [[info.input, constant(1)]] : [];
      case 'unary': {
        const d = info.rule.grad(FORMULAS, of(info.input), of(n), ...info.params);
        return flows(info.input) ? [[info.input, lift(d)]] : [];
      }
      case 'binary': {
        const [a, b] = info.operands;
        return ([0, 1] as const).flatMap((k): [Scalar, Formula][] => {
          const x = info.operands[k];
          if (!flows(x)) return [];
          return [[x, lift(info.rule.grad(FORMULAS, operand(a), operand(b), of(n), k))]];
        });
      }
      case 'custom':
        return scalarPullback(n, 1).map(([p, d]) => [
          p,
          symbol(`${info.name}'(${formatFormula(of(p), 'text')})`, d),
        ]);
    }
  }
  return { of, definition, locals };
}

/** Beyond this many nodes a symbolic explanation is refused: its formulas would not be readable. */
export const MAX_SYMBOLIC_NODES = 2000;

/**
 * Sets `factor.formula` on every collapsed edge, `formula` on every path, and returns the
 * gradient's formula (the sum over paths of their products).
 */
export function attachFormulas(
  ctx: PathContext,
  edges: ReadonlyMap<number, Edge[]>,
  paths: readonly ExplainedPath[],
  formulas: ScalarFormulas,
): Formula {
  formulasOnEdges(ctx, edges, formulas);
  for (const p of paths) p.formula = productOf(p.factors.map((f) => f.formula ?? constant(Number.NaN)));
  return sumOf(paths.map((p) => p.formula!));
}

/**
 * Sets `factor.formula` on every collapsed edge: a symbolic reverse pass from its stop through
 * the unlabeled ops it folds, so several routes between two stops add up.
 */
export function formulasOnEdges(
  ctx: PathContext,
  edges: ReadonlyMap<number, Edge[]>,
  formulas: ScalarFormulas,
): void {
  if (ctx.view.nodes.length > MAX_SYMBOLIC_NODES) {
    throw new TapegradError(
      'explainGradient',
      `symbolic explanations are for hand-sized graphs (at most ${MAX_SYMBOLIC_NODES} nodes); this one has ${ctx.view.nodes.length}. Pass symbolic: false, or explain a smaller part of the computation.`,
    );
  }
  for (const s of ctx.view.nodes) {
    const out = edges.get(s.seq);
    if (!out || out.length === 0) continue;
    const arrived = arrivals(ctx, formulas, s as Scalar);
    for (const e of out) e.factor.formula = arrived.get(e.to.seq) ?? constant(0);
  }
}

/** The symbolic cotangents arriving at the stops below `s`, starting from 1 at `s`. */
function arrivals(ctx: PathContext, formulas: ScalarFormulas, s: Scalar): Map<number, Formula> {
  const { region } = propagate(ctx, s, ctx.view.ones(s));
  const pending = new Map<number, Formula>([[s.seq, constant(1)]]);
  const arrived = new Map<number, Formula>();
  for (const n of region) {
    const g = pending.get(n.seq);
    if (g === undefined) continue;
    if (n.seq !== s.seq && ctx.stops.has(n.seq)) {
      arrived.set(n.seq, g);
      continue;
    }
    for (const [p, d] of formulas.locals(n as Scalar)) {
      if (!ctx.onPath.has(p.seq)) continue;
      const prev = pending.get(p.seq);
      const term = productOf([g, d]);
      pending.set(p.seq, prev === undefined ? term : sumOf([prev, term]));
    }
  }
  return arrived;
}

/** A named intermediate and what it stands for (listed under a `steps: 'all'` explanation). */
export interface FormulaDefinition {
  name: string;
  formula: Formula;
  value: number;
}

/**
 * The definitions of the generated names (`v3`, …) used in `used`, and of those their definitions
 * use in turn, in creation order.
 */
export function definitionsOf(
  used: readonly Formula[],
  generated: ReadonlyMap<string, Scalar>,
  formulas: ScalarFormulas,
): FormulaDefinition[] {
  const found = new Map<string, FormulaDefinition>();
  const queue = used.flatMap((f) => [...symbolsOf(f)]);
  while (queue.length > 0) {
    const name = queue.pop()!;
    const node = generated.get(name);
    if (!node || found.has(name)) continue;
    const formula = formulas.definition(node);
    if (!formula) continue;
    found.set(name, { name, formula, value: node.value });
    queue.push(...symbolsOf(formula));
  }
  const order = (d: FormulaDefinition) => generated.get(d.name)!.seq;
  return [...found.values()].sort((a, b) => order(a) - order(b));
}
