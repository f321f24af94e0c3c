/** The guide runner catches what it should: lines a block does not print, or prints in another order. */
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, parseBlocks, runBlocks } from './guide.js';

const fence = '```';
const guide = (shown: string) =>
  parseBlocks(
    `Text.\n${fence}ts\nconsole.log('a');\nconsole.log([1, 2]);\n${fence}\n\n${fence}text\n${shown}\n${fence}\n` +
      `${fence}ts\nconsole.log('c');\n${fence}\n${fence}text\nc\n${fence}\n`,
  );

describe('the guide runner', () => {
  it('pairs each output block with what the code before it printed, formatted as console.log does', async () => {
    const run = await runBlocks(guide('a\n[ 1, 2 ]'));
    expect(run.outputs.map((o) => o.printed)).toEqual([['a', '[ 1, 2 ]'], ['c']]);
    expect(run.lines).toEqual(['a', '[ 1, 2 ]', 'c']);
    expectShownOutputs(run);
  });

  it('accepts an output block that leaves lines out', async () => {
    expectShownOutputs(await runBlocks(guide('[ 1, 2 ]')));
  });

  it('rejects a line that is not printed, is printed by another block, or is out of order', async () => {
    for (const shown of ['b', 'c', '[ 1, 2 ]\na']) {
      const run = await runBlocks(guide(shown));
      expect(() => expectShownOutputs(run), shown).toThrow(/does not print/);
    }
  });
});
