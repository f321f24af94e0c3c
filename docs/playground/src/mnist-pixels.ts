/**
 * A drawing turned into an MNIST-like image, as MNIST's were made: the ink's bounding box scaled
 * (keeping its aspect ratio) into a 20×20 box, then placed in 28×28 so that its centre of mass sits
 * at the centre.
 */
import { context2d } from './dom.js';

/** Ink of each pixel in [0, 1] (the red channel of white-on-black). */
function ink(ctx: CanvasRenderingContext2D, width: number, height: number): Float32Array {
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i]! / 255;
  return out;
}

/** The bounding box of pixels with ink, or null if there are none. */
function boundingBox(values: Float32Array, width: number): [number, number, number, number] | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  values.forEach((v, i) => {
    if (v < 0.1) return;
    const [x, y] = [i % width, Math.floor(i / width)];
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  });
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/**
 * The 784 pixels in [0, 1] the model takes, drawn into `preview` (28×28) as well; null when the
 * pad is empty.
 */
export function toMnistPixels(pad: HTMLCanvasElement, preview: HTMLCanvasElement): Float32Array | null {
  const box = boundingBox(ink(context2d(pad), pad.width, pad.height), pad.width);
  if (box === null) return null;
  const [x, y, w, h] = box;
  const scale = 20 / Math.max(w, h);
  // First pass: scaled into the middle of 28×28, to find the centre of mass.
  const scratch = document.createElement('canvas');
  scratch.width = scratch.height = 28;
  const s = context2d(scratch);
  s.fillStyle = 'black';
  s.fillRect(0, 0, 28, 28);
  s.drawImage(pad, x, y, w, h, 14 - (w * scale) / 2, 14 - (h * scale) / 2, w * scale, h * scale);
  const first = ink(s, 28, 28);
  let [mass, cx, cy] = [0, 0, 0];
  first.forEach((v, i) => {
    mass += v;
    cx += v * (i % 28);
    cy += v * Math.floor(i / 28);
  });
  // Second pass: shifted so the centre of mass lands on the centre (13.5, 13.5 in pixel indices).
  const [dx, dy] = [13.5 - cx / mass, 13.5 - cy / mass];
  const p = context2d(preview);
  p.fillStyle = 'black';
  p.fillRect(0, 0, 28, 28);
  p.drawImage(scratch, dx, dy);
  return ink(p, 28, 28);
}
