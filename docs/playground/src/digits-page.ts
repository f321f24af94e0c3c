/**
 * (b) Draw a digit: the MNIST model that `pnpm start` trained (its model.json, shipped by the
 * build as `mnist-model.js`) classifies the drawing live and shows the ten class probabilities.
 */
import { fromTypedArray, noGrad } from '@tapegrad/core';
import type { TensorJSON } from '@tapegrad/nn';
import { type Architecture, buildModel, layoutOf } from '../../../packages/examples/src/mnist/models.js';
import { byId, context2d } from './dom.js';
import { toMnistPixels } from './mnist-pixels.js';

/** The parts of model.json (a tapegrad state file) this page uses. */
interface ModelFile {
  metadata: {
    architecture: Architecture;
    normalization: { mean: number; std: number };
    training?: { epochs?: number; history?: { testAccuracy?: number }[] };
  };
  model: Record<string, TensorJSON>;
}

const globals = globalThis as unknown as {
  tapegradMnistModel?: ModelFile;
  tapegradMnistModelSource?: string;
};
const file = globals.tapegradMnistModel;
if (file === undefined)
  throw new Error('mnist-model.js did not load: build the playground with `pnpm playground`');
const { architecture, normalization, training } = file.metadata;
const model = buildModel(architecture);
model.loadStateDict(file.model);
model.eval();
const shape = layoutOf(architecture) === 'flat' ? [1, 784] : [1, 1, 28, 28];

const pad = byId<HTMLCanvasElement>('pad');
const padCtx = context2d(pad);
const seen = byId<HTMLCanvasElement>('seen');

function describeModel(): string {
  const a = architecture;
  const layers =
    a.kind === 'mlp' ? `MLP 784 → ${a.hidden.join(' → ')} → 10` : `CNN, channels ${a.channels.join(', ')}`;
  const last = training?.history?.at(-1)?.testAccuracy;
  const acc =
    last === undefined
      ? ''
      : `, ${(100 * last).toFixed(1)} % test accuracy after ${training?.epochs} epoch(s)`;
  return `Model: ${layers} (${globals.tapegradMnistModelSource ?? 'model.json'}${acc}).`;
}

/** Class probabilities of the drawing, or null when nothing is drawn. */
function classify(): number[] | null {
  const pixels = toMnistPixels(pad, seen);
  if (pixels === null) return null;
  const { mean, std } = normalization;
  return noGrad(() => {
    const x = fromTypedArray(pixels, shape).sub(mean).div(std);
    return Array.from(model.call(x).softmax(-1).data);
  });
}

function show(probabilities: number[] | null): void {
  const prediction = byId('prediction');
  const bars = byId('bars');
  bars.replaceChildren();
  const best = probabilities === null ? -1 : probabilities.indexOf(Math.max(...probabilities));
  prediction.textContent = best < 0 ? '' : String(best);
  prediction.dataset.digit = best < 0 ? '' : String(best);
  for (let d = 0; d < 10; d++) {
    const p = probabilities?.[d] ?? 0;
    const label = document.createElement('span');
    label.textContent = String(d);
    const track = document.createElement('div');
    const bar = document.createElement('div');
    bar.className = d === best ? 'bar top' : 'bar';
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    track.append(bar);
    const value = document.createElement('span');
    value.className = 'status';
    value.dataset.probability = String(p);
    value.textContent = `${(100 * p).toFixed(1)} %`;
    bars.append(label, track, value);
  }
}

let pending = false;
/** Classifies at most once per frame while the pen moves. */
function scheduleClassify(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    show(classify());
  });
}

function clear(): void {
  padCtx.fillStyle = 'black';
  padCtx.fillRect(0, 0, pad.width, pad.height);
  context2d(seen).clearRect(0, 0, seen.width, seen.height);
  show(null);
}

let last: [number, number] | null = null;
function penAt(e: PointerEvent): [number, number] {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
}
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  last = penAt(e);
});
pad.addEventListener('pointermove', (e) => {
  if (last === null) return;
  const next = penAt(e);
  // MNIST strokes are 2–3 pixels wide at 28×28: about 22 here.
  padCtx.strokeStyle = 'white';
  padCtx.lineWidth = 22;
  padCtx.lineCap = 'round';
  padCtx.beginPath();
  padCtx.moveTo(...last);
  padCtx.lineTo(...next);
  padCtx.stroke();
  last = next;
  scheduleClassify();
});
for (const end of ['pointerup', 'pointercancel'] as const) {
  pad.addEventListener(end, () => {
    last = null;
    scheduleClassify();
  });
}
byId('clear').addEventListener('click', clear);
byId('model-info').textContent = describeModel();
clear();
