/** Op codes of the Scalar tape: one byte per node names the rule that made it. */
import {
  BINARY_RULES,
  type BinaryOp,
  type BinaryRule,
  UNARY_RULES,
  type UnaryOp,
  type UnaryRule,
} from '../math/rules.js';

/** A leaf: a value given by the user (or a result computed without recording). */
export const LEAF = 0;
/** The identity a transform records on top of a traced argument (see `functional/trace.ts`). */
export const INPUT = 1;
/** A custom op (`customGrad`); its rules live in the segment's `customs`. */
export const CUSTOM = 2;

const unaryNames = Object.keys(UNARY_RULES) as UnaryOp[];
const binaryNames = Object.keys(BINARY_RULES) as BinaryOp[];
const FIRST_UNARY = 3;
const FIRST_BINARY = FIRST_UNARY + unaryNames.length;

/** The op code of each rule. */
export const UNARY_CODE = Object.fromEntries(unaryNames.map((n, i) => [n, FIRST_UNARY + i])) as Record<
  UnaryOp,
  number
>;
/** The op code of each two-input rule. */
export const BINARY_CODE = Object.fromEntries(binaryNames.map((n, i) => [n, FIRST_BINARY + i])) as Record<
  BinaryOp,
  number
>;

const rulesByCode: (UnaryRule | BinaryRule | undefined)[] = [];
for (const n of unaryNames) rulesByCode[UNARY_CODE[n]] = UNARY_RULES[n];
for (const n of binaryNames) rulesByCode[BINARY_CODE[n]] = BINARY_RULES[n];

/** True for the code of a one-input rule. */
export const isUnaryCode = (code: number): boolean => code >= FIRST_UNARY && code < FIRST_BINARY;
/** True for the code of a two-input rule. */
export const isBinaryCode = (code: number): boolean => code >= FIRST_BINARY && code < rulesByCode.length;

/** The one-input rule of `code` (which must be one). */
export const unaryRuleOf = (code: number): UnaryRule => rulesByCode[code] as UnaryRule;
/** The two-input rule of `code` (which must be one). */
export const binaryRuleOf = (code: number): BinaryRule => rulesByCode[code] as BinaryRule;

/** The op name of a code, as errors and inspection tools show it. */
export function opName(code: number): string {
  if (code === LEAF) return 'leaf';
  if (code === INPUT) return 'input';
  if (code === CUSTOM) return 'custom';
  return rulesByCode[code]?.name ?? `op ${code}`;
}
