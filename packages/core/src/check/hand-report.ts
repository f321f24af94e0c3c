/** The written report of `checkHandDerived`: the table at the given point, worst cases, diagnoses. */
import { type Markup, markupOf, type ReportFormat } from '../inspect/markup.js';
import type { HandDerivedReport, HandWorst } from './hand-derived.js';
import type { Prepared } from './hand-prepare.js';
import type { Point } from './hand-run.js';
import { fmtErr, fmtNum, fmtTol } from './table.js';
import { fmtIndex } from './values.js';

const MAX_ROWS = 20;

type Report = Omit<HandDerivedReport, 'toString'>;

/** The report in `format`: header, table, points checked, worst cases, notes and diagnoses. */
export function formatHandReport(r: Report, setup: Prepared, format: ReportFormat): string {
  // Text keeps ASCII minus signs, as the numbers a user typed and compares against.
  const m = markupOf(format, 10, format !== 'text');
  const lines = [m.words(`${header(r)} (atol ${fmtTol(r.atol)}, rtol ${fmtTol(r.rtol)})`)];
  lines.push(...table(r, m), ...pointLines(r, setup, m));
  for (const n of r.notes) lines.push(item(m, `note: ${n}`));
  for (const d of r.diagnoses)
    lines.push(item(m, `diagnosis for '${d.target}' (${d.mistake}): ${d.message}`));
  if (m.format === 'text') return lines.join('\n');
  // Markdown and LaTeX paragraphs need blank lines between them; tables and lists keep together.
  const together = (l: string) => l === '' || l.startsWith('|') || l.startsWith('\\') || l.startsWith('- ');
  return lines.flatMap((l) => (together(l) ? [l] : [l, ''])).join('\n');
}

const item = (m: Markup, s: string) =>
  m.format === 'text' ? `  ${s}` : m.format === 'markdown' ? `- ${s}` : m.words(s);

function header(r: Report): string {
  const where = r.points > 1 ? ` at the given point and ${r.points - 1} random points around it` : '';
  if (r.wrong.length === 0)
    return `checkHandDerived: all ${r.rows.length} hand-derived gradients agree with autodiff and finite differences${where}`;
  const names = [...new Set(r.wrong.map((w) => `'${w.target}'`))].join(', ');
  const at = r.points > 1 ? `, at ${r.failedPoints} of ${r.points} points` : '';
  return `checkHandDerived: ${r.wrong.length} of ${r.rows.length} hand-derived gradients are WRONG (${names})${at}`;
}

function table(r: Report, m: Markup): string[] {
  const wrong = r.rows.filter((row) => !row.ok);
  const shown =
    r.rows.length <= MAX_ROWS
      ? r.rows
      : [...wrong.slice(0, MAX_ROWS - 5), ...r.rows.filter((x) => x.ok).slice(0, 5)];
  const num = (v: number) => m.inline(m.format === 'text' ? fmtNum(v) : m.number(v));
  const rows = shown.map((row) => [
    m.inline(m.name(row.input)),
    row.index.length === 0 ? '-' : m.words(fmtIndex(row.index)),
    num(row.hand),
    num(row.autodiff),
    num(row.numeric),
    m.words(fmtErr(Math.abs(row.hand - row.autodiff))),
    m.words(row.ok ? 'ok' : '✗ wrong'),
  ]);
  const lines = m.table(['input', 'element', 'hand', 'autodiff', 'numeric', '|hand-autodiff|', ''], rows);
  if (shown.length < r.rows.length)
    lines.push(item(m, `… ${r.rows.length - shown.length} more rows, all ok`));
  return lines;
}

function pointLines(r: Report, setup: Prepared, m: Markup): string[] {
  if (r.points === 1 && r.skippedPoints === 0) return [];
  const skipped =
    r.skippedPoints > 0
      ? `; ${r.skippedPoints} skipped where the function or its gradient was not finite`
      : '';
  const lines = [
    item(
      m,
      `points: the given point and ${r.points - 1} random points around it (seed ${setup.seed}, radius ${setup.radius})${skipped}`,
    ),
  ];
  const worst = (what: string, w: HandWorst | null) => {
    if (!w) return;
    const place = w.point === 0 ? 'the given point' : `point ${w.point} (${w.at})`;
    const element = w.index.length === 0 ? '' : ` ${fmtIndex(w.index)}`;
    lines.push(
      item(
        m,
        `worst |hand − ${what}| = ${fmtErr(w.error)} for ${w.target}${element} at ${place}: hand ${fmtNum(w.hand)}, ${what} ${fmtNum(w.value)}`,
      ),
    );
  };
  worst('autodiff', r.worstAutodiff);
  worst('numeric', r.worstNumeric);
  return lines;
}

/** The inputs at a point, in words: `w5 = 0.31, w1 = 0.07`, a tensor by its first elements. */
export function pointText(setup: Prepared, point: Point): string {
  return point
    .map((xs, k) => {
      const shown = Array.from(xs.slice(0, 3), (v) => fmtNum(v, 3));
      const value =
        xs.length === 1 && setup.inputs[k]!.shape.length === 0
          ? shown[0]
          : `[${shown.join(', ')}${xs.length > 3 ? ', …' : ''}]`;
      return `${setup.names[k]} = ${value}`;
    })
    .join(', ');
}
