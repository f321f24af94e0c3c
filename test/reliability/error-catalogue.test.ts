/**
 * The catalogue of bad inputs: every case throws a TapegradError that names the op or class and
 * says what was wrong, the findings stay fixed, and docs/errors.md is exactly what the
 * catalogue produces.
 */
import { readFileSync } from 'node:fs';
import { TapegradError } from '@tapegrad/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ERRORS_DOC, renderErrorsDoc } from '../../docs/scripts/errors-doc.js';
import { cleanCatalogueFiles, runCase } from './catalogue-run.js';
import { BAD_INPUTS } from './error-catalogue.js';

/** The bad inputs issue 12 reported, each of which must stay in the catalogue (and so stay fixed). */
const FINDINGS = [
  'new DataLoader(new TensorDataset(x), { batch_size: 32 })',
  'tensor([1, 2], { requires_grad: true })',
  'new Adam(model.parameters(), { learning_rate: 0.1, weight_decay: 1e-4 })',
  'new StepLR(opt, { step_size: 10 })',
  'model.call([[1, 2, 3, 4]])',
  'randn([2, 2]).matmul([[1, 0], [0, 1]])',
  'crossEntropy(logits, [0, 2])',
  "new Linear(2, 2).call(randn([1, 2], { dtype: 'float64' }))",
  "tensor([1, NaN], { dtype: 'int32' })",
  "tensor([2 ** 40], { dtype: 'int32' })",
  'arange(0, NaN)',
  'zeros([2 ** 31, 2 ** 31])',
  'arange(0, Infinity)',
  'images.maxPool2d()',
  'new SGD(model)',
  'new Linear(2, 2).loadStateDict(null)',
  'new Linear(2, 2).loadStateDict({ weight: 3, bias: 4 })',
  "new Linear(2, 2).loadStateDict({ weight: { shape: [2, 2], dtype: 'float32', data: [1, 2, 3] }, bias: zeros([2]) })",
  "new Linear(2, 2).loadStateDict({ weight: { shape: [2, 2], dtype: 'float16', data: [1, 2, 3, 4] }, bias: zeros([2]) })",
  'readIdxFile(dir())',
  "readIdxFile(idxHeader('huge.idx', [1024, 1024, 1024, 1024]), { limit: 1 })",
  "writeFileAtomic(tmp('missing-dir/model.json'), '{}')",
  "loadStateFile(stateFile('flipped.json', (b) => flipBit(b, 200)))",
];

afterAll(cleanCatalogueFiles);

describe('the catalogue of bad inputs', () => {
  it('has at least 80 cases across every category of issue 12, the findings included', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(80);
    expect(new Set(BAD_INPUTS.map((c) => c.category)).size).toBeGreaterThanOrEqual(12);
    const codes = new Set(BAD_INPUTS.map((c) => c.code));
    expect(FINDINGS.filter((f) => !codes.has(f))).toEqual([]);
    expect(BAD_INPUTS.some((c) => c.code.includes("'__proto__'") || c.code.includes('"__proto__"'))).toBe(
      true,
    );
  });

  it.each(BAD_INPUTS.map((c) => [c.code, c] as const))(
    '%s throws a TapegradError naming the op and the value',
    (_, c) => {
      const e = runCase(c);
      expect(e, 'no error').toBeDefined();
      expect(e, `${(e as Error).constructor?.name}: ${(e as Error).message}`).toBeInstanceOf(TapegradError);
      const { message, op } = e as TapegradError;
      expect(op).toBe(c.op);
      expect(message.startsWith(`${c.op}: `)).toBe(true);
      for (const m of c.mentions) expect(message).toContain(m);
    },
  );

  it('docs/errors.md is what `pnpm docs:errors` writes from this catalogue', () => {
    expect(readFileSync(ERRORS_DOC, 'utf8')).toBe(renderErrorsDoc());
  });
});
