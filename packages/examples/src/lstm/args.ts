/** Command-line options of the character-LSTM program. */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrainOptions } from './train.js';

/** Everything a run needs. */
export interface LstmArgs extends TrainOptions {
  /** The training text (a UTF-8 file). */
  text: string;
  /** Characters to sample after training. */
  sampleLength: number;
  temperature: number;
  prompt: string;
}

/** The bundled text: the opening of Coriolanus (public domain; data/README.md). */
export const DEFAULT_TEXT = new URL('../../data/shakespeare.txt', import.meta.url).pathname;

/** Defaults: measured in docs/lstm.md on 2 CPU cores. */
export const DEFAULTS: Omit<LstmArgs, 'text'> = {
  embed: 32,
  hidden: 128,
  layers: 1,
  dropout: 0,
  seqLen: 64,
  batchSize: 32,
  steps: 600,
  lr: 3e-3,
  seed: 0,
  clip: 1,
  validFraction: 0.1,
  sampleLength: 400,
  temperature: 0.8,
  prompt: 'MENENIUS:\n',
};

/** The usage text printed by `--help` and after a usage error. */
export const USAGE = `Usage:
  pnpm lstm [--steps N] [--hidden N] [--layers N] [--embed N] [--dropout P] [--seq-len N]
            [--batch-size N] [--lr X] [--clip X] [--seed N] [--text FILE]
            [--sample-length N] [--temperature T] [--prompt TEXT]
      Train a character-level LSTM language model on a text (by default ${DEFAULTS.steps} Adam steps on
      the bundled Shakespeare), report the training and held-out loss, then sample text from it.`;

/** A command-line mistake: reported with the usage text, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const fromUserCwd = (p: string) => (isAbsolute(p) ? p : resolve(process.env.INIT_CWD ?? process.cwd(), p));

const NUMERIC = {
  steps: ['int', 1],
  hidden: ['int', 1],
  layers: ['int', 1],
  embed: ['int', 1],
  'seq-len': ['int', 1],
  'batch-size': ['int', 1],
  seed: ['int', 0],
  'sample-length': ['int', 0],
  dropout: ['real', 0],
  lr: ['real', 0],
  clip: ['real', 0],
  temperature: ['real', 0],
} as const;

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Parses `argv` (without node and the script path). `--help` yields `null`. */
export function parseLstmArgs(argv: readonly string[]): LstmArgs | null {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(NUMERIC).map((k) => [k, { type: 'string' as const }]));
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...options,
        help: { type: 'boolean', short: 'h' },
        text: { type: 'string' },
        prompt: { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return null;
  const out: LstmArgs = { ...DEFAULTS, text: DEFAULT_TEXT };
  for (const [name, [kind, min]] of Object.entries(NUMERIC)) {
    const text = values[name];
    if (typeof text !== 'string') continue;
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < min || (kind === 'int' && !Number.isInteger(v))) {
      throw new UsageError(
        `--${name} must be ${kind === 'int' ? 'an integer' : 'a number'} ≥ ${min}, got '${text}'.`,
      );
    }
    (out as unknown as Record<string, number>)[camel(name)] = v;
  }
  if (out.dropout >= 1) throw new UsageError(`--dropout must be below 1, got ${out.dropout}.`);
  if (out.temperature === 0) throw new UsageError('--temperature must be above 0.');
  if (typeof values.text === 'string') out.text = fromUserCwd(values.text);
  if (typeof values.prompt === 'string') out.prompt = values.prompt.replace(/\\n/g, '\n');
  return out;
}
