/**
 * The MNIST program (`pnpm start`, the README's main command): trains an MLP (default) or a CNN
 * with Adam, or classifies the images of an IDX file with a saved model (`predict`).
 * Results go to stdout; progress, logs and errors to stderr.
 */
import { TapegradError } from '@tapegrad/core';
import { parseCommandLine, USAGE, UsageError } from './args.js';
import { runPredict } from './predict-command.js';
import { type Io, runTrain } from './train-command.js';

const io: Io = { out: (line) => process.stdout.write(`${line}\n`), err: process.stderr };

try {
  const args = parseCommandLine(process.argv.slice(2));
  if (args === null) process.stdout.write(`${USAGE}\n`);
  else if (args.command === 'predict') runPredict(args, io);
  else runTrain(args, io);
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else if (e instanceof TapegradError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
