/**
 * A check run by hand (not part of `pnpm test`: CI machines have no TeX): typesets every LaTeX
 * report and rule formula in one document with pdflatex and fails if it does not compile.
 *
 *   apt-get install -y --no-install-recommends texlive-latex-base
 *   npx tsx packages/core/test/inspect/latex-compile.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportSamples, ruleFormulas } from './format-samples.js';

const sections = Object.entries(reportSamples('latex')).map(([name, tex]) => `\\section*{${name}}\n${tex}\n`);
const formulas = ruleFormulas().map((tex) => `\\[ ${tex} \\]`);
const document = [
  '\\documentclass{article}',
  '\\usepackage{amsmath}',
  '\\usepackage[margin=1cm,landscape]{geometry}',
  '\\begin{document}',
  ...sections,
  '\\section*{rule formulas}',
  ...formulas,
  '\\end{document}',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-latex-'));
writeFileSync(join(dir, 'reports.tex'), document);
try {
  execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'reports.tex'], {
    cwd: dir,
    stdio: 'pipe',
  });
} catch {
  const log = readFileSync(join(dir, 'reports.log'), 'utf8');
  console.error(
    log
      .split('\n')
      .filter((l) => l.startsWith('!') || l.startsWith('l.'))
      .join('\n'),
  );
  console.error(`pdflatex failed; the document is ${join(dir, 'reports.tex')}`);
  process.exit(1);
}
const log = readFileSync(join(dir, 'reports.log'), 'utf8');
const pages = /Output written on reports\.pdf \((\d+) pages?/.exec(log)?.[1];
console.log(
  `pdflatex compiled ${sections.length} reports and ${formulas.length} formulas: ${pages} pages, ${join(dir, 'reports.pdf')}`,
);
