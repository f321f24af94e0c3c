import { TapegradError, type Tensor } from '@tapegrad/core';
import { Module } from '../module.js';

/**
 * Runs modules one after another; they are registered as children `'0'`, `'1'`, … so parameter
 * names read `'0.weight'` as in PyTorch. Index it like an array (`seq[0]`) or with `at(i)`.
 */
export class Sequential extends Module {
  [index: number]: Module;
  #length = 0;

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Number of modules. */
  get length(): number {
    return this.#length;
  }

  /** Adds a module at the end. */
  append(module: Module): this {
    if (!(module instanceof Module)) {
      throw new TapegradError(
        'Sequential',
        `element ${this.#length} is not a Module (got ${module === null ? 'null' : typeof module}).`,
      );
    }
    this[this.#length++] = module;
    return this;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const i = index < 0 ? index + this.#length : index;
    const m = this[i];
    if (!Number.isInteger(i) || m === undefined) {
      throw new TapegradError('Sequential', `index ${index} is out of range for ${this.#length} modules.`);
    }
    return m;
  }

  /** The layers in order, so `for (const layer of model)` and `[...model]` work. */
  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this.#length; i++) yield this[i]!;
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.call(y);
    return y;
  }
}
