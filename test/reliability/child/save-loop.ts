/**
 * The child process of the kill-during-save test: saves two large models in turn to the same
 * file, forever, printing `saved <k>` after each save, until it is killed. Mode `save` runs the
 * whole `saveStateFile` (encoding, then the atomic write) each time; mode `write` encodes both
 * once and then only writes, so nearly every kill lands inside `writeFileAtomic`.
 * Usage: node save-loop.mjs <path> <width> <save|write>
 */
import { encodeStateFile } from '@tapegrad/nn';
import { saveStateFile, writeFileAtomic } from '@tapegrad/nn/node';
import { killTestContents } from './models.js';

const [path, width, mode] = process.argv.slice(2);
const contents = [killTestContents(0, Number(width)), killTestContents(1, Number(width))];
const encoded = mode === 'write' ? contents.map((c) => encodeStateFile(c)) : [];
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  if (mode === 'write') writeFileAtomic(path!, encoded[i % 2]!);
  else saveStateFile(path!, contents[i % 2]!);
  process.stdout.write(`saved ${i % 2}\n`);
}
