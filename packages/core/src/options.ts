/**
 * Strict options objects: every public function, method and constructor that takes an options
 * object passes it through {@link checkOptions}, so a misspelled or snake_case key fails loudly
 * instead of being ignored (TypeScript misses it whenever the object is not an inline literal, and
 * always in JavaScript).
 */
import { describeValue, TapegradError } from './errors.js';

/**
 * The keys an options type allows, as a record the compiler checks against the type: a key the
 * type lacks is an excess property, a key it has and the record misses is a missing property. So
 * the list a call site checks against can never drift from the type it documents.
 *
 * @example
 * ```ts
 * const KEYS: OptionKeys<LinearOptions> = { bias: true, dtype: true, generator: true };
 * ```
 */
export type OptionKeys<T> = { readonly [K in keyof T]-?: true };

/** Names people carry over from PyTorch or other libraries, mapped to tapegrad's. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  learningrate: ['lr'],
  learning_rate: ['lr'],
  keepdim: ['keepdims'],
  dim: ['axis'],
  beta1: ['betas'],
  beta2: ['betas'],
  seed: ['generator'],
};

/**
 * Returns `options` (or `{}` when it is undefined) after checking that it is a plain object whose
 * own keys all appear in `keys`.
 *
 * @param where - the function, method or class that received the options, named in the error.
 * @throws TapegradError naming `where`, the unknown key, the key probably meant (snake_case →
 *   camelCase, a known alias such as `learning_rate` → `lr`, or the closest by edit distance), and
 *   every key `where` accepts; or, when `options` is not an object, what was passed instead.
 */
export function checkOptions<T extends object>(
  where: string,
  options: T | undefined,
  keys: OptionKeys<T>,
): T {
  if (typeof keys !== 'object' || keys === null) {
    throw new TapegradError(
      'checkOptions',
      `the allowed keys must be an object of keys, got ${describeValue(keys)}.`,
    );
  }
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || !isPlainObject(options)) {
    throw new TapegradError(
      where,
      `expected an options object { ${Object.keys(keys).join(', ')} }, got ${describeOption(options)}.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(keys, key)) throw unknownOption(where, key, Object.keys(keys));
  }
  return options;
}

/** A plain object: made by a literal, `JSON.parse` or `Object.create(null)`, in any realm. */
function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function describeOption(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return `the string '${x}'`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof x} ${String(x)}`;
    case 'object':
      return x === null ? 'null' : Array.isArray(x) ? 'an array' : `a ${describeValue(x)}`;
    default:
      return describeValue(x);
  }
}

function unknownOption(where: string, key: string, allowed: readonly string[]): TapegradError {
  const guess = suggestKey(key, allowed);
  const hint = guess === undefined ? '' : ` Did you mean '${guess}'?`;
  const known = allowed.length === 0 ? 'It takes no options.' : `It takes: ${allowed.join(', ')}.`;
  return new TapegradError(where, `unknown option '${key}'.${hint} ${known}`);
}

/**
 * The allowed key `key` was probably meant to be: its camelCase form, a known alias, the same
 * letters in another case, or the closest by edit distance (at most a third of its length).
 */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const camel = key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  if (allowed.includes(camel)) return camel;
  const fold = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  const alias = (ALIASES[key] ?? ALIASES[fold(key)])?.find((a) => allowed.includes(a));
  if (alias !== undefined) return alias;
  const sameLetters = allowed.find((a) => fold(a) === fold(key));
  if (sameLetters !== undefined) return sameLetters;
  // an abbreviation (approx → approximate) or an overlong name (kernelSizes → kernelSize)
  const prefix = allowed.find(
    (a) =>
      Math.min(a.length, key.length) >= 3 && (fold(a).startsWith(fold(key)) || fold(key).startsWith(fold(a))),
  );
  if (prefix !== undefined) return prefix;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(camel.length / 3)) + 1;
  for (const a of allowed) {
    const d = editDistance(fold(camel), fold(a));
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    [prev2, prev] = [prev, row];
  }
  return prev[b.length]!;
}
