/**
 * Every options object of the public API rejects unknown keys. The sites are found from the
 * TypeScript sources (every exported function, constructor and public method whose parameter is an
 * options object), so a new one without a row in OPTION_CALLS fails the first test, and a row whose
 * call does not check its options fails the second.
 */
import { checkOptions, type OptionKeys, TapegradError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { suggestKey } from '../../packages/core/src/options.js';
import { OPTION_CALLS, siteNames, UNION_SITES } from './option-calls.js';
import { findOptionsSites } from './options-surface.js';

const sites = findOptionsSites();
const BOGUS = 'zz_not_an_option';

/** Runs `fn` and returns what it threw (undefined if nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('strict options: every options type of the public API', () => {
  it('finds the options parameters (the enumeration itself works)', () => {
    const ids = sites.map((s) => s.id);
    for (const id of ['tensor#1', 'DataLoader.constructor#1', 'Adam.constructor#1', 'SGD.constructor#0[]'])
      expect(ids).toContain(id);
    expect(sites.length).toBeGreaterThan(120);
  });

  it('has a call for every site, and no call for a site that no longer exists', () => {
    const ids = new Set(sites.map((s) => s.id));
    const missing = [...ids].filter((id) => !(id in OPTION_CALLS));
    const stale = Object.keys(OPTION_CALLS).filter((id) => !ids.has(id));
    expect(missing, 'add a row to test/reliability/option-calls.ts and check the options').toEqual([]);
    expect(stale).toEqual([]);
  });

  it.each(sites)(
    '$id rejects an unknown key, naming the site, the key and the keys it takes',
    ({ id, keys }) => {
      const e = thrown(() => OPTION_CALLS[id]!({ [BOGUS]: 1 } as never));
      expect(e, `${id} accepted an unknown option`).toBeInstanceOf(TapegradError);
      const message = (e as Error).message;
      expect(message).toContain(`unknown option '${BOGUS}'`);
      const names = siteNames(id);
      expect(
        names.some((name) => message.includes(name)),
        `${message} names none of ${names}`,
      ).toBe(true);
      const listed = UNION_SITES.has(id) ? ['lr'] : keys.filter((k) => k !== 'params');
      for (const k of listed) expect(message).toContain(k);
    },
  );

  it.each(sites)('$id accepts every key its type declares', ({ id, keys }) => {
    for (const key of keys) {
      const e = thrown(() => OPTION_CALLS[id]!({ [key]: undefined } as never));
      if (e instanceof TapegradError)
        expect(e.message, `${id} refused its own key '${key}'`).not.toMatch(/unknown option/);
    }
  });
});

describe('checkOptions suggests the key that was meant', () => {
  it.each([
    ['batch_size', ['batchSize', 'shuffle', 'dropLast'], 'batchSize'],
    ['requires_grad', ['dtype', 'requiresGrad', 'label'], 'requiresGrad'],
    ['learning_rate', ['lr', 'betas', 'weightDecay'], 'lr'],
    ['learningRate', ['lr', 'momentum'], 'lr'],
    ['weight_decay', ['lr', 'weightDecay'], 'weightDecay'],
    ['step_size', ['stepSize', 'gamma'], 'stepSize'],
    ['bacthSize', ['batchSize', 'shuffle'], 'batchSize'],
    ['momentun', ['lr', 'momentum', 'dampening'], 'momentum'],
    ['BATCHSIZE', ['batchSize'], 'batchSize'],
    ['keepdim', ['keepdims'], 'keepdims'],
  ] as const)('%s → %s', (key, allowed, want) => {
    expect(suggestKey(key, allowed)).toBe(want);
  });

  it('suggests nothing for a key unlike any allowed one', () => {
    expect(suggestKey('colour', ['lr', 'momentum'])).toBeUndefined();
  });

  it('refuses what is not a plain options object, saying what it got', () => {
    const keys: OptionKeys<{ a?: number }> = { a: true };
    expect(() => checkOptions('f', 'float64' as never, keys)).toThrow(
      /^f: expected an options object \{ a \}, got the string 'float64'/,
    );
    expect(() => checkOptions('f', [1] as never, keys)).toThrow(/got an array/);
    expect(() => checkOptions('f', null as never, keys)).toThrow(/got null/);
    expect(checkOptions('f', undefined, keys)).toEqual({});
    expect(checkOptions('f', JSON.parse('{"a":1}'), keys)).toEqual({ a: 1 });
  });
});
