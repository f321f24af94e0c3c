import { recycleAfter } from './buffer-pool.js';
import { allocate, type DType, type TypedArray } from './dtype.js';
import { fmtShape, TapegradError } from './errors.js';
import { formatTensor } from './format.js';
import { addInto } from './kernels/binary.js';
import { hasNonFinite } from './kernels/unary.js';
import { labelGiven } from './label-hook.js';
import type { Conv2dOptions, MaxPool2dOptions } from './ops/conv.js';
import type { ConvTranspose2dOptions } from './ops/conv-transpose.js';
import type { Conv1dOptions } from './ops/conv1d.js';
import type { AvgPool2dOptions } from './ops/pool.js';
import type { SortResult } from './ops/sort.js';
import { checkOptions } from './options.js';
import { sizeOf } from './shape.js';
import {
  BACKWARD_KEYS,
  type BackwardOptions,
  type GradientOps,
  nextSeq,
  runBackward,
  type TapeNode,
} from './tape.js';
import { ops } from './tensor-ops.js';

type Operand = Tensor | number;
/** A gradient hook: sees the gradient and may return a replacement of the same shape. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes is a void function
export type GradHook = (grad: Tensor) => Tensor | undefined | void;
/** Returned by hook registrations: `remove()` unregisters the hook. */
export interface RemovableHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}
type Axis = number | readonly number[];
/** Nested arrays of numbers, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/** One parameter of a recorded op: a number, a flag, a name, a tensor (an index), or a list of them. */
export type AttrValue = number | string | boolean | null | undefined | Tensor | readonly AttrValue[];

/** The parameters of one recorded op (axis, stride, slope, …), kept for exporters such as ONNX. */
export type OpAttrs = Readonly<Record<string, AttrValue>>;

/**
 * An op built from other recorded ops (`linear`, `layerNorm`, …), described as one unit so an
 * exporter can write it as one node (Gemm, LayerNormalization) instead of its pieces.
 */
export interface CompositeOp {
  /** The composite's name, e.g. `'linear'`. */
  readonly op: string;
  /** Its tensor inputs in a fixed order; `null` for an absent optional one (a missing bias). */
  readonly inputs: readonly (Tensor | null)[];
  /** Its parameters (eps, axis, …). */
  readonly attrs: OpAttrs;
}

/**
 * An n-dimensional array on the tape: a contiguous row-major typed array (`data`), a `shape` and a
 * `dtype`. Ops follow NumPy broadcasting and PyTorch's names and semantics; results of ops on
 * tensors that require grad record their backward rule, and `backward()` fills `.grad`.
 */
export class Tensor implements TapeNode<Tensor> {
  /** @internal The elements once computed; null while the value is pending. */
  _data: TypedArray | null;
  /** @internal How to compute the elements (a fused elementwise chain), until they are computed. */
  _pending: PendingValue | null = null;
  /** Size of each axis; `[]` for a 0-d tensor. */
  readonly shape: readonly number[];
  /** Element type: `'float32'`, `'float64'` or `'int32'`. */
  readonly dtype: DType;
  /** Whether gradients flow to this tensor; set on leaves with `requiresGrad_()` or at creation. */
  requiresGrad = false;
  /** Accumulated gradient after `backward()`: a tensor of this shape, or `null` if none reached it. */
  grad: Tensor | null = null;
  /** A name shown by `explainGradient`, `toDot` and the verification reports. */
  get label(): string | undefined {
    return this.labelName;
  }
  set label(label: string | undefined) {
    this.labelName = label;
    if (label !== undefined) labelGiven(this, label);
  }
  private labelName: string | undefined;
  /** Creation order on the tape (see `TapeNode.seq`). */
  readonly seq = nextSeq();
  /** The op that produced this tensor (`'leaf'` for leaves). */
  op = 'leaf';
  /** The op's inputs on the tape (empty for leaves and once the graph is released). */
  parents: readonly Tensor[] = [];
  /** The recorded op's parameters (axis, stride, …), read by exporters; `undefined` on leaves. */
  attrs: OpAttrs | undefined;
  /** Set on the result of a composite op (see {@link CompositeOp}); read by exporters. */
  composite: CompositeOp | undefined;
  /** Maps this tensor's gradient to its parents' gradients; `null` for leaves. */
  backwardFn: ((g: Tensor) => readonly (Tensor | null)[]) | null = null;
  /** Set by `retainGrad()`: keep this intermediate's gradient in `.grad`. */
  retainsGrad = false;
  /** Set when `backward()` freed this node's closure (see `retainGraph`). */
  released = false;
  /** Where the op was called, recorded under `detectAnomaly` only. */
  createdAt: string | undefined;
  /** @internal Shared by tensors viewing the same buffer (`detach()`): its version and its pending readers. */
  storage: Storage = { version: 0, readers: null };
  private readonly elements: number;
  /** The `.grad` buffer the engine allocated itself and may therefore update in place. */
  private ownedGrad: Tensor | null = null;
  /** Hooks from `registerHook`, in registration order (wrapped, so one function can be added twice). */
  private gradHooks: { hook: GradHook }[] | null = null;

  /** @internal Use `tensor()` and the other creation functions. */
  constructor(
    data: TypedArray | null,
    shape: readonly number[],
    dtype: DType,
    pending: PendingValue | null = null,
  ) {
    this._data = data;
    this._pending = pending;
    this.shape = shape;
    this.dtype = dtype;
    this.elements = data === null ? sizeOf(shape) : data.length;
  }

  /**
   * The elements, row-major. Ops may leave a result pending (a chain of elementwise ops is
   * computed in one fused pass when something needs it); reading `data` computes it. Writing to
   * it directly bypasses version tracking.
   */
  get data(): TypedArray {
    if (this._data === null) {
      this._data = this._pending!.evaluate(this);
      this._pending = null;
    }
    return this._data;
  }

  /**
   * @internal The elements, ready to be overwritten in place: computes this tensor if pending and
   * every pending value that still reads its buffer, so none of them sees the new values.
   */
  writable(): TypedArray {
    const data = this.data;
    this.detachReaders();
    return data;
  }

  /**
   * @internal Hands the pending values still reading this buffer a copy of it, so that they keep
   * the values they were created from whatever is written here next. A copy costs less than
   * computing them (most are never read: the rest of their chain was computed without them).
   */
  detachReaders(): void {
    const readers = this.storage.readers;
    if (readers === null) return;
    this.storage.readers = null;
    let copy: Tensor | null = null;
    for (const r of readers) {
      if (r._pending === null) continue;
      if (copy === null) {
        copy = new Tensor(allocate(this.dtype, this.size, null), this.shape, this.dtype);
        copy._data!.set(this.data);
      }
      r._pending.rebase?.(r, this.storage, copy);
    }
  }

  /** @internal A 0-d tensor holding `value`. */
  static fromNumber(value: number, dtype: DType): Tensor {
    const data = allocate(dtype, 1);
    data[0] = value;
    return new Tensor(data, [], dtype);
  }

  /** Bumped by every in-place update; backward refuses saved tensors whose version changed. */
  get version(): number {
    return this.storage.version;
  }
  /** Set by in-place updates (`version++`); shared with `detach()` views of the same data. */
  set version(value: number) {
    this.storage.version = value;
  }

  /** Number of elements. */
  get size(): number {
    return this.elements;
  }
  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }
  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.backwardFn === null;
  }

  // --- elementwise ------------------------------------------------------------------------------
  /** `this + other`, broadcasting. */
  add(other: Operand): Tensor {
    return ops.add(this, other);
  }
  /** `this − other`, broadcasting. */
  sub(other: Operand): Tensor {
    return ops.sub(this, other);
  }
  /** `this · other`, broadcasting. */
  mul(other: Operand): Tensor {
    return ops.mul(this, other);
  }
  /** `this / other`, broadcasting. */
  div(other: Operand): Tensor {
    return ops.div(this, other);
  }
  /** `this ^ exponent`, broadcasting. */
  pow(exponent: Operand): Tensor {
    return ops.pow(this, exponent);
  }
  /** Elementwise maximum, broadcasting (ties split the gradient evenly). */
  maximum(other: Operand): Tensor {
    return ops.maximum(this, other);
  }
  /** Elementwise minimum, broadcasting (ties split the gradient evenly). */
  minimum(other: Operand): Tensor {
    return ops.minimum(this, other);
  }
  /** `−this`. */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** `e^this`. */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return ops.log(this);
  }
  /** log(1 + this), accurate near 0. */
  log1p(): Tensor {
    return ops.log1p(this);
  }
  /** e^this − 1, accurate near 0. */
  expm1(): Tensor {
    return ops.expm1(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** `this²`. */
  square(): Tensor {
    return ops.square(this);
  }
  /** Absolute value (gradient 0 at 0). */
  abs(): Tensor {
    return ops.abs(this);
  }
  /** Sine. */
  sin(): Tensor {
    return ops.sin(this);
  }
  /** Cosine. */
  cos(): Tensor {
    return ops.cos(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** The error function. */
  erf(): Tensor {
    return ops.erf(this);
  }
  /** Logistic sigmoid, overflow-free. */
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  /** max(0, x) (gradient 0 at 0). */
  relu(): Tensor {
    return ops.relu(this);
  }
  /** x for x > 0, `slope`·x otherwise. */
  leakyRelu(slope = 0.01): Tensor {
    return ops.leakyRelu(this, slope);
  }
  /** x for x > 0, `alpha`·(e^x − 1) otherwise. */
  elu(alpha = 1): Tensor {
    return ops.elu(this, alpha);
  }
  /** x·Φ(x) exactly (`'none'`, the default) or with the tanh approximation. */
  gelu(options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
    return ops.gelu(this, options);
  }
  /** log(1 + e^(βx))/β, and x where βx > threshold (PyTorch's rule). */
  softplus(options: { beta?: number; threshold?: number } = {}): Tensor {
    return ops.softplus(this, options);
  }
  /** Clamps into [min, max]; pass `undefined` for a missing bound. */
  clamp(min?: number, max?: number): Tensor {
    return ops.clamp(this, min, max);
  }
  /** 1 where `this == other`, else 0 (same dtype; no gradient). */
  eq(other: Operand): Tensor {
    return ops.compare('eq', this, other);
  }
  /** 1 where `this > other`, else 0 (no gradient). */
  gt(other: Operand): Tensor {
    return ops.compare('gt', this, other);
  }
  /** 1 where `this < other`, else 0 (no gradient). */
  lt(other: Operand): Tensor {
    return ops.compare('lt', this, other);
  }
  /** 1 where `this >= other`, else 0 (no gradient). */
  ge(other: Operand): Tensor {
    return ops.compare('ge', this, other);
  }
  /** 1 where `this <= other`, else 0 (no gradient). */
  le(other: Operand): Tensor {
    return ops.compare('le', this, other);
  }

  // --- reductions -------------------------------------------------------------------------------
  /** Sum over `axis` (all axes when undefined). */
  sum(axis?: Axis, keepdims = false): Tensor {
    return ops.sum(this, axis, keepdims);
  }
  /** Mean over `axis`. */
  mean(axis?: Axis, keepdims = false): Tensor {
    return ops.mean(this, axis, keepdims);
  }
  /**
   * Maximum values over `axis`. Ties, as PyTorch: along one int axis the gradient goes to the
   * first maximum (the index `argmax` returns); over several or all axes it is shared evenly.
   */
  max(axis?: Axis, keepdims = false): Tensor {
    return ops.max(this, axis, keepdims);
  }
  /** Minimum values over `axis` (ties as {@link Tensor.max}). */
  min(axis?: Axis, keepdims = false): Tensor {
    return ops.min(this, axis, keepdims);
  }
  /** Product over `axis`. */
  prod(axis?: Axis, keepdims = false): Tensor {
    return ops.prod(this, axis, keepdims);
  }
  /** Variance over `axis`, unbiased (N − 1) by default as PyTorch. */
  var(axis?: Axis, keepdims = false, options: { unbiased?: boolean } = {}): Tensor {
    return ops.variance(this, axis, keepdims, options);
  }
  /** Standard deviation over `axis`, unbiased by default. */
  std(axis?: Axis, keepdims = false, options: { unbiased?: boolean } = {}): Tensor {
    return ops.std(this, axis, keepdims, options);
  }
  /** log Σ e^x over `axis`, computed stably. */
  logsumexp(axis?: Axis, keepdims = false): Tensor {
    return ops.logsumexp(this, axis, keepdims);
  }
  /** int32 index of the first maximum along `axis` (over the flattened tensor when undefined). */
  argmax(axis?: number, keepdims = false): Tensor {
    return ops.argReduce('max', this, axis, keepdims);
  }
  /** int32 index of the first minimum along `axis`. */
  argmin(axis?: number, keepdims = false): Tensor {
    return ops.argReduce('min', this, axis, keepdims);
  }
  /** Running sum along `axis`. */
  cumsum(axis: number): Tensor {
    return ops.cumsum(this, axis);
  }
  /** Running product along `axis` (its gradient is exact where elements are 0). */
  cumprod(axis: number): Tensor {
    return ops.cumprod(this, axis);
  }

  // --- sorting ----------------------------------------------------------------------------------
  /** Sorted values and their int32 positions along `axis`; stable, NaN last (first when descending). */
  sort(axis = -1, descending = false): SortResult {
    return ops.sort(this, axis, descending);
  }
  /** int32 positions that sort this tensor along `axis` (stable). */
  argsort(axis = -1, descending = false): Tensor {
    return ops.argsort(this, axis, descending);
  }
  /** The `k` largest (or smallest) values along `axis` with their int32 positions, sorted. */
  topk(k: number, axis = -1, largest = true, sorted = true): SortResult {
    return ops.topk(this, k, axis, largest, sorted);
  }

  // --- linear algebra and nn ----------------------------------------------------------------------
  /** Matrix product with `torch.matmul`'s 1-D, 2-D and batched-broadcast rules. */
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  /** Softmax along `axis` (default the last). */
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  /** log(softmax) along `axis`, computed stably. */
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
  /** Layer normalization over the trailing `normalizedShape` axes (biased variance, eps inside the root). */
  layerNorm(
    normalizedShape: readonly number[],
    weight?: Tensor | null,
    bias?: Tensor | null,
    eps = 1e-5,
  ): Tensor {
    return ops.layerNorm(this, normalizedShape, weight, bias, eps);
  }
  /** 2-D cross-correlation over NCHW input with weight `[O, C, KH, KW]`. */
  conv2d(weight: Tensor, options: Conv2dOptions = {}): Tensor {
    return ops.conv2d(this, weight, options);
  }
  /** 2-D max pooling over NCHW input. */
  maxPool2d(options: MaxPool2dOptions): Tensor {
    return ops.maxPool2d(this, options);
  }
  /** 2-D average pooling over NCHW input (padding counts as zeros unless `countIncludePad: false`). */
  avgPool2d(options: AvgPool2dOptions): Tensor {
    return ops.avgPool2d(this, options);
  }
  /** Average pooling of NCHW input to `outputSize` (`[oh, ow]` or one number), PyTorch's windows. */
  adaptiveAvgPool2d(outputSize: number | readonly [number | null, number | null]): Tensor {
    return ops.adaptiveAvgPool2d(this, outputSize);
  }
  /** 1-D cross-correlation over `[N, C, L]` input with weight `[O, C, K]`. */
  conv1d(weight: Tensor, options: Conv1dOptions = {}): Tensor {
    return ops.conv1d(this, weight, options);
  }
  /** Transposed 2-D convolution over NCHW input with weight `[Cin, Cout, KH, KW]`. */
  convTranspose2d(weight: Tensor, options: ConvTranspose2dOptions = {}): Tensor {
    return ops.convTranspose2d(this, weight, options);
  }

  // --- shape and indexing -------------------------------------------------------------------------
  /** Same elements, new shape (one `-1` is inferred). */
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** Alias of {@link reshape}. */
  view(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** Swaps two axes; with no arguments swaps the last two. */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return ops.transpose(this, axis0, axis1);
  }
  /** The transpose of a matrix (0-d and 1-D unchanged; more axes are an error), as `torch.t`. */
  t(): Tensor {
    return ops.t(this);
  }
  /** All axes reversed (the matrix transpose for 2-D), as `tensor.T` in PyTorch and NumPy. */
  get T(): Tensor {
    return ops.reverseAxes(this);
  }
  /** Output axis `i` is input axis `axes[i]`. */
  permute(axes: readonly number[]): Tensor {
    return ops.permute(this, axes);
  }
  /** Broadcasts size-1 axes to `shape` (may add leading axes; `-1` keeps a size). */
  expand(shape: readonly number[]): Tensor {
    return ops.expand(this, shape);
  }
  /** Removes size-1 axes (all of them, or the given ones). */
  squeeze(axis?: Axis): Tensor {
    return ops.squeeze(this, axis);
  }
  /** Inserts a size-1 axis at `axis`. */
  unsqueeze(axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  }
  /** Flattens axes `startAxis..endAxis` into one. */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return ops.flatten(this, startAxis, endAxis);
  }
  /** Python-style basic slicing per leading axis: `[[start, stop, step] | null, …]`. */
  slice(slices: readonly (readonly (number | null | undefined)[] | null)[]): Tensor {
    return ops.slice(this, slices);
  }
  /** The slices along `axis` as separate tensors (the axis removed), as `torch.unbind`. */
  unbind(axis = 0): Tensor[] {
    return ops.unbind(this, axis);
  }
  /** Picks `index` along `axis` and drops that axis. */
  select(axis: number, index: number): Tensor {
    return ops.select(this, axis, index);
  }
  /** `out[…i…] = this[…index[…i…]…]` along `axis` (PyTorch's `gather`). */
  gather(axis: number, index: Tensor): Tensor {
    return ops.gather(this, axis, index);
  }
  /** Whole slices along `axis` at the int32 positions of 1-D `index`. */
  indexSelect(axis: number, index: Tensor): Tensor {
    return ops.indexSelect(this, axis, index);
  }

  // --- autodiff -----------------------------------------------------------------------------------
  /**
   * Reverse mode from this tensor. Without `gradient` the tensor must hold one element; with it,
   * computes the vector-Jacobian product with `gradient` (same shape), as PyTorch. Gradients
   * accumulate into `.grad` of leaves that require grad.
   */
  backward(gradient?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    let seed: Tensor | undefined;
    if (gradient instanceof Tensor) seed = gradient;
    else if (Array.isArray(gradient) || typeof gradient === 'number') {
      throw new TapegradError(
        'backward',
        `expected a Tensor for the gradient, got ${Array.isArray(gradient) ? 'an array; wrap it with tensor(...)' : `the number ${gradient}; wrap it with tensor(${gradient})`}.`,
      );
    } else if (gradient !== undefined) options = gradient;
    options = checkOptions('backward', options, BACKWARD_KEYS);
    if (!this.requiresGrad) {
      throw new TapegradError(
        'backward',
        `this tensor (op '${this.op}', shape ${fmtShape(this.shape)}) does not require grad: no input of its graph has requiresGrad: true, or it was computed inside noGrad().`,
      );
    }
    if (seed === undefined) {
      if (this.size !== 1) {
        throw new TapegradError(
          'backward',
          `backward() without a gradient needs a single-element output, but this one has shape ${fmtShape(this.shape)}. Reduce it first (e.g. .sum()) or pass a gradient of shape ${fmtShape(this.shape)}: y.backward(gradient).`,
        );
      }
      const ones = allocate(this.dtype, 1);
      ones[0] = 1;
      seed = new Tensor(ones, this.shape, this.dtype);
    } else if (seed.shape.length !== this.shape.length || seed.shape.some((d, i) => d !== this.shape[i])) {
      throw new TapegradError(
        'backward',
        `gradient has shape ${fmtShape(seed.shape)} but the output has shape ${fmtShape(this.shape)}.`,
      );
    } else if (seed.dtype !== this.dtype) seed = ops.cast(seed, this.dtype);
    const root = seed;
    const stored: Tensor[] = [];
    const run = () => runBackward([this], [root], TENSOR_GRADIENTS, { ...options, stored });
    // Without createGraph nothing created during backward outlives it but the stored gradients.
    if (options.createGraph) run();
    else recycleAfter(run, () => stored.map((t) => t.grad?.data).filter((d) => d !== undefined));
  }
  /**
   * Runs `hook` on this tensor's gradient each time backward computes it, before it is
   * accumulated into `.grad` or passed on to the ops that produced this tensor. The hook may
   * return a replacement gradient of the same shape (hooks run in registration order, each seeing
   * the previous one's result), as PyTorch's `register_hook`.
   */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) {
      throw new TapegradError(
        'registerHook',
        `cannot register a hook on a tensor that does not require grad (op '${this.op}', shape ${fmtShape(this.shape)}).`,
      );
    }
    const entry = { hook };
    const hooks = (this.gradHooks ??= []);
    hooks.push(entry);
    return {
      remove: () => {
        const i = hooks.indexOf(entry);
        if (i >= 0) hooks.splice(i, 1);
      },
    };
  }
  /** Keeps this intermediate's gradient in `.grad` during `backward()`. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }
  /** Sets `.grad` to `null`. */
  zeroGrad(): void {
    this.grad = null;
  }
  /** Sets `requiresGrad` on a leaf (chainable). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) {
      throw new TapegradError(
        'requiresGrad_',
        `only leaves can change requiresGrad; this tensor comes from '${this.op}'. Use detach() first.`,
      );
    }
    if (flag && this.dtype === 'int32') {
      throw new TapegradError(
        'requiresGrad_',
        'only float tensors can require grad; this one is int32. Convert it with .float() or .double().',
      );
    }
    this.requiresGrad = flag;
    return this;
  }
  /** The same data as a new leaf, cut out of the graph (shares the buffer). */
  detach(): Tensor {
    const view = new Tensor(this.data, this.shape, this.dtype);
    view.storage = this.storage;
    return view;
  }
  /** A copy with its own buffer; differentiable (the copy's gradient flows back here). */
  clone(): Tensor {
    return ops.clone(this);
  }
  /** Converts to `dtype` (differentiable between float dtypes). */
  to(dtype: DType): Tensor {
    return this.dtype === dtype ? this : ops.cast(this, dtype);
  }
  /** Converts to float32. */
  float(): Tensor {
    return this.to('float32');
  }
  /** Converts to float64. */
  double(): Tensor {
    return this.to('float64');
  }
  /** Converts to int32 (truncating). */
  int(): Tensor {
    return this.to('int32');
  }

  // --- in-place updates (bump the version; not recorded) -------------------------------------------
  /** `this += alpha · other` in place (other broadcasts to this shape). */
  add_(other: Operand, alpha = 1): this {
    return ops.add_(this, other, alpha);
  }
  /** `this −= alpha · other` in place. */
  sub_(other: Operand, alpha = 1): this {
    return ops.add_(this, other, -alpha);
  }
  /** `this *= other` in place. */
  mul_(other: Operand): this {
    return ops.mul_(this, other);
  }
  /** `this /= other` in place. */
  div_(other: Operand): this {
    return ops.div_(this, other);
  }
  /** `this += value · a · b` in place (same shapes). */
  addcmul_(a: Tensor, b: Tensor, value = 1): this {
    return ops.addcmul_(this, a, b, value);
  }
  /** `this += value · a / b` in place (same shapes). */
  addcdiv_(a: Tensor, b: Tensor, value = 1): this {
    return ops.addcdiv_(this, a, b, value);
  }
  /** Copies `source` (broadcast to this shape) into this tensor. */
  copy_(source: Operand): this {
    return ops.copy_(this, source);
  }
  /** Fills with `value`. */
  fill_(value: number): this {
    return ops.copy_(this, value);
  }
  /** `this = √this` in place. */
  sqrt_(): this {
    return ops.sqrt_(this);
  }
  /** Fills with zeros. */
  zero_(): this {
    return ops.copy_(this, 0);
  }

  // --- reading values -----------------------------------------------------------------------------
  /** The single element as a number (tensors of one element only). */
  item(): number {
    if (this.size !== 1) {
      throw new TapegradError(
        'item',
        `item() needs a tensor with exactly one element, got shape ${fmtShape(this.shape)}.`,
      );
    }
    return this.data[0]!;
  }
  /** Nested arrays of numbers (a number for 0-d). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0]!;
    const build = (axis: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[axis]!;
      const inner = stride / n;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] =
          axis === this.shape.length - 1
            ? this.data[offset + i]!
            : build(axis + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.size);
  }
  /** PyTorch-style text: `tensor([[1.0000, 2.0000]], dtype=float32)`. */
  toString(): string {
    return formatTensor(this);
  }

  /** @internal Accumulates into `.grad`, in place when the buffer is the engine's own. */
  storeGrad(grad: Tensor, createGraph: boolean): void {
    if (this.grad === null) {
      this.grad = grad; // may alias a tensor the caller holds: never updated in place
      this.ownedGrad = null;
    } else if (!createGraph && this.grad === this.ownedGrad) {
      accumulate(this.grad, grad);
      this.grad.version++;
    } else {
      this.grad = this.grad.add(grad);
      this.ownedGrad = createGraph ? null : this.grad;
    }
  }
  /** @internal Runs the `registerHook` hooks on a finished gradient of this tensor. */
  applyGradHooks(g: Tensor): Tensor {
    if (this.gradHooks === null || this.gradHooks.length === 0) return g;
    let grad = g;
    for (const { hook } of [...this.gradHooks]) {
      const next = hook(grad);
      if (next === undefined) continue;
      if (!(next instanceof Tensor) || next.shape.join() !== this.shape.join()) {
        throw new TapegradError(
          'registerHook',
          `a hook returned ${next instanceof Tensor ? `a gradient of shape ${fmtShape(next.shape)}` : typeof next} for a tensor of shape ${fmtShape(this.shape)}; return a tensor of that shape, or nothing to keep the gradient.`,
        );
      }
      grad = next.dtype === this.dtype ? next : ops.cast(next, this.dtype);
    }
    return grad;
  }
}

/** How the tape sums, copies, stores and checks Tensor gradients. */
export const TENSOR_GRADIENTS: GradientOps<Tensor, Tensor> = {
  add: (a, b) => a.add(b),
  copy: (g) => g.clone(),
  store: (node, g, createGraph) => node.storeGrad(g, createGraph),
  isNonFinite: (g) => hasNonFinite(g.data),
  hooks: (node, g) => node.applyGradHooks(g),
  // The composite record names its inputs: keeping it would keep every activation of a released graph alive.
  release: (node) => {
    node.composite = undefined;
  },
};

/** @internal A value not computed yet, computed on the first read of `data`. */
export interface PendingValue {
  /** Computes the elements of `target` (which holds this pending value). */
  evaluate(target: Tensor): TypedArray;
  /** Adds the elements into `into` (same size) without allocating them; false if it cannot. */
  addInto?(into: TypedArray): boolean;
  /** Reads `copy` wherever it read a tensor of storage `from` (`target` holds this pending value). */
  rebase?(target: Tensor, from: Storage, copy: Tensor): void;
}

/** @internal What tensors viewing one buffer share: its version and the pending values reading it. */
export interface Storage {
  version: number;
  readers: Set<Tensor> | null;
}

/** `acc += g` in place, adding a pending `g` without computing it into a buffer of its own. */
function accumulate(acc: Tensor, g: Tensor): void {
  const target = acc.writable();
  if (g._data === null && g._pending?.addInto?.(target)) return;
  addInto(target, g.data);
}

/** @internal Allocates an uninitialized-by-contract (zeroed) tensor of `shape` and `dtype`. */
export const emptyTensor = (shape: readonly number[], dtype: DType): Tensor =>
  new Tensor(allocate(dtype, sizeOf(shape)), shape, dtype);
