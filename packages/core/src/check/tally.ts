/** The bookkeeping of a gradient check: each comparison, the worst ones, the extremes. */
import type { GradcheckEntry, NondeterministicEntry } from './report.js';

/** Keeps the `keep` worst entries without holding every compared element. */
class WorstList {
  private items: { e: GradcheckEntry; badness: number }[] = [];
  constructor(private readonly keep: number) {}
  add(e: GradcheckEntry, badness: number): void {
    this.items.push({ e, badness });
    if (this.items.length > 4 * this.keep + 16) this.trim();
  }
  result(): GradcheckEntry[] {
    this.trim();
    return this.items.map((x) => x.e);
  }
  private trim(): void {
    this.items.sort((a, b) => b.badness - a.badness);
    this.items.length = Math.min(this.items.length, this.keep);
  }
}

/** An entry to compare: where it is, and the two numbers. */
export type Comparison = Omit<GradcheckEntry, 'absError' | 'relError' | 'ok'>;

/** Counts, extremes and the worst entries of one check. */
export class Tally {
  checked = 0;
  failed = 0;
  maxAbsError = 0;
  maxRelError = 0;
  readonly nondeterministic: NondeterministicEntry[] = [];
  private readonly worst: WorstList;

  constructor(
    private readonly atol: number,
    private readonly rtol: number,
    maxWorst: number,
  ) {
    this.worst = new WorstList(maxWorst);
  }

  /**
   * Compares analytic against numeric within `atol · tolScale + rtol · magnitude` (magnitude
   * defaults to |numeric|); non-finite values always fail.
   */
  compare(entry: Comparison, tolScale = 1, magnitude?: number): void {
    const { analytic, numeric } = entry;
    const absError = Math.abs(analytic - numeric);
    // Relative to the larger magnitude, floored at atol so that noise around zero reads as small.
    const relError =
      absError === 0 ? 0 : absError / Math.max(Math.abs(analytic), Math.abs(numeric), this.atol);
    const bound = this.atol * tolScale + this.rtol * (magnitude ?? Math.abs(numeric));
    const finite = Number.isFinite(analytic) && Number.isFinite(numeric);
    const ok = absError <= bound && finite;
    this.checked++;
    if (!ok) this.failed++;
    this.maxAbsError = Math.max(this.maxAbsError, Number.isNaN(absError) ? Infinity : absError);
    this.maxRelError = Math.max(this.maxRelError, Number.isNaN(relError) ? Infinity : relError);
    // Rank by how far past its tolerance an entry is, so the worst offenders are listed first.
    const badness = !finite ? Infinity : bound > 0 ? absError / bound : absError > 0 ? Infinity : 0;
    this.worst.add({ ...entry, absError, relError, ok }, badness);
  }

  /** The worst entries, failing ones first. */
  worstEntries(): GradcheckEntry[] {
    return this.worst.result();
  }
}
