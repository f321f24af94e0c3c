/**
 * Checks the porting table of docs/pytorch.md: every name in its tapegrad column exists (exported
 * by a package, or a member of the object the column's receiver names), and every name in its
 * "in tapegrad" workarounds too. Then runs the guide's code blocks and checks their outputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as node from '@tapegrad/nn/node';
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, repoRoot, runGuide } from './support/guide.js';

const guide = readFileSync(join(repoRoot, 'docs', 'pytorch.md'), 'utf8');
const table = guide.slice(guide.indexOf('## Name by name'), guide.indexOf('## What differs'));

/** The code spans of the tapegrad column: the second cell of every table row. */
const spans = table
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| PyTorch') && !line.startsWith('| ---'))
  .flatMap((line) => [...(line.split(' | ')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));

// What the receivers of the column stand for.
const param = new nn.Parameter(core.tensor([1]));
const optimizer = new nn.SGD([param], { lr: 0.1 });
const receivers: Record<string, object> = {
  x: core.tensor([1]),
  s: core.scalar(1),
  model: new nn.Linear(1, 1),
  opt: optimizer,
  sched: new nn.StepLR(optimizer, { stepSize: 1 }),
  ds: new nn.TensorDataset(core.tensor([1])),
  loader: new nn.DataLoader(new nn.TensorDataset(core.tensor([1]))),
  init: nn.init,
};
const exported = new Set([...Object.keys(core), ...Object.keys(nn), ...Object.keys(node)]);

/** Type-only exports (interfaces), which have no runtime value: found in the packages' index files. */
function isExportedType(name: string): boolean {
  const indexes = ['core/src/index.ts', 'nn/src/index.ts', 'nn/src/data/index.ts'];
  return indexes.some((f) =>
    new RegExp(`\\btype ${name}\\b`).test(readFileSync(join(repoRoot, 'packages', f), 'utf8')),
  );
}

/** Why the span names nothing real, or null if it does. */
function problem(span: string): string | null {
  const m = span.replace(/^new /, '').match(/^([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?/);
  if (!m) return null; // a literal: an options object, a string, an array
  const [, head, member] = m;
  const receiver = receivers[head!];
  if (receiver) {
    if (member === undefined) return `'${span}' names a receiver without a member`;
    return member in receiver ? null : `'${member}' is not a member of ${head}`;
  }
  return exported.has(head!) || isExportedType(head!) ? null : `'${head}' is not exported`;
}

describe('docs/pytorch.md', () => {
  it('maps PyTorch names to tapegrad names that exist', () => {
    expect(spans.length).toBeGreaterThan(250);
    const problems = spans.map(problem).filter((p) => p !== null);
    expect(problems).toEqual([]);
  });

  it('names the tapegrad functions and classes the column lists, not look-alikes', () => {
    // The check above is only as good as its parsing: make sure it sees what a reader sees.
    for (const name of [
      'tensor',
      'noGrad',
      'customGrad',
      'Sequential',
      'crossEntropy',
      'OneCycleLR',
      'randomSplit',
    ]) {
      expect(spans.some((s) => s.replace(/^new /, '').startsWith(name))).toBe(true);
    }
    expect(problem('x.notAMethod()')).toMatch(/not a member/);
    expect(problem('notExported(x)')).toMatch(/not exported/);
    expect(problem('Dataset')).toBeNull();
  });

  it('runs the code blocks of "What differs" and prints what they show', async () => {
    const run = await runGuide('docs/pytorch.md');
    expectShownOutputs(run);
    expect(run.lines).toContain('0.2713 0.2713');
  });
});
