/**
 * (c) The moons demo's page: starts the training worker (from a Blob, so the page also works
 * opened from disk), draws the decision boundary and the loss curve as progress arrives, and
 * passes the controls (learning rate, hidden width) to the worker.
 */
import { byId, context2d, fmt } from './dom.js';
import { type FromWorker, type ToWorker, VIEW } from './moons-protocol.js';

// The worker's bundled code, inlined by the build (scripts/build-playground.ts).
declare const __MOONS_WORKER__: string;

const worker = new Worker(URL.createObjectURL(new Blob([__MOONS_WORKER__], { type: 'text/javascript' })));
const send = (message: ToWorker) => worker.postMessage(message);

const COLORS = { 0: [47, 111, 223], 1: [217, 87, 43] } as const;
let points: number[][] = [];
let labels: number[] = [];
let losses: number[] = [];
let running = false;

const lrInput = byId<HTMLInputElement>('lr');
const hiddenSelect = byId<HTMLSelectElement>('hidden');
const runButton = byId<HTMLButtonElement>('run');
const status = byId('status');

function toCanvas(canvas: HTMLCanvasElement, px: number, py: number): [number, number] {
  return [
    ((px - VIEW.x0) / (VIEW.x1 - VIEW.x0)) * canvas.width,
    ((VIEW.y1 - py) / (VIEW.y1 - VIEW.y0)) * canvas.height,
  ];
}

/** The probability field as tinted cells, then the training points on top. */
function drawBoundary(grid: Float32Array): void {
  const canvas = byId<HTMLCanvasElement>('boundary');
  const ctx = context2d(canvas);
  const [cw, ch] = [canvas.width / VIEW.cells, canvas.height / VIEW.cells];
  for (let r = 0; r < VIEW.cells; r++) {
    for (let c = 0; c < VIEW.cells; c++) {
      const p = grid[r * VIEW.cells + c]!;
      const [a, b] = [COLORS[0], COLORS[1]];
      const mix = (i: 0 | 1 | 2) => Math.round(255 - 0.35 * (255 - (a[i] * (1 - p) + b[i] * p)));
      ctx.fillStyle = `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
      ctx.fillRect(c * cw, r * ch, cw + 0.5, ch + 0.5);
    }
  }
  points.forEach(([px, py], i) => {
    const [x, y] = toCanvas(canvas, px!, py!);
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${COLORS[labels[i] as 0 | 1].join(', ')})`;
    ctx.fill();
    ctx.strokeStyle = 'white';
    ctx.stroke();
  });
}

/** The loss of every step so far, on a log scale. */
function drawCurve(): void {
  const canvas = byId<HTMLCanvasElement>('curve');
  const ctx = context2d(canvas);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#5b6475';
  ctx.font = '12px system-ui';
  ctx.fillText('loss by step (log scale)', canvas.width / 2 - 60, 16);
  if (losses.length < 2) return;
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-6)));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const pad = 34;
  ctx.beginPath();
  logs.forEach((v, i) => {
    const x = pad + (i / (logs.length - 1)) * (canvas.width - 2 * pad);
    const y = pad + ((hi - v) / (hi - lo || 1)) * (canvas.height - 2 * pad);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.strokeStyle = '#2f6fdf';
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.fillText(fmt(losses[0]!, 3), 4, pad - 8);
  ctx.fillText(fmt(losses.at(-1)!, 3), canvas.width - 60, canvas.height - 8);
}

function showStatus(step: number, accuracy: number): void {
  const loss = losses.at(-1);
  status.textContent =
    loss === undefined
      ? 'not trained yet'
      : `step ${step} · loss ${fmt(loss, 4)} (first ${fmt(losses[0]!, 4)}) · accuracy ${(100 * accuracy).toFixed(0)} %`;
  status.dataset.step = String(step);
  status.dataset.loss = String(loss ?? '');
  status.dataset.firstLoss = String(losses[0] ?? '');
}

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if (m.type === 'data') {
    [points, labels, losses] = [m.points, m.labels, []];
  } else if (m.type === 'progress') {
    losses.push(...m.losses);
    drawBoundary(m.grid);
    drawCurve();
    showStatus(m.step, m.accuracy);
  } else {
    status.textContent = `error: ${m.message}`;
  }
});

function setRunning(on: boolean): void {
  running = on;
  runButton.textContent = on ? 'Pause' : 'Train';
  send({ type: on ? 'run' : 'pause' });
}

function reset(): void {
  if (running) setRunning(false);
  send({ type: 'reset', hidden: Number(hiddenSelect.value), lr: Number(lrInput.value), seed: 1 });
}

runButton.addEventListener('click', () => setRunning(!running));
byId('reset').addEventListener('click', reset);
hiddenSelect.addEventListener('change', reset);
lrInput.addEventListener('change', () => send({ type: 'lr', lr: Number(lrInput.value) }));
reset();
