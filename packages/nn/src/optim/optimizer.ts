import {
  checkOptions,
  enableGrad,
  noGrad,
  type OptionKeys,
  TapegradError,
  Tensor,
  zerosLike,
} from '@tapegrad/core';
import { isModule } from '../module.js';
import { type TensorJSON, tensorToJSON } from '../parameter.js';
import { type ZeroGradOptions, zeroGrads } from '../zero-grad.js';
import { loadOptimizerState } from './load-state.js';

/** A parameter group: its tensors and its own options (`lr` is read at every step, so it is live). */
export type ParamGroup<O> = O & { params: Tensor[] };

/** Parameters for an optimizer: a list of tensors, or groups with per-group option overrides. */
export type ParamsInput<O> = Iterable<Tensor> | readonly ({ params: Iterable<Tensor> } & Partial<O>)[];

/** Per-parameter state: step counters and buffers. */
export type OptimizerState = Record<string, Tensor | number | undefined>;

/** An optimizer's state as plain JSON: state per parameter index, and the groups' options. */
export interface OptimizerStateDict {
  state: Record<string, Record<string, TensorJSON | number>>;
  paramGroups: Record<string, unknown>[];
}

/**
 * The base of every optimizer, as `torch.optim.Optimizer`: parameter groups with their own
 * options, state keyed by parameter identity, `zeroGrad()`, `step()` (in place, under noGrad),
 * and `stateDict()`/`loadStateDict()`.
 */
export abstract class Optimizer<O extends { lr: number }, S extends OptimizerState = OptimizerState> {
  /** The options a group gets when it does not override them. */
  readonly defaults: O;
  /** The parameter groups; change `paramGroups[i].lr` (or any option) between steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, keyed by the parameter itself. */
  readonly state = new Map<Tensor, S>();
  /** The optimizer's name, for error messages. */
  readonly name: string;
  /** The option names this optimizer takes (each parameter group may override any of them). */
  readonly optionKeys: OptionKeys<O>;
  /** Reused per-parameter buffers for an update's temporaries; not part of the state. */
  private readonly scratchBuffers = new WeakMap<Tensor, Tensor>();

  /**
   * `defaults` are the optimizer's own defaults, `options` what the user passed (checked against
   * `keys`, the names of every option of `O`).
   */
  protected constructor(
    name: string,
    params: ParamsInput<O>,
    defaults: O,
    options: Partial<O> | undefined,
    keys: OptionKeys<O>,
  ) {
    this.name = name;
    this.optionKeys = keys;
    this.defaults = { ...defaults, ...checkOptions(name, options, keys as OptionKeys<Partial<O>>) };
    this.validate(this.defaults);
    const list = paramList(name, params);
    if (list.length === 0) {
      throw new TapegradError(
        name,
        'got an empty parameter list. Pass model.parameters() (a model with at least one parameter) or tensors with requiresGrad: true.',
      );
    }
    if (list[0] instanceof Tensor)
      this.addParamGroup({ params: list as Tensor[] } as { params: Tensor[] } & Partial<O>);
    else for (const g of list as ({ params: Iterable<Tensor> } & Partial<O>)[]) this.addParamGroup(g);
  }

  /** Checks one set of options (learning rate, betas, …), throwing a `TapegradError` naming the value. */
  protected validate(options: O): void {
    if (typeof options.lr !== 'number' || !(options.lr >= 0 && options.lr < Infinity)) {
      throw new TapegradError(
        this.name,
        `invalid learning rate ${String(options.lr)}: lr must be a finite number ≥ 0.`,
      );
    }
  }

  /** Throws unless each named option is a finite number ≥ 0 (weight decay, eps, momentum, …). */
  protected nonNegative(options: O, ...names: (keyof O & string)[]): void {
    for (const name of names) {
      const v = options[name];
      if (typeof v !== 'number' || !(v >= 0 && v < Infinity)) {
        throw new TapegradError(this.name, `invalid ${name} ${String(v)}: must be a finite number ≥ 0.`);
      }
    }
  }

  /** Throws unless each named option is a boolean (nesterov, amsgrad, maximize, …). */
  protected flags(options: O, ...names: (keyof O & string)[]): void {
    for (const name of names) {
      if (typeof options[name] !== 'boolean') {
        throw new TapegradError(
          this.name,
          `invalid ${name} ${String(options[name])}: must be true or false.`,
        );
      }
    }
  }

  /** Adds a group of parameters with optional option overrides (e.g. a smaller lr for a backbone). */
  addParamGroup(group: { params: Iterable<Tensor> } & Partial<O>): void {
    const where = `${this.name}.addParamGroup (group ${this.paramGroups.length})`;
    checkOptions(where, group, { ...this.optionKeys, params: true } as OptionKeys<typeof group>);
    const params =
      group.params instanceof Tensor ? [group.params] : paramList(where, group.params as ParamsInput<O>);
    if (params.length === 0) {
      throw new TapegradError(
        this.name,
        `parameter group ${this.paramGroups.length} has an empty parameter list.`,
      );
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor) || p.dtype === 'int32' || !p.isLeaf) {
        throw new TapegradError(
          this.name,
          `parameter ${i} of group ${this.paramGroups.length} must be a float leaf tensor (got ${p instanceof Tensor ? `${p.dtype} from '${p.op}'` : typeof p}).`,
        );
      }
      if (seen.has(p)) {
        throw new TapegradError(
          this.name,
          `parameter ${i} of group ${this.paramGroups.length} appears in more than one group.`,
        );
      }
      seen.add(p);
    });
    const merged = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(merged);
    this.paramGroups.push(merged);
  }

  /**
   * Zeroes every parameter's gradient in place, keeping its buffer for the next backward pass (as
   * PyTorch 1.x's default; fresh memory is slow to come by in JavaScript). With
   * `{ setToNone: true }`, sets `.grad` to null instead (PyTorch 2's default): then parameters no
   * gradient reaches are skipped by `step()` rather than updated with zeros.
   */
  zeroGrad(options?: ZeroGradOptions): void {
    zeroGrads(
      `${this.name}.zeroGrad`,
      this.paramGroups.flatMap((g) => g.params),
      options,
    );
  }

  /**
   * One update of every parameter that has a gradient, in place and under noGrad. `closure`, if
   * given, recomputes the loss (with recording on) first; its value is returned.
   */
  step(closure?: () => Tensor | number): number | undefined {
    let loss: number | undefined;
    if (closure) {
      const l = enableGrad(closure);
      loss = typeof l === 'number' ? l : l.item();
    }
    noGrad(() => {
      for (const group of this.paramGroups) {
        this.validate(group);
        for (const p of group.params) {
          if (p.grad === null) continue;
          const grad = p.grad.dtype === p.dtype ? p.grad : p.grad.to(p.dtype);
          let state = this.state.get(p);
          if (state === undefined) {
            state = this.initState(p, group);
            this.state.set(p, state);
          }
          this.update(p, grad, state, group);
        }
      }
    });
    return loss;
  }

  /**
   * A buffer shaped like `p` for temporaries of its update (e.g. the denominator √v + ε), reused
   * across steps: filling an existing array is far cheaper than allocating a fresh one per step.
   */
  protected scratch(p: Tensor): Tensor {
    let buffer = this.scratchBuffers.get(p);
    if (buffer === undefined) {
      buffer = zerosLike(p);
      this.scratchBuffers.set(p, buffer);
    }
    return buffer;
  }

  /** Fresh state for a parameter on its first step. */
  protected abstract initState(p: Tensor, group: ParamGroup<O>): S;

  /** Updates `p` in place from its gradient `grad` (never modified) and its `state`. */
  protected abstract update(p: Tensor, grad: Tensor, state: S, group: ParamGroup<O>): void;

  /** State and group options as plain JSON; parameters are referred to by their position. */
  stateDict(): OptimizerStateDict {
    const all = this.paramGroups.flatMap((g) => g.params);
    const state: OptimizerStateDict['state'] = {};
    all.forEach((p, i) => {
      const s = this.state.get(p);
      if (!s) return;
      const entry: Record<string, TensorJSON | number> = {};
      for (const [k, v] of Object.entries(s)) {
        if (v !== undefined) entry[k] = v instanceof Tensor ? tensorToJSON(v) : v;
      }
      state[String(i)] = entry;
    });
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return { ...structuredClone(options), params: params.map(() => next++) };
    });
    return { state, paramGroups };
  }

  /**
   * Restores `stateDict()` output (possibly via JSON) into an optimizer over the same parameters.
   * Everything is validated before anything changes: the structure, the group options (known
   * names only, each checked as the constructor checks it; `__proto__` and other prototype keys
   * refused), every state entry's parameter index, and each state tensor's shape against its
   * parameter. A failed load leaves the optimizer as it was.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const loaded = loadOptimizerState(this.name, sd, this.paramGroups, this.optionKeys);
    for (const options of loaded.groups) this.validate({ ...this.defaults, ...options } as O);
    this.state.clear();
    for (const [p, s] of loaded.state) this.state.set(p, s as S);
    loaded.groups.forEach((options, i) => {
      Object.assign(this.paramGroups[i]!, options);
    });
  }
}

/**
 * The parameters an optimizer was given, as a list: an iterable of tensors or of parameter
 * groups. A module (instead of `module.parameters()`), a single tensor or anything else not
 * iterable is named in the error, with the fix.
 */
function paramList(where: string, params: unknown): unknown[] {
  if (isModule(params)) {
    throw new TapegradError(
      where,
      `expected parameters, got the module ${params.constructor.name}; pass its parameters: new ${where.split(/[ .]/)[0]}(model.parameters(), { lr }).`,
    );
  }
  if (params instanceof Tensor) return [params];
  if (
    typeof params !== 'object' ||
    params === null ||
    typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new TapegradError(
      where,
      `expected an iterable of parameters (e.g. model.parameters()) or an array of parameter groups, got ${params === null ? 'null' : typeof params}.`,
    );
  }
  return [...(params as Iterable<unknown>)];
}
