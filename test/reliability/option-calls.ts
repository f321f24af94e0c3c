/**
 * One call per options parameter of the public API, keyed as `findOptionsSites` names them
 * (`Adam.constructor#1`: the options of `new Adam(params, options)`; `SGD.constructor#0[]`: a
 * parameter group). Each call passes `options` where the site takes it and valid arguments
 * everywhere else, so the only thing that can fail is the options object itself.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as node from '@tapegrad/nn/node';

const { randn, scalar, tensor } = core;

/** A call that passes `o` as the options at its site; `never` because every site's type differs. */
export type OptionCall = (o: never) => unknown;

const f64 = (shape: number[]) => randn(shape, { dtype: 'float64' });
const param = () => new nn.Parameter(randn([2]));
const labels = () => tensor([0, 2], { dtype: 'int32' });
const linear = () => new nn.Linear(3, 2);
const sgd = () => new nn.SGD([param()], { lr: 0.1 });
const weights = (gates: number) => ({ weightIh: randn([gates * 2, 3]), weightHh: randn([gates * 2, 2]) });
const recurrentInput = () => randn([4, 1, 3]);
const loss = () => {
  const x = randn([2], { requiresGrad: true });
  return x.mul(x).sum();
};
const silentStream = { write: () => true, isTTY: false };
const bar = () => new node.ProgressBar({ total: 2, stream: silentStream });

/** An optimizer whose options include every one of `keys` (SGD when none does: a bogus key). */
function optimizerFor(keys: readonly string[]): nn.Optimizer<{ lr: number }> {
  const all = [sgd(), new nn.Adam([param()]), new nn.RMSprop([param()]), new nn.Adagrad([param()])];
  return all.find((opt) => keys.every((k) => Object.hasOwn(opt.optionKeys, k))) ?? all[0]!;
}

let scratch: string | undefined;
/** A fresh temporary directory for the calls that write files. */
const dir = () => (scratch ??= mkdtempSync(join(tmpdir(), 'tapegrad-options-')));

/** An IDX file of 3 uint8 values for `readIdxFile`. */
function idxFile(): string {
  const path = join(dir(), 'three.idx');
  writeFileSync(path, nn.writeIdx({ type: 'uint8', shape: [3], data: new Uint8Array([1, 2, 3]) }));
  return path;
}

/** A site's call, for each site id. */
export const OPTION_CALLS: Readonly<Record<string, OptionCall>> = {
  // --- core: creation ----------------------------------------------------------------------------
  'tensor#1': (o) => tensor([1, 2], o),
  'fromTypedArray#2': (o) => core.fromTypedArray(new Float32Array(2), [2], o),
  'full#2': (o) => core.full([2], 1, o),
  'zeros#1': (o) => core.zeros([2], o),
  'ones#1': (o) => core.ones([2], o),
  'zerosLike#1': (o) => core.zerosLike(randn([2]), o),
  'onesLike#1': (o) => core.onesLike(randn([2]), o),
  'arange#3': (o) => core.arange(0, 3, 1, o),
  'linspace#3': (o) => core.linspace(0, 1, 3, o),
  'eye#2': (o) => core.eye(2, 2, o),
  'rand#1': (o) => core.rand([2], o),
  'randn#1': (o) => randn([2], o),
  'randint#3': (o) => core.randint(0, 3, [2], o),
  'scalar#1': (o) => scalar(1, o),
  'oneHot#2': (o) => core.oneHot(labels(), 3, o),
  // --- core: tensor and scalar methods -----------------------------------------------------------
  'Tensor.backward#0': (o) => loss().backward(o),
  'Tensor.backward#1': (o) => loss().backward(tensor(1), o),
  'Scalar.backward#0': (o) => scalar(2, { requiresGrad: true }).mul(3).backward(o),
  'Tensor.gelu#0': (o) => randn([2]).gelu(o),
  'Tensor.softplus#0': (o) => randn([2]).softplus(o),
  'Scalar.gelu#0': (o) => scalar(1).gelu(o),
  'Scalar.softplus#0': (o) => scalar(1).softplus(o),
  'Tensor.var#2': (o) => randn([3]).var(undefined, false, o),
  'Tensor.std#2': (o) => randn([3]).std(undefined, false, o),
  'Tensor.conv2d#1': (o) => randn([1, 1, 3, 3]).conv2d(randn([1, 1, 2, 2]), o),
  'Tensor.conv1d#1': (o) => randn([1, 1, 3]).conv1d(randn([1, 1, 2]), o),
  'Tensor.convTranspose2d#1': (o) => randn([1, 1, 2, 2]).convTranspose2d(randn([1, 1, 2, 2]), o),
  'Tensor.maxPool2d#0': (o) => randn([1, 1, 4, 4]).maxPool2d(o),
  'Tensor.avgPool2d#0': (o) => randn([1, 1, 4, 4]).avgPool2d(o),
  // --- core: transforms and verification ---------------------------------------------------------
  'grad#1': (o) => core.grad((x: core.Tensor) => x.sum(), o)(f64([2])),
  'valueAndGrad#1': (o) => core.valueAndGrad((x: core.Tensor) => x.sum(), o)(f64([2])),
  'jacobian#1': (o) => core.jacobian((x: core.Tensor) => x.mul(2), o)(f64([2])),
  'hessian#1': (o) => core.hessian((x: core.Tensor) => x.pow(2).sum(), o)(f64([2])),
  'gradcheck#2': (o) => core.gradcheck((x: core.Tensor) => x.sin().sum(), [f64([2])], o),
  'assertGradcheck#2': (o) => core.assertGradcheck((x: core.Tensor) => x.sin().sum(), [f64([2])], o),
  'gradgradcheck#2': (o) => core.gradgradcheck((x: core.Tensor) => x.pow(3).sum(), [f64([2])], o),
  'assertGradgradcheck#2': (o) => core.assertGradgradcheck((x: core.Tensor) => x.pow(3).sum(), [f64([2])], o),
  'checkHandDerived#3': (o) => core.checkHandDerived((w: core.Scalar) => w.mul(w), [scalar(3)], [6], o),
  'explainGradient#2': (o) => {
    const w = scalar(2, { requiresGrad: true });
    return core.explainGradient(w.mul(w), w, o);
  },
  'explainGradientPaths#2': (o) => {
    const w = scalar(2, { requiresGrad: true });
    return core.explainGradientPaths(w.mul(w), w, o);
  },
  'toDot#1': (o) => core.toDot(scalar(2, { requiresGrad: true }).mul(3), o),
  'backpropWorksheet#1': (o) => core.backpropWorksheet(scalar(2, { requiresGrad: true }).mul(3), o),
  'formatFormula#2': (o) => core.formatFormula({ kind: 'num', value: 2 }, 'text', o),
  'adamStep_#4': (o) => {
    const [p, g, m, v] = [randn([2]), randn([2]), core.zeros([2]), core.zeros([2])];
    return core.adamStep_(p, g, m, v, { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, step: 1, ...(o as object) });
  },
  // --- nn: layers --------------------------------------------------------------------------------
  'Linear.constructor#2': (o) => new nn.Linear(2, 2, o),
  'Conv1d.constructor#3': (o) => new nn.Conv1d(1, 1, 2, o),
  'Conv2d.constructor#3': (o) => new nn.Conv2d(1, 1, 2, o),
  'ConvTranspose2d.constructor#3': (o) => new nn.ConvTranspose2d(1, 1, 2, o),
  'MaxPool2d.constructor#1': (o) => new nn.MaxPool2d(2, o),
  'AvgPool2d.constructor#1': (o) => new nn.AvgPool2d(2, o),
  'Dropout.constructor#1': (o) => new nn.Dropout(0.5, o),
  'Embedding.constructor#2': (o) => new nn.Embedding(3, 2, o),
  'LayerNorm.constructor#1': (o) => new nn.LayerNorm(3, o),
  'BatchNorm1d.constructor#1': (o) => new nn.BatchNorm1d(3, o),
  'BatchNorm2d.constructor#1': (o) => new nn.BatchNorm2d(3, o),
  'PReLU.constructor#2': (o) => new nn.PReLU(1, 0.25, o),
  'GELU.constructor#0': (o) => new nn.GELU(o),
  'Softplus.constructor#0': (o) => new nn.Softplus(o),
  'Upsample.constructor#0': (o) => new nn.Upsample({ scaleFactor: 2, ...(o as object) }),
  'RNN.constructor#2': (o) => new nn.RNN(3, 2, o),
  'LSTM.constructor#2': (o) => new nn.LSTM(3, 2, o),
  'GRU.constructor#2': (o) => new nn.GRU(3, 2, o),
  'RNNCell.constructor#2': (o) => new nn.RNNCell(3, 2, o),
  'LSTMCell.constructor#2': (o) => new nn.LSTMCell(3, 2, o),
  'GRUCell.constructor#2': (o) => new nn.GRUCell(3, 2, o),
  'MultiheadAttention.constructor#2': (o) => new nn.MultiheadAttention(4, 2, o),
  'MultiheadAttention.forward#3': (o) => {
    const q = randn([3, 1, 4]);
    return new nn.MultiheadAttention(4, 2).forward(q, q, q, o);
  },
  // --- nn: modules -------------------------------------------------------------------------------
  'Module.loadStateDict#1': (o) => {
    const m = linear();
    return m.loadStateDict(m.stateDict(), o);
  },
  'Module.registerBuffer#2': (o) => new nn.Module().registerBuffer('stats', randn([2]), o),
  // --- nn: functional ----------------------------------------------------------------------------
  'gelu#1': (o) => nn.gelu(randn([2]), o),
  'softplus#1': (o) => nn.softplus(randn([2]), o),
  'dropout#2': (o) => nn.dropout(randn([2]), 0.5, o),
  'embedding#2': (o) => nn.embedding(labels(), randn([3, 2]), o),
  'batchNorm#3': (o) => nn.batchNorm(randn([4, 2]), null, null, o),
  'interpolate#1': (o) => nn.interpolate(randn([1, 1, 2]), { scaleFactor: 2, ...(o as object) }),
  'scaledDotProductAttention#3': (o) => {
    const q = randn([2, 3]);
    return nn.scaledDotProductAttention(q, q, q, o);
  },
  'rnn#2[]': (o) => nn.rnn(recurrentInput(), null, [{ ...weights(1), ...(o as object) }]),
  'rnn#3': (o) => nn.rnn(recurrentInput(), null, [weights(1)], o),
  'lstm#2[]': (o) => nn.lstm(recurrentInput(), null, [{ ...weights(4), ...(o as object) }]),
  'lstm#3': (o) => nn.lstm(recurrentInput(), null, [weights(4)], o),
  'gru#2[]': (o) => nn.gru(recurrentInput(), null, [{ ...weights(3), ...(o as object) }]),
  'gru#3': (o) => nn.gru(recurrentInput(), null, [weights(3)], o),
  'rnnCell#2': (o) => nn.rnnCell(randn([1, 3]), null, { ...weights(1), ...(o as object) }),
  'lstmCell#2': (o) => nn.lstmCell(randn([1, 3]), null, { ...weights(4), ...(o as object) }),
  'gruCell#2': (o) => nn.gruCell(randn([1, 3]), null, { ...weights(3), ...(o as object) }),
  // --- nn: losses --------------------------------------------------------------------------------
  'mseLoss#2': (o) => nn.mseLoss(randn([2]), randn([2]), o),
  'l1Loss#2': (o) => nn.l1Loss(randn([2]), randn([2]), o),
  'huberLoss#2': (o) => nn.huberLoss(randn([2]), randn([2]), o),
  'smoothL1Loss#2': (o) => nn.smoothL1Loss(randn([2]), randn([2]), o),
  'crossEntropy#2': (o) => nn.crossEntropy(randn([2, 3]), labels(), o),
  'nllLoss#2': (o) => nn.nllLoss(randn([2, 3]), labels(), o),
  'binaryCrossEntropy#2': (o) => nn.binaryCrossEntropy(core.rand([2]), core.rand([2]), o),
  'bceWithLogits#2': (o) => nn.bceWithLogits(randn([2]), core.rand([2]), o),
  'klDiv#2': (o) => nn.klDiv(randn([2]), core.rand([2]), o),
  'multiMarginLoss#2': (o) => nn.multiMarginLoss(randn([2, 3]), labels(), o),
  'MSELoss.constructor#0': (o) => new nn.MSELoss(o),
  'L1Loss.constructor#0': (o) => new nn.L1Loss(o),
  'HuberLoss.constructor#0': (o) => new nn.HuberLoss(o),
  'SmoothL1Loss.constructor#0': (o) => new nn.SmoothL1Loss(o),
  'CrossEntropyLoss.constructor#0': (o) => new nn.CrossEntropyLoss(o),
  'NLLLoss.constructor#0': (o) => new nn.NLLLoss(o),
  'BCELoss.constructor#0': (o) => new nn.BCELoss(o),
  'BCEWithLogitsLoss.constructor#0': (o) => new nn.BCEWithLogitsLoss(o),
  'KLDivLoss.constructor#0': (o) => new nn.KLDivLoss(o),
  'MultiMarginLoss.constructor#0': (o) => new nn.MultiMarginLoss(o),
  // --- nn: optimizers, their parameter groups, schedulers ----------------------------------------
  'SGD.constructor#1': (o) => new nn.SGD([param()], o),
  'Adam.constructor#1': (o) => new nn.Adam([param()], o),
  'AdamW.constructor#1': (o) => new nn.AdamW([param()], o),
  'RMSprop.constructor#1': (o) => new nn.RMSprop([param()], o),
  'Adagrad.constructor#1': (o) => new nn.Adagrad([param()], o),
  'SGD.constructor#0[]': (o) => new nn.SGD([{ params: [param()], ...(o as object) }], { lr: 0.1 }),
  'Adam.constructor#0[]': (o) => new nn.Adam([{ params: [param()], ...(o as object) }]),
  'AdamW.constructor#0[]': (o) => new nn.AdamW([{ params: [param()], ...(o as object) }]),
  'RMSprop.constructor#0[]': (o) => new nn.RMSprop([{ params: [param()], ...(o as object) }]),
  'Adagrad.constructor#0[]': (o) => new nn.Adagrad([{ params: [param()], ...(o as object) }]),
  'Optimizer.zeroGrad#0': (o) => sgd().zeroGrad(o as never),
  'Module.zeroGrad#0': (o) => new nn.Linear(2, 2).zeroGrad(o as never),
  // The declared type unions every optimizer's options; each key goes to an optimizer that has it.
  'Optimizer.addParamGroup#0': (o) =>
    optimizerFor(Object.keys(o as object)).addParamGroup({ params: [param()], ...(o as object) }),
  'StepLR.constructor#1': (o) => new nn.StepLR(sgd(), { stepSize: 1, ...(o as object) }),
  'MultiStepLR.constructor#1': (o) => new nn.MultiStepLR(sgd(), { milestones: [1], ...(o as object) }),
  'CosineAnnealingLR.constructor#1': (o) => new nn.CosineAnnealingLR(sgd(), { tMax: 2, ...(o as object) }),
  'LinearLR.constructor#1': (o) => new nn.LinearLR(sgd(), o),
  'ExponentialLR.constructor#1': (o) => new nn.ExponentialLR(sgd(), { gamma: 0.9, ...(o as object) }),
  'OneCycleLR.constructor#1': (o) => new nn.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, ...(o as object) }),
  'ReduceLROnPlateau.constructor#1': (o) => new nn.ReduceLROnPlateau(sgd(), o),
  'clipGradNorm#3': (o) => nn.clipGradNorm([param()], 1, 2, o),
  // --- nn: init ----------------------------------------------------------------------------------
  'init.uniform#3': (o) => nn.init.uniform(randn([2, 2]), -1, 1, o),
  'init.normal#3': (o) => nn.init.normal(randn([2, 2]), 0, 1, o),
  'init.xavierUniform#2': (o) => nn.init.xavierUniform(randn([2, 2]), 1, o),
  'init.xavierNormal#2': (o) => nn.init.xavierNormal(randn([2, 2]), 1, o),
  'init.kaimingUniform#1': (o) => nn.init.kaimingUniform(randn([2, 2]), o),
  'init.kaimingNormal#1': (o) => nn.init.kaimingNormal(randn([2, 2]), o),
  // --- nn: data ----------------------------------------------------------------------------------
  'DataLoader.constructor#1': (o) => new nn.DataLoader(new nn.TensorDataset(randn([4, 2])), o),
  'Standardizer.constructor#0': (o) => new nn.Standardizer(o),
  'MinMaxScaler.constructor#0': (o) => new nn.MinMaxScaler(o),
  'Whitener.constructor#0': (o) => new nn.Whitener(o),
  // --- nn: interop and files ---------------------------------------------------------------------
  'toSafetensors#1': (o) => nn.toSafetensors(linear().stateDict(), o),
  'saveSafetensors#2': (o) => node.saveSafetensors(join(dir(), 'w.safetensors'), linear().stateDict(), o),
  'encodeStateFile#0': (o) => nn.encodeStateFile(o),
  'saveStateFile#1': (o) => node.saveStateFile(join(dir(), 'state.json'), o),
  'exportOnnx#2': (o) => nn.exportOnnx(linear(), randn([1, 3]), o),
  'readIdxFile#1': (o) => node.readIdxFile(idxFile(), o),
  'loadMnist#0': (o) => node.loadMnist({ dir: dir(), ...(o as object) }),
  'ProgressBar.constructor#0': (o) =>
    new node.ProgressBar({ total: 2, stream: silentStream, ...(o as object) }),
  'ProgressBar.update#1': (o) => bar().update(1, o),
  'ProgressBar.finish#0': (o) => bar().finish(o),
  'ProgressBar.render#1': (o) => bar().render(1, o, false),
};

/**
 * The names a site's error may mention: the class for a constructor (and its parameter groups),
 * otherwise the function or method (`Tensor.gelu#0` → `gelu`, `init.uniform#3` → `uniform`), or
 * for a method its class (MultiheadAttention for its forward).
 */
export function siteNames(id: string): string[] {
  const [path] = id.split('#') as [string];
  const parts = path.split('.');
  if (parts.at(-1) === 'constructor') return [parts.at(-2)!];
  return parts.length > 1 && parts[0] !== 'init' ? [parts.at(-1)!, parts[0]!] : [parts.at(-1)!];
}

/** Sites whose declared keys are a union over subclasses; each call takes only its own. */
export const UNION_SITES: ReadonlySet<string> = new Set(['Optimizer.addParamGroup#0']);
