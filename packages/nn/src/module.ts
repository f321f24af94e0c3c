import {
  checkOptions,
  noGrad,
  type OptionKeys,
  type RemovableHandle,
  TapegradError,
  Tensor,
} from '@tapegrad/core';
import { isTensorJSON, Parameter, type TensorJSON, tensorFromJSON, tensorToJSON } from './parameter.js';
import { fmtShape, refusePrototypeKey } from './util.js';
import { type ZeroGradOptions, zeroGrads } from './zero-grad.js';

/** Parameters and buffers by dotted name (`'0.weight'`), as `torch.nn.Module.state_dict()`. */
export type StateDict = Record<string, Tensor>;

/** A buffer: its state-dict key, its deprecated key (the property name), its tensor. */
interface BufferEntry {
  key: string;
  alias: string;
  value: Tensor;
}

/** What `loadStateDict` returns when `strict` is false: the keys it could not match. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default true); otherwise return them. */
  strict?: boolean;
}

/** Options of {@link Module.registerBuffer}. */
export interface RegisterBufferOptions {
  /** The buffer's name in `stateDict()` when it differs from the property name. */
  key?: string;
}

const LOAD_KEYS: OptionKeys<LoadStateDictOptions> = { strict: true };
const BUFFER_KEYS: OptionKeys<RegisterBufferOptions> = { key: true };

// Hook types are declared as methods so that their parameters compare bivariantly: a module of any
// inputs then still counts as an `AnyModule` (the usual method-bivariance idiom).
interface PreHookShape<M, In> {
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes is a void function
  hook(module: M, inputs: In): In | undefined | void;
}
interface HookShape<M, In, Out> {
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes is a void function
  hook(module: M, inputs: In, output: Out): Out | undefined | void;
}

/**
 * Runs before `forward` with the module and its inputs; may return replacement inputs (as
 * PyTorch's `register_forward_pre_hook`).
 */
export type ForwardPreHook<M, In> = PreHookShape<M, In>['hook'];

/**
 * Runs after `forward` with the module, its inputs and its output; may return a replacement
 * output (as PyTorch's `register_forward_hook`).
 */
export type ForwardHook<M, In, Out> = HookShape<M, In, Out>['hook'];

/** Any module, whatever its inputs and output (for containers such as `ModuleList`). */
export type AnyModule = Module<unknown[], unknown>;

/** Adds `entry` to `list` and returns a handle whose `remove()` takes it out again. */
function handleFor<T>(list: T[], entry: T): RemovableHandle {
  list.push(entry);
  return {
    remove: () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

/**
 * The base class of every layer and model. Assigning a {@link Parameter}, a `Module` or an array
 * of modules to a property registers it (in assignment order, as PyTorch), so `parameters()`,
 * `namedParameters()` (`'0.weight'`), `stateDict()`, `train()`/`eval()` and `zeroGrad()` find it.
 * Subclasses implement `forward`; `call` runs it (with the forward hooks).
 *
 * @typeParam In - the arguments of `forward` (tensors by default).
 * @typeParam Out - what `forward` returns (a tensor by default; a tuple for recurrent layers).
 */
export class Module<In extends unknown[] = Tensor[], Out = Tensor> {
  /** True in training mode (the default); `eval()` clears it recursively. */
  training = true;
  // ES private: invisible to the property scan that registers parameters and children.
  /** Buffer property name → its key in `stateDict()`. */
  readonly #buffers = new Map<string, string>();
  // Stored type-erased: fields typed with In/Out would make Module<In, Out> invariant in them, and
  // then no module would count as an AnyModule. `registerForward*Hook` keep the public types exact.
  readonly #preHooks: { run: (inputs: unknown[]) => unknown }[] = [];
  readonly #hooks: { run: (inputs: unknown[], output: unknown) => unknown }[] = [];

  /** The computation; subclasses override it. */
  forward(..._inputs: In): Out {
    throw new TapegradError(
      this.constructor.name,
      'forward() is not implemented; override it in the subclass.',
    );
  }

  /**
   * Runs `forward` (the counterpart of calling a PyTorch module): forward pre-hooks first, each
   * able to replace the inputs, then `forward`, then forward hooks, each able to replace the output.
   */
  call(...inputs: In): Out {
    if (this.#preHooks.length === 0 && this.#hooks.length === 0) return this.forward(...inputs);
    let args = inputs;
    for (const { run } of [...this.#preHooks]) args = (run(args) as In | undefined) ?? args;
    let out = this.forward(...args);
    for (const { run } of [...this.#hooks]) out = (run(args, out) as Out | undefined) ?? out;
    return out;
  }

  /** Registers `hook(module, inputs)` to run before every `forward`; `remove()` on the handle undoes it. */
  registerForwardPreHook(hook: ForwardPreHook<this, In>): RemovableHandle {
    return handleFor(this.#preHooks, { run: (inputs) => hook(this, inputs as In) });
  }

  /** Registers `hook(module, inputs, output)` to run after every `forward`; `remove()` undoes it. */
  registerForwardHook(hook: ForwardHook<this, In, Out>): RemovableHandle {
    return handleFor(this.#hooks, { run: (inputs, output) => hook(this, inputs as In, output as Out) });
  }

  /**
   * Sets `requiresGrad` on every parameter (recursively): `requiresGrad_(false)` freezes the
   * module, so backward leaves its parameters' `.grad` null and optimizers skip them.
   */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Marks the tensor property `name` as a buffer: saved in `stateDict()` but not a parameter (e.g.
   * BatchNorm's running statistics). Assigns `value` to it when given. `options.key` is its name
   * in `stateDict()` when that differs from the property (PyTorch's `running_mean` for the property
   * `runningMean`); `loadStateDict` still accepts the property name, as a deprecated alias.
   */
  registerBuffer(name: string, value?: Tensor, options?: RegisterBufferOptions): void {
    const { key = name } = checkOptions('registerBuffer', options, BUFFER_KEYS);
    if (value !== undefined) (this as unknown as Record<string, unknown>)[name] = value;
    this.#buffers.set(name, key);
  }

  /** Direct submodules with their property names (array elements as `name.i`), in order. */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    for (const [key, value] of Object.entries(this)) {
      if (isModule(value)) {
        if (!seen.has(value)) out.push([key, value]);
        seen.add(value);
      } else if (Array.isArray(value)) {
        value.forEach((m: unknown, i) => {
          if (isModule(m) && !seen.has(m)) {
            seen.add(m);
            out.push([`${key}.${i}`, m]);
          }
        });
      }
    }
    return out;
  }

  /** Direct submodules in order. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every submodule, depth first (each once), with dotted names ('' for this one). */
  namedModules(prefix = '', seen = new Set<AnyModule>()): [string, AnyModule][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, AnyModule][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    }
    return out;
  }

  /** This module and every submodule, depth first. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own parameters (not its children's) with their property names. */
  private ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Parameter) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((p, i) => {
          if (p instanceof Parameter) out.push([`${key}.${i}`, p]);
        });
      }
    }
    return out;
  }

  /** Every parameter with its dotted name (`'0.weight'`, `'encoder.fc1.bias'`); shared ones once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** Every parameter, for an optimizer: `new SGD(model.parameters(), { lr })`. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every registered buffer with its dotted state-dict name (`'1.running_mean'`). */
  namedBuffers(): [string, Tensor][] {
    return this.bufferEntries().map(({ key, value }) => [key, value]);
  }

  /** Buffers with their state-dict keys and the deprecated keys built from property names. */
  private bufferEntries(): BufferEntry[] {
    return this.namedModules().flatMap(([prefix, m]) => m.ownBuffers(prefix));
  }

  /** This module's own buffers, keys prefixed with `prefix` (its dotted name). */
  private ownBuffers(prefix: string): BufferEntry[] {
    const out: BufferEntry[] = [];
    const dotted = (name: string) => (prefix ? `${prefix}.${name}` : name);
    for (const [name, key] of this.#buffers) {
      const value = (this as unknown as Record<string, unknown>)[name];
      if (value !== null && value !== undefined)
        out.push({ key: dotted(key), alias: dotted(name), value: value as Tensor });
    }
    return out;
  }

  /** Sets training mode on this module and every submodule (`false` is `eval()`). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout is the identity, batch norm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Zeroes every parameter's gradient in place, keeping its buffer for the next backward pass (as
   * PyTorch 1.x's default; fresh memory is slow to come by in JavaScript). With
   * `{ setToNone: true }`, sets `.grad` to null instead (PyTorch 2's default): then parameters no
   * gradient reaches are left without a gradient.
   */
  zeroGrad(options?: ZeroGradOptions): void {
    zeroGrads('Module.zeroGrad', this.parameters(), options);
  }

  /** Calls `fn` on every submodule (depth first), then on this one (e.g. custom initialization). */
  apply(fn: (m: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and buffers by dotted name, in PyTorch's order (each module's parameters, then its
   * buffers, depth first). The tensors share the module's buffers.
   */
  stateDict(): StateDict {
    const sd: StateDict = {};
    const params = new Map(this.namedParameters().map(([name, p]) => [p, name]));
    for (const [prefix, m] of this.namedModules()) {
      for (const [, p] of m.ownParameters()) {
        const name = params.get(p);
        if (name !== undefined && !(name in sd)) sd[name] = p.detach();
      }
      for (const { key, value } of m.ownBuffers(prefix)) sd[key] = value.detach();
    }
    return sd;
  }

  /**
   * Copies values from `stateDict` (tensors or {@link TensorJSON}) into this module's parameters and
   * buffers, in place. A key whose shape differs always throws; with `strict` (the default) a
   * missing or unexpected key throws too, naming the keys. Otherwise they are returned.
   *
   * Buffers are also found under their property names (`'1.runningMean'` for `'1.running_mean'`),
   * the keys state dicts had before they took PyTorch's names. **Deprecated:** that fallback will
   * go; re-save old checkpoints.
   */
  loadStateDict(
    stateDict: Record<string, Tensor | TensorJSON>,
    options?: LoadStateDictOptions,
  ): LoadStateDictResult {
    const name = this.constructor.name;
    const op = `${name}.loadStateDict`;
    const { strict = true } = checkOptions(op, options, LOAD_KEYS);
    if (
      typeof stateDict !== 'object' ||
      stateDict === null ||
      Array.isArray(stateDict) ||
      stateDict instanceof Tensor
    ) {
      throw new TapegradError(
        op,
        `expected a state dict (an object of tensors by name, as stateDict() returns), got ${stateDict === null ? 'null' : Array.isArray(stateDict) ? 'an array' : stateDict instanceof Tensor ? 'a Tensor' : typeof stateDict}.`,
      );
    }
    for (const key of Object.keys(stateDict)) refusePrototypeKey(op, key, 'the state dict');
    stateDict = withCurrentKeys(stateDict, this.bufferEntries());
    const own = new Map<string, Tensor>([...this.namedParameters(), ...this.namedBuffers()]);
    const missingKeys = [...own.keys()].filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !own.has(k));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
      if (unexpectedKeys.length)
        parts.push(`unexpected keys: ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
      throw new TapegradError(
        `${name}.loadStateDict`,
        `${parts.join('; ')}. Check the model architecture, or pass { strict: false } to load the matching keys only.`,
      );
    }
    const loaded: [Tensor, Tensor][] = [];
    for (const [key, target] of own) {
      if (!Object.hasOwn(stateDict, key)) continue;
      const source = stateTensor(op, key, stateDict[key]);
      if (fmtShape(source.shape) !== fmtShape(target.shape)) {
        throw new TapegradError(
          `${name}.loadStateDict`,
          `size mismatch for '${key}': the state dict has shape ${fmtShape(source.shape)}, the model has ${fmtShape(target.shape)}.`,
        );
      }
      loaded.push([target, source]);
    }
    noGrad(() => {
      for (const [target, source] of loaded) target.copy_(source);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Constructor arguments shown by `toString()`, e.g. `inFeatures=2, outFeatures=3, bias=true`. */
  extraRepr(): string {
    return '';
  }

  /** A PyTorch-like tree: `Sequential(\n  (0): Linear(inFeatures=2, …)\n  (1): ReLU()\n)`. */
  toString(): string {
    const extra = this.extraRepr();
    const kids = this.namedChildren();
    if (kids.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = [...(extra ? extra.split('\n') : []), ...kids.map(([n, m]) => `(${n}): ${m.toString()}`)];
    return `${this.constructor.name}(\n${lines.map((l) => `  ${l.split('\n').join('\n  ')}`).join('\n')}\n)`;
  }
}

/** `stateDict` with deprecated buffer keys (property names) renamed to the current keys. */
function withCurrentKeys<T>(
  stateDict: Record<string, T>,
  buffers: readonly { key: string; alias: string }[],
): Record<string, T> {
  const renames = buffers.filter(
    ({ key, alias }) => key !== alias && !(key in stateDict) && alias in stateDict,
  );
  if (renames.length === 0) return stateDict;
  const out = { ...stateDict };
  for (const { key, alias } of renames) {
    out[key] = out[alias]!;
    delete out[alias];
  }
  return out;
}

/** Whether `x` is a module (of any inputs and output). */
export const isModule = (x: unknown): x is AnyModule => x instanceof Module;

/** The tensor behind one state-dict entry (a Tensor, or TensorJSON checked and rebuilt), naming the key. */
function stateTensor(op: string, key: string, raw: unknown): Tensor {
  if (raw instanceof Tensor) return raw;
  if (isTensorJSON(raw)) {
    try {
      return tensorFromJSON(raw, op);
    } catch (e) {
      if (e instanceof TapegradError)
        throw new TapegradError(op, `'${key}': ${e.message.slice(op.length + 2)}`);
      throw e;
    }
  }
  throw new TapegradError(
    op,
    `'${key}' must be a Tensor or { shape, dtype, data }, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}.`,
  );
}

/** A state dict as plain JSON (`JSON.stringify` it); `loadStateDict` accepts the parsed result. */
export const stateDictToJSON = (sd: StateDict): Record<string, TensorJSON> =>
  Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, tensorToJSON(t)]));
