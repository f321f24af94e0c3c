/** Accumulates the nodes and constants of one ONNX graph, with unique names. */
import { type DType, full, type Tensor, tensorToBytes } from '@tapegrad/core';
import {
  type Attr,
  ELEM_TYPE,
  int64TensorProto,
  type NodeProto,
  nodeProto,
  rawTensorProto,
  type TensorProto,
} from './proto.js';

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #taken = new Set<string>();

  constructor(readonly opset: number) {}

  /** Claims `name` exactly (graph inputs, outputs, parameter names); false if already taken. */
  claim(name: string): boolean {
    if (this.#taken.has(name)) return false;
    this.#taken.add(name);
    return true;
  }

  /** A new unique name starting with `base`. */
  fresh(base: string): string {
    if (this.claim(base)) return base;
    for (let i = 1; ; i++) if (this.claim(`${base}_${i}`)) return `${base}_${i}`;
  }

  /** Adds `opType(inputs) → outputs`; `''` in `inputs` omits an optional input. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs?: Readonly<Record<string, Attr>>,
  ) {
    this.nodes.push(nodeProto(opType, inputs, outputs, `${opType}_${this.nodes.length}`, attrs));
  }

  /** Adds a node with one fresh output named after `base`; returns the output's name. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs?: Readonly<Record<string, Attr>>,
    base = opType,
  ): string {
    const out = this.fresh(base);
    this.node(opType, inputs, [out], attrs);
    return out;
  }

  /** A tensor's values as an initializer named `name` (already claimed by the caller). */
  tensor(name: string, t: Tensor): string {
    this.initializers.push(rawTensorProto(name, ELEM_TYPE[t.dtype], t.shape, tensorToBytes(t)));
    return name;
  }

  /** A 1-D int64 constant (a shape, axes, starts…), named after `base`. */
  int64s(values: readonly number[], base = 'const'): string {
    const name = this.fresh(base);
    this.initializers.push(int64TensorProto(name, [values.length], values));
    return name;
  }

  /** A 0-d int64 constant. */
  int64(value: number, base = 'const'): string {
    const name = this.fresh(base);
    this.initializers.push(int64TensorProto(name, [], [value]));
    return name;
  }

  /** A constant of `dtype` with `shape`, every element `value`. */
  fill(value: number, dtype: DType, shape: readonly number[], base = 'const'): string {
    return this.tensor(this.fresh(base), full(shape, value, { dtype }));
  }
}
