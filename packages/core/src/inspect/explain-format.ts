/**
 * The written form of a gradient explanation (`explainGradient`): each path's factors — with
 * their formulas when symbolic — its product, the sum over paths, and autodiff for comparison,
 * as aligned text, Markdown tables or LaTeX.
 */
import { fmtShape } from '../errors.js';
import type { Formula } from '../math/formula.js';
import type { GradientExplanation } from './explain.js';
import { type Markup, markupOf, type ReportFormat } from './markup.js';
import type { ExplainedFactor, ExplainedPath } from './paths.js';

const MAX_FACTORS_SHOWN = 24;

/** How an explanation is written. */
export interface ExplanationStyle {
  digits: number;
  maxPaths: number;
  steps: 'labeled' | 'all';
  outputSize: number;
  format: ReportFormat;
  symbolic: boolean;
}

type Explanation = Omit<GradientExplanation, 'toString'>;

/** The explanation written out: paths with factors, products, the sum, autodiff, notes. */
export function formatExplanation(e: Explanation, o: ExplanationStyle): string {
  // Plain numeric text keeps ASCII minus signs (as printed numbers); formulas use −.
  const m = markupOf(o.format, o.digits, o.symbolic || o.format !== 'text');
  const lines: string[] = [];
  if (o.outputSize > 1)
    lines.push(m.words(`(${e.output} has ${o.outputSize} elements: explaining the gradient of their sum)`));
  if (e.pathCount === 0) {
    const target = m.inline(m.derivative(e.output, e.wrt));
    lines.push(`${target}${m.words(`: no path from ${e.output} back to ${e.wrt}; the gradient is 0.`)}`);
  } else {
    lines.push(...(e.paths.length === 0 ? summaryLines(e, o, m) : pathsLines(e, o, m)));
    lines.push(...definitionLines(e, m), ...totalLines(e, m));
  }
  for (const note of e.notes) lines.push(m.words(`note: ${note}`));
  return paragraphs(lines, m).join('\n');
}

/** Markdown and LaTeX need blank lines between paragraphs (not inside tables or display math). */
function paragraphs(lines: string[], m: Markup): string[] {
  if (m.format === 'text') return lines;
  let inMath = false;
  return lines.flatMap((l) => {
    if (l === '\\[') inMath = true;
    if (l === '\\]') inMath = false;
    return inMath || l === '' || l.startsWith('|') || l.startsWith('\\') ? [l] : [l, ''];
  });
}

/**
 * A flat value: a number, or a tensor's shape, norm and (when small) its elements; written for
 * running text, or for a LaTeX equation when `inMath`.
 */
function valueText(a: Float64Array, shape: readonly number[], m: Markup, inMath = false): string {
  if (a.length === 1) return inMath ? m.number(a[0]!) : m.inline(m.number(a[0]!));
  const norm = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
  const values = a.length <= 6 ? ` [${Array.from(a, (v) => m.number(v)).join(', ')}]` : '';
  const words = m.words(`shape ${fmtShape(shape)}, norm `);
  if (inMath && m.format === 'latex') return `\\text{${words}}${m.number(norm)}${values}`;
  return words + m.inline(`${m.number(norm)}${values}`);
}

function summaryLines(e: Explanation, o: ExplanationStyle, m: Markup): string[] {
  const target = m.inline(m.derivative(e.output, e.wrt));
  const lines = [
    `${target}${m.words(`: ${e.pathCount} paths, more than maxPaths = ${o.maxPaths}; not listing them.`)}`,
    m.words('Label a few intermediate values (steps fold the ops between labels) or pass { maxPaths }.'),
    m.words(`The gradient split by the op consuming ${e.wrt} (the last factor of every path):`),
  ];
  const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
  const shown = [...e.lastSteps].sort((a, b) => norm(b.contribution) - norm(a.contribution)).slice(0, 10);
  for (const s of shown) lines.push(`  ${m.words(`via ${s.via}: `)}${valueText(s.contribution, e.shape, m)}`);
  if (e.lastSteps.length > shown.length) lines.push(m.words(`  … ${e.lastSteps.length - shown.length} more`));
  return lines;
}

function pathsLines(e: Explanation, o: ExplanationStyle, m: Markup): string[] {
  const by =
    o.steps === 'labeled' ? ' (steps at labeled values; unlabeled ops folded into their factor)' : '';
  const count = `${e.pathCount} path${e.pathCount === 1 ? '' : 's'}`;
  const lines = [`${m.inline(m.derivative(e.output, e.wrt))}${m.words(` by the chain rule: ${count}${by}`)}`];
  e.paths.forEach((p, k) => {
    const nodes =
      p.nodes.length <= MAX_FACTORS_SHOWN
        ? p.nodes
        : [...p.nodes.slice(0, 10), `… ${p.nodes.length - 20} more`, ...p.nodes.slice(-10)];
    const arrow = m.format === 'latex' ? ' \\to ' : ' → ';
    const names = nodes.map((n) => (n.startsWith('… ') ? m.words(n) : m.name(n))).join(arrow);
    lines.push(`${m.strong(m.words(`path ${k + 1}:`))} ${m.inline(names)}`);
    lines.push(...factorLines(p, e.shape, o, m));
  });
  return lines;
}

/** Indices of the factors shown: all, or the first and last ten of a long path (-1: the gap). */
function shownFactors(n: number): number[] {
  if (n <= MAX_FACTORS_SHOWN) return [...Array(n).keys()];
  return [...Array(10).keys(), -1, ...Array.from({ length: 10 }, (_, i) => n - 10 + i)];
}

/** The value of a factor: a number, or the Jacobian's shapes. */
function factorValue(f: ExplainedFactor, m: Markup): string {
  if (f.value !== undefined) return m.number(f.value);
  const arrow = m.format === 'latex' ? ' \\leftarrow ' : ' ← ';
  const jac = `${fmtShape(f.shapes[0])}${arrow}${fmtShape(f.shapes[1])}`;
  return m.format === 'latex' ? `\\text{Jacobian } ${jac}` : `Jacobian ${jac}`;
}

/** `formula = value`, or the value alone when the formula is that constant or missing. */
function equated(formula: Formula | undefined, value: string, m: Markup): string {
  if (formula === undefined || formula.kind === 'num') return value;
  return `${m.formula(formula)} = ${value}`;
}

function factorLines(p: ExplainedPath, shape: readonly number[], o: ExplanationStyle, m: Markup): string[] {
  const single = shape.every((d) => d === 1);
  const productName = single ? 'product' : 'contribution';
  const idx = shownFactors(p.factors.length);
  const gap = `… ${p.factors.length - 20} more factors`;
  const product = single ? m.number(p.contribution[0]!) : valueText(p.contribution, shape, m, true);
  if (m.format === 'text' && !o.symbolic) return alignedFactors(p, idx, gap, productName, product, m);
  if (m.format === 'markdown') {
    const rows = idx.map((i) => {
      if (i < 0) return [gap, '', '', ''];
      const f = p.factors[i]!;
      return [
        m.derivative(f.of, f.wrt),
        f.formula ? m.formula(f.formula) : '',
        factorValue(f, m),
        f.ops.join(', '),
      ];
    });
    rows.push([m.strong(productName), p.formula ? m.formula(p.formula) : '', product, '']);
    const header = ['factor', 'formula', 'value', 'ops'];
    const keep = o.symbolic ? [0, 1, 2, 3] : [0, 2, 3];
    return m.table(
      keep.map((c) => header[c]!),
      rows.map((r) => keep.map((c) => r[c]!)),
    );
  }
  const rows = idx.map((i) => {
    if (i < 0) return m.format === 'latex' ? `& \\text{${m.words(gap)}}` : `    ${gap}`;
    const f = p.factors[i]!;
    return equation(m.derivative(f.of, f.wrt), equated(f.formula, factorValue(f, m), m), f.ops.join(', '), m);
  });
  const productTerm = m.format === 'latex' ? `\\text{${productName}}` : productName;
  rows.push(equation(productTerm, equated(p.formula, product, m), '', m));
  return m.format === 'latex'
    ? ['\\[', '\\begin{aligned}', ...joinRows(rows), '\\end{aligned}', '\\]']
    : rows;
}

/** The numeric text layout: terms padded to one column, values to another. */
function alignedFactors(
  p: ExplainedPath,
  idx: number[],
  gap: string,
  productName: string,
  product: string,
  m: Markup,
): string[] {
  const terms = p.factors.map((f) => m.derivative(f.of, f.wrt));
  const width = Math.max(...terms.map((t) => t.length), productName.length);
  const values = p.factors.map((f) => factorValue(f, m));
  const valueWidth = Math.max(...values.map((v) => v.length));
  const lines = idx.map((i) =>
    i < 0
      ? `    ${gap}`
      : `    ${terms[i]!.padEnd(width)} = ${values[i]!.padEnd(valueWidth)}   [${p.factors[i]!.ops.join(', ')}]`,
  );
  lines.push(`    ${productName.padEnd(width)} = ${product}`);
  return lines;
}

/** One `term = right   [ops]` line: indented text, or a row of a LaTeX aligned block. */
function equation(term: string, right: string, ops: string, m: Markup): string {
  if (m.format === 'latex') return `${term} &= ${right}${ops ? ` \\quad \\text{[${m.words(ops)}]}` : ''}`;
  return `    ${term} = ${right}${ops ? `   [${ops}]` : ''}`;
}

const joinRows = (rows: string[]) => rows.map((r, i) => (i < rows.length - 1 ? `${r} \\\\` : r));

function definitionLines(e: Explanation, m: Markup): string[] {
  if (e.definitions.length === 0) return [];
  if (m.format === 'markdown') {
    const rows = e.definitions.map((d) => [m.name(d.name), m.formula(d.formula), m.number(d.value)]);
    return [m.strong('where'), ...m.table(['name', 'definition', 'value'], rows)];
  }
  const rows = e.definitions.map((d) =>
    equation(m.name(d.name), equated(d.formula, m.number(d.value), m), '', m),
  );
  if (m.format === 'text') return ['where', ...rows];
  return [m.words('where'), '\\[', '\\begin{aligned}', ...joinRows(rows), '\\end{aligned}', '\\]'];
}

function totalLines(e: Explanation, m: Markup): string[] {
  const lead =
    e.paths.length === 0 ? 'sum over the last steps' : e.pathCount === 1 ? 'gradient' : 'sum over paths';
  const single = e.sum.length === 1;
  const sumValue = single ? m.number(e.sum[0]!) : valueText(e.sum, e.shape, m);
  const right = equated(e.formula, sumValue, m);
  let diff = 0;
  e.sum.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - e.autodiff[i]!))));
  const agreement = diff > 0 ? `; max |difference| ${diff.toExponential(1)}` : ' (equal)';
  const autodiff = `${m.words('autodiff (backward pass): ')}${valueText(e.autodiff, e.shape, m)}${m.words(agreement)}`;
  const term = m.derivative(e.output, e.wrt);
  if (m.format === 'latex' && (single || e.formula))
    return [m.words(`${lead}:`), '\\[', `${term} = ${right}`, '\\]', autodiff];
  const shown = single || e.formula ? m.inline(right) : sumValue;
  return [`${m.strong(m.words(`${lead}:`))} ${m.inline(term)} = ${shown}`, autodiff];
}
