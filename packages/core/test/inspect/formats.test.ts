import { describe, expect, it } from 'vitest';
import { reportSamples, ruleFormulas } from './format-samples.js';

/**
 * The only macros the reports may use: LaTeX's own and amsmath's (aligned), nothing that needs
 * another package.
 */
const ALLOWED = new Set(
  [
    'frac partial cdot mathrm left right sigma tanh exp ln sqrt sin cos max min to leftarrow text',
    'textbf textbackslash begin end geq leq times infty hline quad ldots approx neq odot',
    'alpha beta gamma delta epsilon eta theta lambda mu tau phi omega Delta',
  ]
    .join(' ')
    .split(' '),
);
/** Escapes: \_ \# \% \& \$ \{ \} \\ \^{} \~{} and the thin space. */
const ESCAPES = /\\[_#%&${}\\^~,]/g;

function checkLatex(name: string, tex: string): void {
  const foreign = [...tex].filter((ch) => ch !== '\n' && ch !== '\t' && (ch < ' ' || ch > '~'));
  expect(foreign, `${name}: characters outside printable ASCII in LaTeX`).toEqual([]);
  const body = tex.replace(ESCAPES, '');
  const macros = [...body.matchAll(/\\([A-Za-z]+)/g)].map((m) => m[1]!);
  const unknown = [...new Set(macros.filter((m) => !ALLOWED.has(m)))];
  expect(unknown, `${name}: macros outside the allowed list`).toEqual([]);
  let depth = 0;
  for (const ch of body) {
    depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    expect(depth, `${name}: a } closes nothing`).toBeGreaterThanOrEqual(0);
  }
  expect(depth, `${name}: unclosed {`).toBe(0);
  expect(macros.filter((m) => m === 'left').length, `${name}: \\left without \\right`).toBe(
    macros.filter((m) => m === 'right').length,
  );
  const envs = [...body.matchAll(/\\(begin|end)\{(\w+)\}/g)];
  const stack: string[] = [];
  for (const [, kind, env] of envs) {
    if (kind === 'begin') stack.push(env!);
    else expect(stack.pop(), `${name}: \\end{${env}} does not match`).toBe(env);
  }
  expect(stack, `${name}: unclosed environments`).toEqual([]);
  expect((body.match(/\$/g) ?? []).length % 2, `${name}: unbalanced $`).toBe(0);
  expect((body.match(/\\\[/g) ?? []).length).toBe((body.match(/\\\]/g) ?? []).length);
}

describe('LaTeX output', () => {
  it('every report is balanced and uses only standard macros', () => {
    const samples = reportSamples('latex');
    expect(Object.keys(samples).length).toBeGreaterThanOrEqual(9);
    for (const [name, tex] of Object.entries(samples)) checkLatex(name, tex);
  });

  it("every rule's definition and derivative formulas are balanced and standard", () => {
    const formulas = ruleFormulas();
    expect(formulas.length).toBeGreaterThan(50);
    formulas.forEach((tex, i) => checkLatex(`formula ${i}: ${tex}`, tex));
  });

  it('the check catches what it should: an unknown macro, an unclosed brace', () => {
    expect(() => checkLatex('bad macro', '\\operatorname{x}')).toThrow();
    expect(() => checkLatex('bad brace', '\\frac{a}{b')).toThrow();
    expect(() => checkLatex('unicode', 'σ')).toThrow();
  });
});

describe('Markdown output', () => {
  it('renders as tables: a header, a separator and rows of the same width, unescaped pipes only as cell borders', () => {
    for (const [name, md] of Object.entries(reportSamples('markdown'))) {
      const lines = md.split('\n');
      const tables: string[][] = [];
      let current: string[] | null = null;
      for (const line of lines) {
        if (line.startsWith('|')) (current ??= []).push(line);
        else if (current) {
          tables.push(current);
          current = null;
        }
      }
      if (current) tables.push(current);
      if (name !== 'tensor') expect(tables.length, `${name}: no table`).toBeGreaterThan(0);
      for (const t of tables) {
        const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
        expect(/^\|( --- \|)+$/.test(t[1]!), `${name}: separator row`).toBe(true);
        for (const row of t) expect(cells(row), `${name}: ${row}`).toBe(cells(t[0]!));
        // A table must be preceded by a blank line to render.
        const at = lines.indexOf(t[0]!);
        expect(at === 0 || lines[at - 1] === '', `${name}: no blank line before a table`).toBe(true);
      }
    }
  });
});
