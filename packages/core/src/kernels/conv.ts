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
 * Unfolds image `n` of `x` (`[N, C, H, W]`) into `cols` (`[C·KH·KW, OH·OW]`): column `(i, j)`
 * holds the receptive field of output pixel `(i, j)`, zeros where the window hangs over padding.
 */
export function im2col(x: Arr, n: number, g: ConvGeometry, cols: Arr): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const plane = oh * ow;
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const xc = (n * c + ch) * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, r++) {
        const rowOff = r * plane;
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + ki;
          const o = rowOff + i * ow;
          if (y < 0 || y >= h) {
            cols.fill(0, o, o + ow);
            continue;
          }
          const xr = xc + y * w;
          for (let j = 0; j < ow; j++) {
            const xx = j * sw - pw + kj;
            cols[o + j] = xx >= 0 && xx < w ? x[xr + xx]! : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of {@link im2col}: adds `cols` back into image `n` of `dx` (overlaps accumulate). */
export function col2im(cols: Arr, n: number, g: ConvGeometry, dx: Arr): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const plane = oh * ow;
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const xc = (n * c + ch) * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, r++) {
        const rowOff = r * plane;
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + ki;
          if (y < 0 || y >= h) continue;
          const xr = xc + y * w;
          const o = rowOff + i * ow;
          for (let j = 0; j < ow; j++) {
            const xx = j * sw - pw + kj;
            if (xx >= 0 && xx < w) dx[xr + xx] = dx[xr + xx]! + cols[o + j]!;
          }
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
      for (let j = 0; j < ow; j++, o++) {
        let best = -Infinity;
        let at = -1;
        for (let ki = 0; ki < kh; ki++) {
          const y = i * sh - ph + ki;
          if (y < 0 || y >= h) continue;
          for (let kj = 0; kj < kw; kj++) {
            const xx = j * sw - pw + kj;
            if (xx < 0 || xx >= w) continue;
            const v = x[base + y * w + xx]!;
            if (v > best || at < 0) {
              best = v;
              at = base + y * w + xx;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}
