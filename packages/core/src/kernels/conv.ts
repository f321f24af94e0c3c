/** im2col / col2im for 2-D convolution (NCHW), so conv2d runs as matmuls. */
type Arr = Float32Array | Float64Array;

/** Geometry of one conv2d or pooling window walk. */
export interface ConvGeometry {
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  oh: number;
  ow: number;
}

/**
 * The output columns `[j0, j1)` whose input column `j·stride − pad + kj` lies inside `[0, w)`:
 * outside them the window reads padding.
 */
function inside(kj: number, stride: number, pad: number, w: number, ow: number): [number, number] {
  const j0 = Math.min(ow, Math.max(0, Math.ceil((pad - kj) / stride)));
  const j1 = Math.max(j0, Math.min(ow, Math.floor((w - 1 + pad - kj) / stride) + 1));
  return [j0, j1];
}

/**
 * Unfolds image `n` of `x` (`[N, C, H, W]`) into a `[C·KH·KW, OH·OW]` block of `cols` starting at
 * `at`, rows `ld` apart: column `(i, j)` holds the receptive field of output pixel `(i, j)`,
 * zeros where the window hangs over padding. With `at = n·OH·OW` and `ld = N·OH·OW` the images
 * of a batch sit side by side, as one matrix product wants them.
 */
export function im2col(x: Arr, n: number, g: ConvGeometry, cols: Arr, at: number, ld: number): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const xc = (n * c + ch) * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, r++) {
        const rowOff = at + r * ld;
        const [j0, j1] = inside(kj, sw, pw, w, ow);
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + ki;
          const o = rowOff + i * ow;
          if (y < 0 || y >= h) {
            cols.fill(0, o, o + ow);
            continue;
          }
          const xr = xc + y * w - pw + kj;
          for (let j = 0; j < j0; j++) cols[o + j] = 0;
          for (let j = j0; j < j1; j++) cols[o + j] = x[xr + j * sw]!;
          for (let j = j1; j < ow; j++) cols[o + j] = 0;
        }
      }
    }
  }
}

/**
 * The adjoint of {@link im2col}: adds the block of `cols` at `at` (rows `ld` apart) back into
 * image `n` of `dx` (overlaps accumulate).
 */
export function col2im(cols: Arr, at: number, ld: number, n: number, g: ConvGeometry, dx: Arr): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const xc = (n * c + ch) * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, r++) {
        const rowOff = at + r * ld;
        const [j0, j1] = inside(kj, sw, pw, w, ow);
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + ki;
          if (y < 0 || y >= h) continue;
          const xr = xc + y * w - pw + kj;
          const o = rowOff + i * ow;
          for (let j = j0; j < j1; j++) dx[xr + j * sw] = dx[xr + j * sw]! + cols[o + j]!;
        }
      }
    }
  }
}

/**
 * Max pooling over `[N, C, H, W]`: `out` gets each window's maximum and `argmax` its flat position
 * in `x` (the first in scan order on ties, as PyTorch). Padding counts as −Infinity.
 */
export function maxPool2d(x: Arr, batch: number, g: ConvGeometry, out: Arr, argmax: Int32Array): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  let o = 0;
  for (let plane = 0; plane < batch * c; plane++) {
    const base = plane * h * w;
    for (let i = 0; i < oh; i++) {
      const y0 = i * sh - ph;
      const ki0 = Math.max(0, -y0);
      const ki1 = Math.min(kh, h - y0);
      for (let j = 0; j < ow; j++, o++) {
        const x0 = j * sw - pw;
        const kj0 = Math.max(0, -x0);
        const kj1 = Math.min(kw, w - x0);
        // Seeded with the window's first element, so the scan needs one comparison per element.
        let at = base + (y0 + ki0) * w + x0 + kj0;
        let best = x[at]!;
        for (let ki = ki0; ki < ki1; ki++) {
          const row = base + (y0 + ki) * w + x0;
          for (let kj = kj0; kj < kj1; kj++) {
            const v = x[row + kj]!;
            if (v > best) {
              best = v;
              at = row + kj;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}
