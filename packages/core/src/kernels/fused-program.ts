/**
 * Fused elementwise programs: what `lazy.ts` compiles a chain of pending elementwise ops into, and
 * what the evaluators (`fused.ts` in JavaScript, `fused-f32.ts` through the SIMD kernels) run.
 */
import type { BinaryRule, UnaryRule } from '../math/rules.js';

type Arr = Float32Array | Float64Array | Int32Array;

/** A comparison step: 1 where it holds, else 0. */
export type CompareOp = 'eq' | 'gt' | 'lt' | 'ge' | 'le';

/**
 * One step. Operands are slot numbers: slots `0 … leaves − 1` are the program's inputs, slot
 * `leaves + k` is the result of step k.
 */
export type FusedStep =
  | {
      readonly kind: 'unary';
      readonly rule: UnaryRule;
      readonly p: number;
      readonly q: number;
      readonly a: number;
    }
  | { readonly kind: 'binary'; readonly rule: BinaryRule; readonly a: number; readonly b: number }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly a: number; readonly b: number }
  | { readonly kind: 'where'; readonly cond: number; readonly a: number; readonly b: number }
  | { readonly kind: 'sign'; readonly a: number }
  | { readonly kind: 'copy'; readonly a: number }
  /** `g · f′(x)` for a one-input rule f whose output is `out`: its backward in one step. */
  | {
      readonly kind: 'unaryGrad';
      readonly rule: UnaryRule;
      readonly p: number;
      readonly q: number;
      readonly g: number;
      readonly x: number;
      readonly out: number;
    };

/** A program: its inputs (each `length` elements, or one element read for every position) and steps. */
export interface FusedProgram {
  readonly length: number;
  readonly float64: boolean;
  readonly leaves: readonly Arr[];
  readonly steps: readonly FusedStep[];
}

/** Where an evaluation puts the last step's values: written to, added into, or summed. */
export type Sink = { readonly kind: 'write' | 'add'; readonly out: Arr } | { readonly kind: 'sum' };
