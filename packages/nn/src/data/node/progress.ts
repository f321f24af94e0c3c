/** A terminal progress bar for training loops: steps, throughput, ETA and live metrics. */
import { checkOptions, type OptionKeys, TapegradError } from '@tapegrad/core';

/** Where a {@link ProgressBar} writes: `process.stderr` by default. */
export interface ProgressStream {
  /** Receives each redraw or line of the bar. */
  write(text: string): unknown;
  /** True for a terminal: the bar redraws in place. Otherwise it prints plain lines. */
  isTTY?: boolean;
  /** Terminal width in characters, when known. */
  columns?: number;
}

/** Options for a {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Number of steps (batches) to complete. */
  total: number;
  /** Text before the bar, e.g. `'epoch 1/5'`. */
  label?: string;
  /** What is counted for the rate, e.g. `'samples'`; the rate is omitted if `items` is never given. */
  unit?: string;
  /** `process.stderr` by default, so progress never mixes with results on stdout. */
  stream?: ProgressStream;
  /** Milliseconds between redraws on a terminal; 100 by default. */
  redrawMs?: number;
  /** Plain (non-terminal) output prints a line each time this fraction of the total passes; 0.1 by default. */
  plainEvery?: number;
  /** The clock in milliseconds (for tests); `performance.now` by default. */
  now?: () => number;
}

/** The state passed to {@link ProgressBar.update}. */
export interface ProgressState {
  /** Items (e.g. samples) processed so far in total, for the rate. */
  items?: number;
  /** Named values shown after the bar, e.g. `{ loss: '0.2412' }`. */
  metrics?: Record<string, string>;
}

const BAR_KEYS: OptionKeys<ProgressBarOptions> = {
  total: true,
  label: true,
  unit: true,
  stream: true,
  redrawMs: true,
  plainEvery: true,
  now: true,
};
const STATE_KEYS: OptionKeys<ProgressState> = { items: true, metrics: true };

const clock = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (v: number) => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
};

/**
 * A progress bar on stderr: `epoch 1/5 [█████·····] 469/938 loss 0.2412 · 5210 samples/s · ETA 0:42`.
 * On a terminal it redraws in place (throttled); otherwise (a pipe, a CI log) it prints a plain
 * line every 10 % of the way, so logs stay readable.
 */
export class ProgressBar {
  private readonly total: number;
  private readonly label: string;
  private readonly unit: string;
  private readonly stream: ProgressStream;
  private readonly redrawMs: number;
  private readonly plainEvery: number;
  private readonly now: () => number;
  private readonly start: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastPlainStep = -1;
  private lastLine = '';

  constructor(options: ProgressBarOptions) {
    options = checkOptions('ProgressBar', options, BAR_KEYS);
    if (typeof options.total !== 'number' || Number.isNaN(options.total)) {
      throw new TapegradError(
        'ProgressBar',
        `total must be a number of steps, got ${String(options.total)}.`,
      );
    }
    this.total = Math.max(0, options.total);
    this.label = options.label ?? '';
    this.unit = options.unit ?? 'items';
    this.stream = options.stream ?? process.stderr;
    this.redrawMs = options.redrawMs ?? 100;
    this.plainEvery = options.plainEvery ?? 0.1;
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
  }

  /** Seconds since the bar was created. */
  get elapsed(): number {
    return (this.now() - this.start) / 1000;
  }

  /** Reports that `completed` of `total` steps are done. Cheap to call every step. */
  update(completed: number, state?: ProgressState): void {
    state = checkOptions('ProgressBar.update', state, STATE_KEYS);
    const tty = this.stream.isTTY === true;
    if (tty) {
      const t = this.now();
      if (t - this.lastDraw < this.redrawMs && completed < this.total) return;
      this.lastDraw = t;
      this.lastLine = this.render(completed, state, true);
      const width = this.stream.columns ?? 100;
      this.stream.write(`\r${this.lastLine.slice(0, width - 1)}\x1b[K`);
      return;
    }
    const step = Math.floor(completed / Math.max(this.total, 1) / this.plainEvery);
    if (step > this.lastPlainStep || completed === this.total) {
      this.lastPlainStep = step;
      this.lastLine = this.render(completed, state, false);
      this.stream.write(`${this.lastLine}\n`);
    }
  }

  /** Ends the bar: on a terminal, redraws it complete with `state` and moves to a new line. */
  finish(state?: ProgressState): void {
    state = checkOptions('ProgressBar.finish', state, STATE_KEYS);
    if (this.stream.isTTY === true) {
      this.lastDraw = Number.NEGATIVE_INFINITY;
      this.update(this.total, state);
      this.stream.write('\n');
    } else if (this.lastPlainStep < Math.floor(1 / this.plainEvery)) {
      this.stream.write(`${this.render(this.total, state, false)}\n`);
      this.lastPlainStep = Math.floor(1 / this.plainEvery);
    }
  }

  /** The line for `completed` steps (exposed for tests and custom output). */
  render(completed: number, state: ProgressState, bar: boolean): string {
    state = checkOptions('ProgressBar.render', state, STATE_KEYS);
    const seconds = this.elapsed;
    const fraction = this.total === 0 ? 1 : Math.min(1, completed / this.total);
    const count = `${completed}/${this.total}`;
    const tail: string[] = [];
    for (const [name, value] of Object.entries(state.metrics ?? {})) tail.push(`${name} ${value}`);
    if (state.items !== undefined && seconds > 0)
      tail.push(`${Math.round(state.items / seconds)} ${this.unit}/s`);
    const eta = completed > 0 ? (seconds * (this.total - completed)) / completed : Number.POSITIVE_INFINITY;
    tail.push(completed >= this.total ? `${clock(seconds)} elapsed` : `ETA ${clock(eta)}`);
    const head = this.label ? [this.label] : [];
    if (!bar) return [...head, `${count} (${Math.round(100 * fraction)}%)`, ...tail].join(' · ');
    // The bar takes what the terminal width leaves, so the line never wraps.
    const text = [...head, count, ...tail].join(' · ').length;
    const cells = Math.max(5, Math.min(30, (this.stream.columns ?? 100) - text - 4));
    const filled = Math.round(fraction * cells);
    const meter = `[${'█'.repeat(filled)}${'·'.repeat(cells - filled)}] ${count}`;
    return [...head, meter, ...tail].join(' · ');
  }
}
