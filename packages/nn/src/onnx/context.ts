/** What an op's ONNX emitter sees, and typed readers for the attributes ops record. */
import { type AttrValue, type OpAttrs, Tensor } from '@tapegrad/core';
import type { GraphBuilder } from './builder.js';

/** One traced op (or composite) being written as ONNX nodes. */
export interface EmitContext {
  /** The traced result. */
  readonly node: Tensor;
  /** The op's name: the composite's (`'linear'`) or the recorded op's (`'add'`). */
  readonly op: string;
  /** Its tensor inputs: the composite's inputs, or the recorded parents. */
  readonly inputs: readonly (Tensor | null)[];
  /** Its recorded parameters. */
  readonly attrs: OpAttrs;
  /** The name the emitted nodes must give the result. */
  readonly out: string;
  readonly b: GraphBuilder;
  /** The ONNX name of a traced tensor (`''` for an absent optional input). */
  name(x: Tensor | null): string;
  /** Which axes of a traced tensor change size with the dynamic axes of the inputs. */
  dynamic(x: Tensor): readonly boolean[];
  /** The shape of a traced tensor in the second trace (inputs' dynamic axes grown by one). */
  otherShape(x: Tensor): readonly number[];
  /** Throws a TapegradError naming this op. */
  fail(message: string): never;
}

/** Writes one op as ONNX nodes whose last output is `c.out`. */
export type Emitter = (c: EmitContext) => void;

const read = (c: EmitContext, key: string, what: string, ok: (v: AttrValue) => boolean): AttrValue => {
  const v = c.attrs[key];
  if (!ok(v)) {
    c.fail(
      `the traced op carries no ${what} attribute '${key}' (got ${JSON.stringify(v) ?? 'undefined'}); the op must pass its parameters to record().`,
    );
  }
  return v;
};

/** A number attribute (`slope`, `axis`, `eps`, …). */
export const numAttr = (c: EmitContext, key: string): number =>
  read(c, key, 'number', (v) => typeof v === 'number') as number;

/** A number attribute that may be `null` (an absent clamp bound). */
export const optionalNumAttr = (c: EmitContext, key: string): number | null =>
  read(c, key, 'number-or-null', (v) => typeof v === 'number' || v === null) as number | null;

/** A list-of-numbers attribute (`axes`, `stride`, `shape`, …). */
export const numsAttr = (c: EmitContext, key: string): number[] =>
  read(c, key, 'number-list', (v) => Array.isArray(v) && v.every((x) => typeof x === 'number')) as number[];

/** A boolean attribute (`keepdims`, `transA`, …). */
export const boolAttr = (c: EmitContext, key: string): boolean =>
  read(c, key, 'boolean', (v) => typeof v === 'boolean') as boolean;

/** A string attribute (`approximate`, `dtype`). */
export const strAttr = (c: EmitContext, key: string): string =>
  read(c, key, 'string', (v) => typeof v === 'string') as string;

/** A tensor attribute (the `index` of gather and indexSelect). */
export const tensorAttr = (c: EmitContext, key: string): Tensor =>
  read(c, key, 'tensor', (v) => v instanceof Tensor) as Tensor;

/** The ONNX name of input `i` of the op. */
export const input = (c: EmitContext, i: number): string => c.name(c.inputs[i] ?? null);

/** The traced tensor of input `i`, which must be present. */
export const inputTensor = (c: EmitContext, i: number): Tensor =>
  c.inputs[i] ?? c.fail(`input ${i} is missing from the trace.`);

/** Tensors an op refers to in its attributes (indices): part of the graph like its parents. */
export const attrTensors = (attrs: OpAttrs | undefined): Tensor[] =>
  attrs ? Object.values(attrs).filter((v): v is Tensor => v instanceof Tensor) : [];
