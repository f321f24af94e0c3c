/**
 * The catalogue of bad inputs: each is code a user might write, the op or class the error must
 * name (the message starts with it), and what else the message must say — the offending value
 * and, where it helps, the fix. `error-catalogue.test.ts` runs every case; docs/errors.md is
 * generated from this table with the messages they produce (`pnpm docs:errors`).
 */

/** One bad input. */
export interface BadInput {
  /** The section of docs/errors.md. */
  category: string;
  /** JavaScript as a user writes it (an expression, or statements). */
  code: string;
  /** The op or class the `TapegradError` names (its message starts with `op:`). */
  op: string;
  /** Text the message must contain: the offending value, and the fix where one helps. */
  mentions: readonly string[];
  /** Found by the red team of issue 12 (kept so they stay fixed). */
  finding?: true;
}

const OPTIONS = 'Misspelled and snake_case options';
const ARRAYS = 'Plain arrays where a Tensor belongs';
const SHAPES = 'Shapes';
const DTYPES = 'Dtypes';
const AXES = 'Axes and indices';
const EMPTY = 'Empty and zero-size tensors';
const NONFINITE = 'NaN and Infinity in inputs and hyperparameters';
const LABELS = 'Labels out of range';
const SIZES = 'Sizes that are not integers, or too large';
const OBJECTS = 'The wrong kind of object';
const STATE = 'Mismatched and malformed state dicts';
const FILES = 'Corrupt, truncated and missing files';
const PROTOTYPE = 'Prototype-pollution keys in loaded data';

/** Every case, in the order of docs/errors.md. */
export const BAD_INPUTS: readonly BadInput[] = [
  // --- options ---------------------------------------------------------------------------------------
  {
    category: OPTIONS,
    code: 'new DataLoader(new TensorDataset(x), { batch_size: 32 })',
    op: 'DataLoader',
    mentions: ["'batch_size'", "'batchSize'"],
    finding: true,
  },
  {
    category: OPTIONS,
    code: 'tensor([1, 2], { requires_grad: true })',
    op: 'tensor',
    mentions: ["'requires_grad'", "'requiresGrad'"],
    finding: true,
  },
  {
    category: OPTIONS,
    code: 'new Adam(model.parameters(), { learning_rate: 0.1, weight_decay: 1e-4 })',
    op: 'Adam',
    mentions: ["'learning_rate'", "'lr'"],
    finding: true,
  },
  {
    category: OPTIONS,
    code: 'new Adam(model.parameters(), { lr: 0.1, weight_decay: 1e-4 })',
    op: 'Adam',
    mentions: ["'weight_decay'", "'weightDecay'"],
    finding: true,
  },
  {
    category: OPTIONS,
    code: 'new StepLR(opt, { step_size: 10 })',
    op: 'StepLR',
    mentions: ["'step_size'", "'stepSize'"],
    finding: true,
  },
  {
    category: OPTIONS,
    code: 'new Linear(4, 2, { biass: false })',
    op: 'Linear',
    mentions: ["'biass'", "'bias'"],
  },
  {
    category: OPTIONS,
    code: "x.gelu({ approx: 'tanh' })",
    op: 'gelu',
    mentions: ["'approx'", "'approximate'"],
  },
  {
    category: OPTIONS,
    code: 'x.sum().backward({ retain_graph: true })',
    op: 'backward',
    mentions: ["'retain_graph'", "'retainGraph'"],
  },
  {
    category: OPTIONS,
    code: 'crossEntropy(logits, labels, { label_smoothing: 0.1 })',
    op: 'crossEntropy',
    mentions: ["'label_smoothing'", "'labelSmoothing'"],
  },
  {
    category: OPTIONS,
    code: 'new SGD([{ params: model.parameters(), learning_rate: 0.1 }], { lr: 0.01 })',
    op: 'SGD.addParamGroup (group 0)',
    mentions: ["'learning_rate'", "'lr'"],
  },
  {
    category: OPTIONS,
    code: "tensor([1, 2], 'float64')",
    op: 'tensor',
    mentions: ["the string 'float64'", 'dtype'],
  },
  {
    category: OPTIONS,
    code: 'new Conv2d(1, 4, 3, { stride: 1, padding: 1, dilation: 2 })',
    op: 'Conv2d',
    mentions: ["'dilation'", 'stride, padding'],
  },
  // --- plain arrays ----------------------------------------------------------------------------------
  {
    category: ARRAYS,
    code: 'model.call([[1, 2, 3, 4]])',
    op: 'Linear',
    mentions: ['got an array', 'tensor(...)'],
    finding: true,
  },
  {
    category: ARRAYS,
    code: 'randn([2, 2]).matmul([[1, 0], [0, 1]])',
    op: 'matmul',
    mentions: ['got an array', 'tensor(...)'],
    finding: true,
  },
  {
    category: ARRAYS,
    code: 'crossEntropy(logits, [0, 2])',
    op: 'crossEntropy',
    mentions: ['target', 'got an array', 'tensor(...)'],
    finding: true,
  },
  {
    category: ARRAYS,
    code: 'randn([2]).add([1, 2, 3])',
    op: 'add',
    mentions: ['got an array', 'tensor(...)'],
  },
  {
    category: ARRAYS,
    code: 'mseLoss(x, [[1, 2, 3], [4, 5, 6]])',
    op: 'mseLoss',
    mentions: ['target', 'got an array'],
  },
  {
    category: ARRAYS,
    code: 'concat([x, [[1, 2, 3]]])',
    op: 'concat',
    mentions: ['element 1', 'got an array'],
  },
  {
    category: ARRAYS,
    code: 'x.gather(1, [[0], [1]])',
    op: 'gather',
    mentions: ['got an array', "dtype: 'int32'"],
  },
  { category: ARRAYS, code: 'where([1, 0, 1], 1, 0)', op: 'where', mentions: ['condition', 'got an array'] },
  { category: ARRAYS, code: 'x.sum().backward([1])', op: 'backward', mentions: ['gradient', 'got an array'] },
  {
    category: ARRAYS,
    code: 'accuracy([0, 1], labels)',
    op: 'accuracy',
    mentions: ['predictions', 'got an array'],
  },
  {
    category: ARRAYS,
    code: 'new Linear(3, 2).call(3)',
    op: 'Linear',
    mentions: ['the number 3', 'tensor(3)'],
  },
  // --- shapes ----------------------------------------------------------------------------------------
  {
    category: SHAPES,
    code: 'randn([2, 3]).matmul(randn([4, 5]))',
    op: 'matmul',
    mentions: ['[2,3]', '[4,5]', 'inner dimensions 3 and 4'],
  },
  {
    category: SHAPES,
    code: 'randn([2, 3]).add(randn([4]))',
    op: 'add',
    mentions: ['[2,3]', '[4]', 'cannot be broadcast'],
  },
  { category: SHAPES, code: 'randn([2, 3]).reshape([4, 2])', op: 'reshape', mentions: ['[2,3]', '[4,2]'] },
  {
    category: SHAPES,
    code: 'new Linear(4, 2).call(randn([1, 3]))',
    op: 'Linear',
    mentions: ['3 features', 'inFeatures=4'],
  },
  {
    category: SHAPES,
    code: 'new Conv2d(3, 8, 3).call(randn([1, 1, 8, 8]))',
    op: 'Conv2d',
    mentions: ['[1,1,8,8]', 'inChannels=3'],
  },
  {
    category: SHAPES,
    code: 'crossEntropy(randn([2, 3]), tensor([0, 1, 2], { dtype: "int32" }))',
    op: 'crossEntropy',
    mentions: ['[2,3]', 'int32 [3]'],
  },
  { category: SHAPES, code: 'stack([randn([2]), randn([3])])', op: 'stack', mentions: ['[3]', '[2]'] },
  {
    category: SHAPES,
    code: 'randn([2, 3], { requiresGrad: true }).sum().backward(randn([2]))',
    op: 'backward',
    mentions: ['[2]', 'shape []'],
  },
  // --- dtypes ----------------------------------------------------------------------------------------
  {
    category: DTYPES,
    code: "new Linear(2, 2).call(randn([1, 2], { dtype: 'float64' }))",
    op: 'Linear',
    mentions: ['float64', 'float32', 'x.float()', "{ dtype: 'float64' }"],
    finding: true,
  },
  {
    category: DTYPES,
    code: "new Conv2d(1, 2, 3, { dtype: 'float64' }).call(images)",
    op: 'Conv2d',
    mentions: ['float32', 'float64', 'x.double()'],
  },
  {
    category: DTYPES,
    code: "tensor([1, NaN], { dtype: 'int32' })",
    op: 'tensor',
    mentions: ['NaN', 'int32', 'index [1]'],
    finding: true,
  },
  {
    category: DTYPES,
    code: "tensor([2 ** 40], { dtype: 'int32' })",
    op: 'tensor',
    mentions: ['1099511627776', 'int32'],
    finding: true,
  },
  { category: DTYPES, code: "tensor([1.5], { dtype: 'int32' })", op: 'tensor', mentions: ['1.5', 'int32'] },
  {
    category: DTYPES,
    code: "tensor([1, 2], { dtype: 'float16' })",
    op: 'tensor',
    mentions: ['"float16"', "'float32', 'float64' or 'int32'"],
  },
  {
    category: DTYPES,
    code: "tensor([1, 2], { dtype: 'int32', requiresGrad: true })",
    op: 'requiresGrad_',
    mentions: ['int32', '.float()'],
  },
  {
    category: DTYPES,
    code: "tensor([4, 9], { dtype: 'int32' }).sqrt()",
    op: 'sqrt',
    mentions: ['int32', '.float()'],
  },
  {
    category: DTYPES,
    code: 'nllLoss(logits.logSoftmax(1), tensor([0, 2]))',
    op: 'nllLoss',
    mentions: ['float32', "dtype: 'int32'"],
  },
  {
    category: DTYPES,
    code: 'new Embedding(10, 4).call(tensor([1, 2]))',
    op: 'Embedding',
    mentions: ['float32', 'int32'],
  },
  { category: DTYPES, code: "randn([2], { dtype: 'int32' })", op: 'randn', mentions: ['randint'] },
  // --- axes and indices ------------------------------------------------------------------------------
  { category: AXES, code: 'x.sum(2)', op: 'sum', mentions: ['axis 2', 'rank 2', '-2..1'] },
  { category: AXES, code: 'x.softmax(-3)', op: 'softmax', mentions: ['axis -3', 'rank 2'] },
  { category: AXES, code: 'x.select(0, 5)', op: 'select', mentions: ['5'] },
  { category: AXES, code: 'x.slice([[0, 2, 0]])', op: 'slice', mentions: ['step', '0'] },
  { category: AXES, code: 'x.permute([0, 0])', op: 'permute', mentions: ['[0,0]'] },
  {
    category: AXES,
    code: "x.indexSelect(0, tensor([0, 7], { dtype: 'int32' }))",
    op: 'indexSelect',
    mentions: ['index 7', 'size 2'],
  },
  { category: AXES, code: 'x.topk(4)', op: 'topk', mentions: ['4'] },
  {
    category: AXES,
    code: "x.gather(1, tensor([[0], [1]], { dtype: 'float32' }))",
    op: 'gather',
    mentions: ['float32', "dtype: 'int32'"],
  },
  // --- empty -----------------------------------------------------------------------------------------
  { category: EMPTY, code: 'zeros([0, 3]).item()', op: 'item', mentions: ['[0,3]'] },
  {
    category: EMPTY,
    code: 'zeros([0], { requiresGrad: true }).backward()',
    op: 'backward',
    mentions: ['single-element', '[0]'],
  },
  { category: EMPTY, code: 'zeros([0, 3]).max()', op: 'max', mentions: ['[0,3]'] },
  {
    category: EMPTY,
    code: 'new BatchNorm1d(3).call(randn([1, 3]))',
    op: 'BatchNorm1d',
    mentions: ['more than 1 value per channel', '[1,3]'],
  },
  {
    category: EMPTY,
    code: 'zeros([1, 1, 0, 4]).adaptiveAvgPool2d(2)',
    op: 'adaptiveAvgPool2d',
    mentions: ['[1,1,0,4]', 'empty'],
  },
  { category: EMPTY, code: 'concat([])', op: 'concat', mentions: ['non-empty'] },
  {
    category: EMPTY,
    code: 'new SGD([], { lr: 0.1 })',
    op: 'SGD',
    mentions: ['empty parameter list', 'model.parameters()'],
  },
  // --- NaN and Infinity ------------------------------------------------------------------------------
  { category: NONFINITE, code: 'arange(0, NaN)', op: 'arange', mentions: ['stop', 'NaN'], finding: true },
  {
    category: NONFINITE,
    code: 'arange(0, Infinity)',
    op: 'arange',
    mentions: ['stop', 'Infinity'],
    finding: true,
  },
  { category: NONFINITE, code: 'linspace(0, NaN, 5)', op: 'linspace', mentions: ['end', 'NaN'] },
  { category: NONFINITE, code: "full([2], NaN, { dtype: 'int32' })", op: 'full', mentions: ['NaN', 'int32'] },
  {
    category: NONFINITE,
    code: 'new SGD(model.parameters(), { lr: NaN })',
    op: 'SGD',
    mentions: ['NaN', 'finite'],
  },
  {
    category: NONFINITE,
    code: 'new Adam(model.parameters(), { lr: Infinity })',
    op: 'Adam',
    mentions: ['Infinity', 'finite'],
  },
  {
    category: NONFINITE,
    code: 'new Adam(model.parameters(), { betas: [0.9, NaN] })',
    op: 'Adam',
    mentions: ['betas', '[0, 1)'],
  },
  {
    category: NONFINITE,
    code: 'new SGD(model.parameters(), { lr: 0.1, momentum: Infinity })',
    op: 'SGD',
    mentions: ['momentum', 'Infinity'],
  },
  { category: NONFINITE, code: 'new Dropout(NaN)', op: 'Dropout', mentions: ['NaN', '[0, 1]'] },
  { category: NONFINITE, code: 'x.leakyRelu(NaN)', op: 'leakyRelu', mentions: ['slope', 'NaN'] },
  {
    category: NONFINITE,
    code: 'new StepLR(opt, { stepSize: 1, gamma: Infinity })',
    op: 'StepLR',
    mentions: ['gamma', 'Infinity'],
  },
  { category: NONFINITE, code: 'new LayerNorm(3, { eps: NaN })', op: 'LayerNorm', mentions: ['eps', 'NaN'] },
  {
    category: NONFINITE,
    code: 'clipGradNorm(model.parameters(), NaN)',
    op: 'clipGradNorm',
    mentions: ['maxNorm', 'NaN'],
  },
  {
    category: NONFINITE,
    code: 'binaryCrossEntropy(tensor([0.5, NaN]), tensor([1, 0]))',
    op: 'binaryCrossEntropy',
    mentions: ['NaN', 'position 1'],
  },
  {
    category: NONFINITE,
    code: 'detectAnomaly(() => tensor([0], { requiresGrad: true }).log().sum().backward())',
    op: 'log',
    mentions: ['Infinity'],
  },
  // --- labels ----------------------------------------------------------------------------------------
  {
    category: LABELS,
    code: "crossEntropy(logits, tensor([0, 3], { dtype: 'int32' }))",
    op: 'crossEntropy',
    mentions: ['class label 3', '3 classes'],
  },
  {
    category: LABELS,
    code: "crossEntropy(logits, tensor([-1, 0], { dtype: 'int32' }))",
    op: 'crossEntropy',
    mentions: ['class label -1', 'ignoreIndex -100'],
  },
  {
    category: LABELS,
    code: "nllLoss(logits.logSoftmax(1), tensor([7, 0], { dtype: 'int32' }))",
    op: 'nllLoss',
    mentions: ['class label 7'],
  },
  {
    category: LABELS,
    code: "multiMarginLoss(logits, tensor([0, 5], { dtype: 'int32' }))",
    op: 'multiMarginLoss',
    mentions: ['class label 5'],
  },
  { category: LABELS, code: 'oneHot(labels, 2)', op: 'oneHot', mentions: ['class index 2', '2 classes'] },
  {
    category: LABELS,
    code: "new Embedding(5, 2).call(tensor([1, 5], { dtype: 'int32' }))",
    op: 'Embedding',
    mentions: ['index 5', '5 embeddings'],
  },
  {
    category: LABELS,
    code: "confusionMatrix(tensor([0, 1], { dtype: 'int32' }), tensor([0, 4], { dtype: 'int32' }), 3)",
    op: 'confusionMatrix',
    mentions: ['4'],
  },
  {
    category: LABELS,
    code: 'accuracy(logits, tensor([0, 2]))',
    op: 'accuracy',
    mentions: ['int32', 'labels.int()'],
  },
  // --- sizes -----------------------------------------------------------------------------------------
  {
    category: SIZES,
    code: 'zeros([2 ** 31, 2 ** 31])',
    op: 'zeros',
    mentions: ['[2147483648,2147483648]', '4.61e+18', '2^31 − 1'],
    finding: true,
  },
  { category: SIZES, code: 'zeros([2.5])', op: 'zeros', mentions: ['[2.5]', 'non-negative integers'] },
  { category: SIZES, code: 'randn([-1, 2])', op: 'randn', mentions: ['[-1,2]'] },
  { category: SIZES, code: 'new Linear(2.5, 3)', op: 'Linear', mentions: ['inFeatures', '2.5'] },
  { category: SIZES, code: 'new Conv2d(1, 4, 0)', op: 'Conv2d', mentions: ['kernelSize', '0'] },
  {
    category: SIZES,
    code: 'images.maxPool2d()',
    op: 'maxPool2d',
    mentions: ['kernelSize is required', '{ kernelSize: 2 }'],
    finding: true,
  },
  {
    category: SIZES,
    code: 'images.maxPool2d({ kernelSize: 1.5 })',
    op: 'maxPool2d',
    mentions: ['kernelSize', '1.5'],
  },
  {
    category: SIZES,
    code: 'new DataLoader(new TensorDataset(x), { batchSize: 0 })',
    op: 'DataLoader',
    mentions: ['batchSize', '0'],
  },
  { category: SIZES, code: 'arange(0, 3, 0)', op: 'arange', mentions: ['step', '0'] },
  { category: SIZES, code: 'linspace(0, 1, 2.5)', op: 'linspace', mentions: ['steps', '2.5'] },
  { category: SIZES, code: 'randint(0, 1.5, [2])', op: 'randint', mentions: ['1.5'] },
  { category: SIZES, code: 'x.reshape([-1, -1])', op: 'reshape', mentions: ['more than one -1'] },
  {
    category: SIZES,
    code: 'randn([1]).expand([100000, 100000])',
    op: 'expand',
    mentions: ['[100000,100000]', '2^31 − 1'],
  },
  // --- objects ---------------------------------------------------------------------------------------
  {
    category: OBJECTS,
    code: 'new SGD(model)',
    op: 'SGD',
    mentions: ['module Sequential', 'model.parameters()'],
    finding: true,
  },
  {
    category: OBJECTS,
    code: 'new SGD(model.parameters, { lr: 0.1 })',
    op: 'SGD',
    mentions: ['function', 'model.parameters()'],
  },
  {
    category: OBJECTS,
    code: 'clipGradNorm(model, 1)',
    op: 'clipGradNorm',
    mentions: ['module Sequential', 'model.parameters()'],
  },
  { category: OBJECTS, code: 'new StepLR(model, { stepSize: 1 })', op: 'StepLR', mentions: ['optimizer'] },
  { category: OBJECTS, code: 'grad(5)', op: 'grad', mentions: ['function', 'number'] },
  { category: OBJECTS, code: 'noGrad(x)', op: 'noGrad', mentions: ['function', 'Tensor'] },
  {
    category: OBJECTS,
    code: 'new Sequential(new Linear(2, 2), (t) => t.relu())',
    op: 'Sequential',
    mentions: ['not a Module', 'function'],
  },
  {
    category: OBJECTS,
    code: 'new DataLoader(x, { batchSize: 2 })',
    op: 'DataLoader',
    mentions: ['Dataset', 'TensorDataset'],
  },
  // --- state dicts -----------------------------------------------------------------------------------
  {
    category: STATE,
    code: 'new Linear(2, 2).loadStateDict(null)',
    op: 'Linear.loadStateDict',
    mentions: ['got null', 'stateDict()'],
    finding: true,
  },
  {
    category: STATE,
    code: 'new Linear(2, 2).loadStateDict({ weight: 3, bias: 4 })',
    op: 'Linear.loadStateDict',
    mentions: ["'weight'", 'number'],
    finding: true,
  },
  {
    category: STATE,
    code: "new Linear(2, 2).loadStateDict({ weight: { shape: [2, 2], dtype: 'float32', data: [1, 2, 3] }, bias: zeros([2]) })",
    op: 'Linear.loadStateDict',
    mentions: ["'weight'", 'needs 4 values', 'has 3', 'truncated'],
    finding: true,
  },
  {
    category: STATE,
    code: "new Linear(2, 2).loadStateDict({ weight: { shape: [2, 2], dtype: 'float16', data: [1, 2, 3, 4] }, bias: zeros([2]) })",
    op: 'Linear.loadStateDict',
    mentions: ["'weight'", '"float16"'],
    finding: true,
  },
  {
    category: STATE,
    code: "new Linear(2, 2).loadStateDict({ weight: { shape: [2, 2], dtype: 'float32', data: [1, 2, 'x', 4] }, bias: zeros([2]) })",
    op: 'Linear.loadStateDict',
    mentions: ["'weight'", "the string 'x'"],
  },
  {
    category: STATE,
    code: 'new Linear(2, 2).loadStateDict({ weight: zeros([2, 2]) })',
    op: 'Linear.loadStateDict',
    mentions: ["missing keys: 'bias'", '{ strict: false }'],
  },
  {
    category: STATE,
    code: 'new Linear(2, 2).loadStateDict({ weight: zeros([3, 2]), bias: zeros([2]) })',
    op: 'Linear.loadStateDict',
    mentions: ["'weight'", '[3,2]', '[2,2]'],
  },
  {
    category: STATE,
    code: 'opt.loadStateDict({ state: {}, paramGroups: [] })',
    op: 'SGD.loadStateDict',
    mentions: ['0 parameter groups', 'has 1'],
  },
  {
    category: STATE,
    code: 'const sd = opt.stateDict();\nsd.paramGroups[0].learning_rate = 0.5;\nopt.loadStateDict(sd);',
    op: 'SGD.loadStateDict',
    mentions: ["unknown option 'learning_rate'", 'lr'],
  },
  {
    category: STATE,
    code: "const sd = opt.stateDict();\nsd.state['0'] = { momentumBuffer: { shape: [5], dtype: 'float32', data: [0, 0, 0, 0, 0] } };\nopt.loadStateDict(sd);",
    op: 'SGD.loadStateDict',
    mentions: ["'momentumBuffer'", '[5]', '[8,4]'],
  },
  {
    category: STATE,
    code: 'opt.loadStateDict(null)',
    op: 'SGD.loadStateDict',
    mentions: ['{ state, paramGroups }', 'null'],
  },
  // --- files -----------------------------------------------------------------------------------------
  {
    category: FILES,
    code: 'readIdxFile(dir())',
    op: 'readIdxFile',
    mentions: ['a directory'],
    finding: true,
  },
  {
    category: FILES,
    code: "readIdxFile(idxHeader('huge.idx', [1024, 1024, 1024, 1024]), { limit: 1 })",
    op: 'readIdxFile',
    mentions: ['[1024,1024,1024,1024]', '1099511627796 bytes', 'the file has 20 bytes'],
    finding: true,
  },
  {
    category: FILES,
    code: "readIdxFile(tmp('no-such-file.idx'))",
    op: 'readIdxFile',
    mentions: ['no file at'],
  },
  {
    category: FILES,
    code: "readIdxFile(idxHeader('short.idx', [10], 4))",
    op: 'readIdxFile',
    mentions: ['[10]', 'truncated'],
  },
  {
    category: FILES,
    code: 'readIdx(new Uint8Array([1, 2, 3, 4]))',
    op: 'readIdx',
    mentions: ['bad magic number'],
  },
  {
    category: FILES,
    code: "writeFileAtomic(tmp('missing-dir/model.json'), '{}')",
    op: 'writeFileAtomic',
    mentions: ['does not exist', 'mkdirSync'],
    finding: true,
  },
  {
    category: FILES,
    code: "loadStateFile(stateFile('truncated.json', (b) => b.subarray(0, b.length - 100)))",
    op: 'loadStateFile',
    mentions: ['truncated'],
  },
  {
    category: FILES,
    code: "loadStateFile(stateFile('flipped.json', (b) => flipBit(b, 200)))",
    op: 'loadStateFile',
    mentions: ['checksum mismatch', 'corrupted or was edited'],
    finding: true,
  },
  {
    category: FILES,
    code: "loadStateFile(file('other.json', '{\"hello\": 1}'))",
    op: 'loadStateFile',
    mentions: ['not a tapegrad state file'],
  },
  {
    category: FILES,
    code: "loadStateFile(tmp('no-such-state.json'))",
    op: 'loadStateFile',
    mentions: ['no file at'],
  },
  { category: FILES, code: 'loadSafetensors(dir())', op: 'loadSafetensors', mentions: ['a directory'] },
  {
    category: FILES,
    code: 'fromSafetensors(toSafetensors(new Linear(2, 2).stateDict()).subarray(0, 40))',
    op: 'fromSafetensors',
    mentions: ['truncated'],
  },
  // --- prototype pollution ---------------------------------------------------------------------------
  {
    category: PROTOTYPE,
    code: 'new Linear(2, 2).loadStateDict(JSON.parse(\'{"__proto__": {"polluted": 1}}\'))',
    op: 'Linear.loadStateDict',
    mentions: ["'__proto__'", 'prototype'],
    finding: true,
  },
  {
    category: PROTOTYPE,
    code: 'const sd = JSON.parse(JSON.stringify(opt.stateDict()));\nsd.paramGroups[0] = JSON.parse(\'{"__proto__": {"lr": 99}, "params": [0, 1, 2, 3]}\');\nopt.loadStateDict(sd);',
    op: 'SGD.loadStateDict',
    mentions: ["'__proto__'", 'parameter group 0'],
    finding: true,
  },
  {
    category: PROTOTYPE,
    code: 'new Linear(2, 2).loadStateDict(JSON.parse(\'{"constructor": {"shape": [1], "dtype": "float32", "data": [0]}}\'))',
    op: 'Linear.loadStateDict',
    mentions: ["'constructor'"],
  },
  {
    category: PROTOTYPE,
    code: 'decodeStateFile(encodeStateFile({ metadata: JSON.parse(\'{"__proto__": {"x": 1}}\') }))',
    op: 'decodeStateFile',
    mentions: ["'__proto__'"],
  },
  {
    category: PROTOTYPE,
    code: 'toSafetensors({ constructor: zeros([1]) })',
    op: 'toSafetensors',
    mentions: ["'constructor'", 'reserved'],
  },
];
