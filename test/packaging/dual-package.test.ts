/**
 * The built packages as a Node user loads them: from a plain ES module and from a CommonJS file
 * in a project outside the repository. Node must load one build of each package either way, so a
 * tensor or a model made through `import` works with code reached through `require`; where two
 * copies of core meet anyway (a dist file imported by path), the error must say so.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages } from '../../scripts/published.js';
import { packTarballs, sh } from '../support/packages.js';

const root = mkdtempSync(join(tmpdir(), 'tapegrad-dual-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const tarballs = await packTarballs(join(root, 'packages'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await sh(`npm install ${tarballs.join(' ')}`, root);
}, 180_000);

const CJS_SIDE = `
const core = require('@tapegrad/core');
const nn = require('@tapegrad/nn');
exports.core = core;
exports.makeModel = () => new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
exports.makeInput = () => core.tensor([[1, 2], [3, 4]]);
exports.lossOf = (model, x) => nn.mseLoss(model.call(x), core.zeros([2, 1]));
`;

const ESM_SIDE = `
import { Tensor, tensor, zeros } from '@tapegrad/core';
import { Linear, mseLoss, SGD } from '@tapegrad/nn';
import { loadMnist } from '@tapegrad/nn/node';
import cjs from './cjs-side.cjs';

const results = {};
results.sameTensorClass = cjs.core.Tensor === Tensor;
// A model built through require, trained on a tensor made through import.
const model = cjs.makeModel();
const x = tensor([[1, 2], [3, 4]]);
const optimizer = new SGD(model.parameters(), { lr: 0.05 });
const losses = [];
for (let i = 0; i < 20; i++) {
  optimizer.zeroGrad();
  const loss = cjs.lossOf(model, x);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
results.lossFell = losses.at(-1) < losses[0];
results.outputIsTensor = model.call(x) instanceof Tensor;
// A layer built through import on a tensor made through require.
const y = new Linear(2, 1).call(cjs.makeInput());
results.mixedShape = y.shape;
results.mixedLoss = mseLoss(y, zeros([2, 1])).item() >= 0;
results.loadMnistIsFunction = typeof loadMnist === 'function';
console.log(JSON.stringify(results));
`;

describe('the built packages from ES modules and CommonJS in one process', () => {
  it('declare the Node versions they support', () => {
    for (const p of publishedPackages()) {
      const json = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as {
        engines?: { node?: string };
      };
      expect(json.engines?.node, p.name).toBe('>=20');
    }
  });

  it('share one Tensor class and one tape between import and require', async () => {
    writeFileSync(join(root, 'cjs-side.cjs'), CJS_SIDE);
    writeFileSync(join(root, 'esm-side.mjs'), ESM_SIDE);
    const results = JSON.parse(await sh('node esm-side.mjs', root)) as Record<string, unknown>;
    expect(results).toEqual({
      sameTensorClass: true,
      lossFell: true,
      outputIsTensor: true,
      mixedShape: [2, 1],
      mixedLoss: true,
      loadMnistIsFunction: true,
    });
  });

  it('name both copies when a tensor from one build of core reaches the other', async () => {
    const script = `
      import { createRequire } from 'node:module';
      import * as esmBuild from './node_modules/@tapegrad/core/dist/index.js';
      const cjsBuild = createRequire(import.meta.url)('@tapegrad/core');
      try { esmBuild.tensor([1]).add(cjsBuild.tensor([2])); console.log('no error'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    writeFileSync(join(root, 'two-copies.mjs'), script);
    const printed = (await sh('node two-copies.mjs', root)).trim();
    expect(printed).toMatch(
      /^TapegradError: add: expected a Tensor or a number, got Tensor \(2 copies of @tapegrad\/core are loaded: 0\.1\.0 esm, 0\.1\.0 cjs;/,
    );
    expect(printed).toContain('Load @tapegrad/core and @tapegrad/nn the same way');
  });
});
