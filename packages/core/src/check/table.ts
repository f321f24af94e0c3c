/** Text helpers shared by the verification reports: number formatting and aligned tables. */

/**
 * A number with `digits` significant digits and no trailing zeros: `0.2090716728`, `0.25`,
 * `-1.8e-7`. Ten digits by default, enough to compare against a textbook's nine decimals.
 */
export function fmtNum(v: number, digits = 10): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return String(Number(v.toPrecision(digits)));
}

/** An error magnitude: `3.1e-11`, or `0`. */
export const fmtErr = (v: number): string =>
  v === 0 ? '0' : Number.isFinite(v) ? v.toExponential(1) : String(v);

/** A tolerance or step: `1e-6`, `2.5e-4`, `0`. */
export const fmtTol = (v: number): string => (v === 0 ? '0' : v.toExponential().replace('e+', 'e'));

/** Left-aligned columns separated by two spaces, each line indented by `indent`. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  indent = '  ',
): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${indent}${cells.map((s, c) => s.padEnd(widths[c] ?? 0)).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}
