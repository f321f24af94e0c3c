/**
 * The ONNX protobuf messages tapegrad writes, built with `onnx-buf` (the ONNX schema compiled for
 * `@bufbuild/protobuf`). The only file that touches the schema.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  type TensorProto,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from 'onnx-buf';

export type { NodeProto, TensorProto, ValueInfoProto };

/** ONNX element types (TensorProto.DataType) of the tensors tapegrad writes. */
export const ELEM_TYPE = { float32: 1, int32: 6, int64: 7, float64: 11 } as const;

/** One node attribute, tagged with its ONNX type. */
export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] };

/** An integer attribute. */
export const int = (value: number): Attr => ({ kind: 'int', value });
/** A float attribute. */
export const float = (value: number): Attr => ({ kind: 'float', value });
/** A string attribute. */
export const str = (value: string): Attr => ({ kind: 'string', value });
/** A list-of-integers attribute. */
export const ints = (value: readonly number[]): Attr => ({ kind: 'ints', value });

function attribute(name: string, a: Attr) {
  const T = AttributeProto_AttributeType;
  switch (a.kind) {
    case 'int':
      return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(a.value) });
    case 'float':
      return create(AttributeProtoSchema, { name, type: T.FLOAT, f: a.value });
    case 'string':
      return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(a.value) });
    case 'ints':
      return create(AttributeProtoSchema, { name, type: T.INTS, ints: a.value.map((v) => BigInt(v)) });
  }
}

/** A node: `opType(inputs) → outputs` ('' marks an omitted optional input). */
export const nodeProto = (
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
  attrs: Readonly<Record<string, Attr>> = {},
): NodeProto =>
  create(NodeProtoSchema, {
    opType,
    name,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attrs).map(([k, a]) => attribute(k, a)),
  });

/** A constant tensor from little-endian raw bytes. */
export const rawTensorProto = (
  name: string,
  elemType: number,
  dims: readonly number[],
  rawData: Uint8Array,
): TensorProto =>
  create(TensorProtoSchema, {
    name,
    dataType: elemType,
    dims: dims.map((d) => BigInt(d)),
    rawData: rawData as Uint8Array<ArrayBuffer>,
  });

/** A constant int64 tensor (shapes, axes, indices). */
export const int64TensorProto = (
  name: string,
  dims: readonly number[],
  values: readonly number[],
): TensorProto =>
  create(TensorProtoSchema, {
    name,
    dataType: ELEM_TYPE.int64,
    dims: dims.map((d) => BigInt(d)),
    int64Data: values.map((v) => BigInt(v)),
  });

/** A graph input or output: name, element type and shape, each axis a size or a symbolic name. */
export const valueInfoProto = (
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): ValueInfoProto =>
  create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType,
          shape: create(TensorShapeProtoSchema, {
            dim: dims.map((d) =>
              create(TensorShapeProto_DimensionSchema, {
                value:
                  typeof d === 'number'
                    ? { case: 'dimValue', value: BigInt(d) }
                    : { case: 'dimParam', value: d },
              }),
            ),
          }),
        }),
      },
    }),
  });

/** The ONNX IR version that goes with an opset (ONNX's versioning table). */
const irVersionFor = (opset: number): number => (opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

/** Encodes a whole model: one graph, the default domain at `opset`. */
export function encodeModel(parts: {
  name: string;
  opset: number;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
}): Uint8Array {
  const graph = create(GraphProtoSchema, {
    name: parts.name,
    node: parts.nodes,
    initializer: parts.initializers,
    input: parts.inputs,
    output: parts.outputs,
  });
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(irVersionFor(parts.opset)),
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(parts.opset) })],
    producerName: 'tapegrad',
    graph,
  });
  return toBinary(ModelProtoSchema, model);
}
