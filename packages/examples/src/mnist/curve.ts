/**
 * curve.svg: the training loss per batch (left) and the test accuracy per epoch (right), as a
 * hand-written SVG with no dependencies, readable in any browser.
 */

/** What the curve shows. */
export interface CurveData {
  /** Every batch's training loss, in order. */
  batchLosses: readonly number[];
  /** Batches per epoch, to place epoch ticks on the loss axis. */
  batchesPerEpoch: number;
  /** Test accuracy (0…1) after each epoch. */
  testAccuracy: readonly number[];
  /** A title, e.g. `MNIST mlp — 10 epochs`. */
  title: string;
}

const W = 420;
const H = 300;
const M = { left: 56, right: 16, top: 40, bottom: 44 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (v: number) => (Math.round(v * 10) / 10).toString();

/** Evenly spaced "nice" tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** Averages consecutive values so a long run draws at most `max` points and noise is smoothed. */
function downsample(values: readonly number[], max: number): { x: number; y: number }[] {
  const bucket = Math.max(1, Math.ceil(values.length / max));
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i < values.length; i += bucket) {
    const chunk = values.slice(i, i + bucket);
    points.push({ x: i + chunk.length / 2, y: chunk.reduce((a, b) => a + b, 0) / chunk.length });
  }
  return points;
}

interface Panel {
  x0: number;
  title: string;
  xLabel: string;
  yLabel: string;
  xRange: [number, number];
  yRange: [number, number];
  xTicks: { at: number; label: string }[];
  yFormat: (v: number) => string;
  series: { points: { x: number; y: number }[]; colour: string; dots: boolean }[];
}

function panel(p: Panel): string {
  const [x0, x1] = p.xRange;
  const [y0, y1] = p.yRange;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => p.x0 + M.left + ((x - x0) / (x1 - x0 || 1)) * pw;
  const sy = (y: number) => M.top + ph - ((y - y0) / (y1 - y0 || 1)) * ph;
  const parts: string[] = [];
  parts.push(
    `<text x="${f(p.x0 + M.left + pw / 2)}" y="24" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`,
  );
  for (const v of ticks(y0, y1)) {
    parts.push(
      `<line x1="${f(sx(x0))}" x2="${f(sx(x1))}" y1="${f(sy(v))}" y2="${f(sy(v))}" stroke="#e3e3e3"/>`,
      `<text x="${f(sx(x0) - 6)}" y="${f(sy(v) + 4)}" text-anchor="end">${esc(p.yFormat(v))}</text>`,
    );
  }
  for (const t of p.xTicks) {
    parts.push(
      `<line x1="${f(sx(t.at))}" x2="${f(sx(t.at))}" y1="${f(sy(y0))}" y2="${f(sy(y0) + 4)}" stroke="#555"/>`,
      `<text x="${f(sx(t.at))}" y="${f(sy(y0) + 17)}" text-anchor="middle">${esc(t.label)}</text>`,
    );
  }
  parts.push(
    `<rect x="${f(sx(x0))}" y="${f(sy(y1))}" width="${f(pw)}" height="${f(ph)}" fill="none" stroke="#555"/>`,
    `<text x="${f(p.x0 + M.left + pw / 2)}" y="${H - 8}" text-anchor="middle">${esc(p.xLabel)}</text>`,
    `<text transform="translate(${f(p.x0 + 14)} ${f(M.top + ph / 2)}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`,
  );
  for (const s of p.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((q, i) => `${i ? 'L' : 'M'}${f(sx(q.x))},${f(sy(q.y))}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.8"/>`);
    if (s.dots) {
      for (const q of s.points)
        parts.push(`<circle cx="${f(sx(q.x))}" cy="${f(sy(q.y))}" r="3" fill="${s.colour}"/>`);
    }
  }
  return parts.join('\n');
}

/** Renders the loss and accuracy curves as an SVG document. */
export function renderCurve(data: CurveData): string {
  const { batchLosses, batchesPerEpoch, testAccuracy } = data;
  const epochs = Math.max(
    testAccuracy.length,
    Math.ceil(batchLosses.length / Math.max(batchesPerEpoch, 1)),
    1,
  );
  const losses = downsample(batchLosses, 400);
  const lossMax = Math.max(...losses.map((p) => p.y), 1e-9);
  const epochTicks = Array.from({ length: epochs + 1 }, (_, e) => e).filter(
    (e) => epochs <= 10 || e % Math.ceil(epochs / 10) === 0,
  );
  const lossPanel = panel({
    x0: 0,
    title: 'training loss (cross-entropy)',
    xLabel: 'epoch',
    yLabel: 'loss',
    xRange: [0, epochs * batchesPerEpoch],
    yRange: [0, lossMax],
    xTicks: epochTicks.map((e) => ({ at: e * batchesPerEpoch, label: String(e) })),
    yFormat: (v) => String(v),
    series: [{ points: losses, colour: '#1f6fb4', dots: false }],
  });
  const acc = testAccuracy.map((a, i) => ({ x: i + 1, y: 100 * a }));
  const accLo = Math.min(...acc.map((p) => p.y), 99);
  const lo = Math.max(0, Math.floor(accLo - 1));
  const accPanel = panel({
    x0: W,
    title: 'test accuracy',
    xLabel: 'epoch',
    yLabel: 'accuracy (%)',
    xRange: [0, epochs],
    yRange: [lo, 100],
    xTicks: epochTicks.map((e) => ({ at: e, label: String(e) })),
    yFormat: (v) => `${v}%`,
    series: [{ points: acc, colour: '#d0562c', dots: true }],
  });
  const last = testAccuracy.at(-1);
  const caption = `${data.title}${last === undefined ? '' : ` — final test accuracy ${(100 * last).toFixed(2)}%`}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 24}" viewBox="0 0 ${2 * W} ${H + 24}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${lossPanel}
${accPanel}
<text x="${W}" y="${H + 16}" text-anchor="middle" fill="#333">${esc(caption)}</text>
</svg>
`;
}
