/** The text form of a gradient explanation (`explainGradient`). */
import { fmtNum } from '../check/table.js';
import { fmtShape } from '../errors.js';
import type { GradientExplanation } from './explain.js';

const MAX_FACTORS_SHOWN = 24;

/** The text of an explanation: each path's factors in a column, products, the sum, autodiff. */
export function formatExplanation(
  e: Omit<GradientExplanation, 'toString'>,
  o: { digits: number; maxPaths: number; steps: 'labeled' | 'all'; outputSize: number },
): string {
  const num = (v: number) => fmtNum(v, o.digits);
  const single = e.shape.every((d) => d === 1);
  const vec = (a: Float64Array) => {
    if (a.length === 1) return num(a[0]!);
    const norm = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    const values = a.length <= 6 ? ` [${Array.from(a, num).join(', ')}]` : '';
    return `shape ${fmtShape(e.shape)}, norm ${num(norm)}${values}`;
  };
  const lines: string[] = [];
  const target = `∂${e.output}/∂${e.wrt}`;
  const by =
    o.steps === 'labeled' ? ' (steps at labeled values; unlabeled ops folded into their factor)' : '';
  if (o.outputSize > 1)
    lines.push(`(${e.output} has ${o.outputSize} elements: explaining the gradient of their sum)`);
  if (e.pathCount === 0) {
    lines.push(`${target}: no path from ${e.output} back to ${e.wrt}; the gradient is 0.`);
    return lines.join('\n');
  }
  if (e.paths.length === 0) {
    lines.push(
      `${target}: ${e.pathCount} paths, more than maxPaths = ${o.maxPaths}; not listing them.`,
      'Label a few intermediate values (steps fold the ops between labels) or pass { maxPaths }.',
      `The gradient split by the op consuming ${e.wrt} (the last factor of every path):`,
    );
    const shown = [...e.lastSteps].sort((a, b) => norm(b.contribution) - norm(a.contribution)).slice(0, 10);
    for (const s of shown) lines.push(`  via ${s.via}: ${vec(s.contribution)}`);
    if (e.lastSteps.length > shown.length) lines.push(`  … ${e.lastSteps.length - shown.length} more`);
  } else {
    lines.push(`${target} by the chain rule: ${e.pathCount} path${e.pathCount === 1 ? '' : 's'}${by}`);
    e.paths.forEach((p, k) => {
      const nodes =
        p.nodes.length <= MAX_FACTORS_SHOWN
          ? p.nodes
          : [...p.nodes.slice(0, 10), `… ${p.nodes.length - 20} more`, ...p.nodes.slice(-10)];
      lines.push(`path ${k + 1}: ${nodes.join(' → ')}`);
      const terms = p.factors.map((f) => `∂${f.of}/∂${f.wrt}`);
      const width = Math.max(...terms.map((t) => t.length), 'product'.length);
      const shownIdx =
        p.factors.length <= MAX_FACTORS_SHOWN
          ? p.factors.map((_, i) => i)
          : [...Array(10).keys(), -1, ...Array.from({ length: 10 }, (_, i) => p.factors.length - 10 + i)];
      const values = p.factors.map((f) =>
        f.value !== undefined ? num(f.value) : `Jacobian ${fmtShape(f.shapes[0])} ← ${fmtShape(f.shapes[1])}`,
      );
      const valueWidth = Math.max(...values.map((v) => v.length));
      for (const i of shownIdx) {
        if (i < 0) {
          lines.push(`    … ${p.factors.length - 20} more factors`);
          continue;
        }
        lines.push(
          `    ${terms[i]!.padEnd(width)} = ${values[i]!.padEnd(valueWidth)}   [${p.factors[i]!.ops.join(', ')}]`,
        );
      }
      lines.push(`    ${(single ? 'product' : 'contribution').padEnd(width)} = ${vec(p.contribution)}`);
    });
  }
  const sumText =
    e.paths.length === 0 ? 'sum over the last steps' : e.pathCount === 1 ? 'gradient' : 'sum over paths';
  lines.push(`${sumText}: ${target} = ${vec(e.sum)}`);
  let diff = 0;
  e.sum.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - e.autodiff[i]!))));
  lines.push(
    `autodiff (backward pass): ${vec(e.autodiff)}${diff > 0 ? `; max |difference| ${diff.toExponential(1)}` : ' (equal)'}`,
  );
  return lines.join('\n');
}

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
