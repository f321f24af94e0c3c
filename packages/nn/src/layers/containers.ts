/** Containers that register their modules without running them: `ModuleList` and `ModuleDict`. */
import { TapegradError } from '@tapegrad/core';
import { type AnyModule, isModule, Module } from '../module.js';

const describe = (x: unknown) => (x === null ? 'null' : isModule(x) ? x.constructor.name : typeof x);

/**
 * A list of modules, registered as children `'0'`, `'1'`, … (so parameters are named
 * `'layers.0.weight'`, as PyTorch's `nn.ModuleList`). It has no `forward`: the owner decides how
 * to run them. Index it like an array (`list[0]`) or with `at(i)`; iterate with `for … of`.
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module {
  [index: number]: M;
  #items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** Number of modules. */
  get length(): number {
    return this.#items.length;
  }

  /** Adds a module at the end. */
  append(module: M): this {
    return this.insert(this.#items.length, module);
  }

  /** Adds modules at the end. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before position `index` (negative counts from the end). */
  insert(index: number, module: M): this {
    if (!isModule(module)) {
      throw new TapegradError('ModuleList', `can only hold modules, got ${describe(module)}.`);
    }
    const n = this.#items.length;
    const at = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    this.#items.splice(at, 0, module);
    this.#renumber();
    return this;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    const i = index < 0 ? index + this.#items.length : index;
    const m = this.#items[i];
    if (!Number.isInteger(index) || m === undefined) {
      throw new TapegradError(
        'ModuleList',
        `index ${index} is out of range for ${this.#items.length} modules.`,
      );
    }
    return m;
  }

  /** The modules in order. */
  *[Symbol.iterator](): Iterator<M> {
    yield* this.#items;
  }

  /** Keeps the numeric properties (what registers the children) in step with the list. */
  #renumber(): void {
    for (const key of Object.keys(this)) if (/^\d+$/.test(key)) delete this[Number(key)];
    this.#items.forEach((m, i) => {
      this[i] = m;
    });
  }
}

/**
 * Modules by name, in insertion order, registered as children under their keys (so parameters
 * are named `'heads.cls.weight'`, as PyTorch's `nn.ModuleDict`). It has no `forward`.
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module {
  readonly #items = new Map<string, M>();

  constructor(modules: Iterable<[string, M]> | Record<string, M> = {}) {
    super();
    this.update(modules);
  }

  /** Number of modules. */
  get size(): number {
    return this.#items.size;
  }

  /** The module under `key`; throws for a missing key. */
  get(key: string): M {
    const m = this.#items.get(key);
    if (m === undefined) {
      throw new TapegradError(
        'ModuleDict',
        `no module named '${key}' (keys: ${[...this.#items.keys()].join(', ') || 'none'}).`,
      );
    }
    return m;
  }

  /** Adds or replaces the module under `key` (a non-empty name without '.'). */
  set(key: string, module: M): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) {
      throw new TapegradError(
        'ModuleDict',
        `key must be a non-empty string without '.', got ${JSON.stringify(key)}.`,
      );
    }
    if (!isModule(module)) {
      throw new TapegradError('ModuleDict', `'${key}' must be a module, got ${describe(module)}.`);
    }
    this.#items.set(key, module);
    return this;
  }

  /** Whether a module is stored under `key`. */
  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** Removes and returns the module under `key` (PyTorch's `pop`). */
  delete(key: string): M {
    const m = this.get(key);
    this.#items.delete(key);
    return m;
  }

  /** Removes every module. */
  clear(): void {
    this.#items.clear();
  }

  /** Adds or replaces several modules. */
  update(modules: Iterable<[string, M]> | Record<string, M>): this {
    const entries =
      Symbol.iterator in modules ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  /** The keys in insertion order. */
  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** The modules in insertion order. */
  values(): M[] {
    return [...this.#items.values()];
  }

  /** `[key, module]` pairs in insertion order. */
  entries(): [string, M][] {
    return [...this.#items.entries()];
  }

  /** `[name, module]` pairs in insertion order. */
  *[Symbol.iterator](): Iterator<[string, M]> {
    yield* this.#items.entries();
  }

  override namedChildren(): [string, AnyModule][] {
    return this.entries();
  }
}
