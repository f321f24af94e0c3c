/**
 * Whitening: decorrelates features and gives them unit variance, with the transform fitted on
 * training data. The symmetric eigendecomposition of the covariance comes from `ml-matrix`.
 */
import {
  checkOptions,
  fromTypedArray,
  noGrad,
  type OptionKeys,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { checkFitted, checkSamples } from './checks.js';

/** Options for a {@link Whitener}. */
export interface WhitenerOptions {
  /**
   * `'zca'` (the default) rotates back into the original feature axes after scaling, so
   * whitened images still look like images; `'pca'` keeps the principal axes, sorted by
   * decreasing variance, and can drop the weakest (`components`).
   */
  method?: 'zca' | 'pca';
  /**
   * Added to every eigenvalue before dividing by its square root: it bounds the amplification of
   * near-constant directions (and makes singular covariances usable). `1e-5` by default; the
   * whitened covariance is exactly the identity only with `0`.
   */
  epsilon?: number;
  /** PCA only: keep the `components` directions of largest variance (all by default). */
  components?: number;
}

const KEYS: OptionKeys<WhitenerOptions> = { method: true, epsilon: true, components: true };

/**
 * PCA or ZCA whitening. `fit(x)` on `[N, D]` training data computes the mean, the covariance
 * `C = Xcᵀ·Xc / (N − 1)` (the unbiased estimate, as `numpy.cov`) and its eigendecomposition
 * `C = E·diag(λ)·Eᵀ`; `transform` maps data through `W = E·diag(1/√(λ+ε))` (PCA) or
 * `W = E·diag(1/√(λ+ε))·Eᵀ` (ZCA) after centring, so that the training data's covariance becomes
 * the identity (for ε = 0). Statistics are computed in float64 whatever the input's dtype.
 *
 * @example
 * ```ts
 * const zca = new Whitener({ method: 'zca', epsilon: 1e-2 });
 * const xTrain = zca.fitTransform(train);  // [N, D]
 * const xTest = zca.transform(test);       // the training transform
 * ```
 */
export class Whitener {
  /** The fitted mean `[D]` (float64), or `null` before `fit`. */
  mean: Tensor | null = null;
  /** The fitted eigenvalues of the covariance, largest first `[D]` (float64), or `null`. */
  eigenvalues: Tensor | null = null;
  /** The fitted eigenvectors as columns, matching `eigenvalues` `[D, D]` (float64), or `null`. */
  eigenvectors: Tensor | null = null;
  private readonly method: 'zca' | 'pca';
  private readonly epsilon: number;
  private readonly components: number | undefined;
  private featureShape: readonly number[] | null = null;
  private forward: Tensor | null = null;
  private backward: Tensor | null = null;

  /** @throws TapegradError for an unknown method, a negative epsilon or a bad `components`. */
  constructor(options?: WhitenerOptions) {
    const { method = 'zca', epsilon = 1e-5, components } = checkOptions('Whitener', options, KEYS);
    if (method !== 'zca' && method !== 'pca') {
      throw new TapegradError('Whitener', `method must be 'zca' or 'pca', got '${String(method)}'.`);
    }
    if (!Number.isFinite(epsilon) || epsilon < 0) {
      throw new TapegradError('Whitener', `epsilon must be a finite number ≥ 0, got ${epsilon}.`);
    }
    if (components !== undefined && (method !== 'pca' || !Number.isInteger(components) || components < 1)) {
      throw new TapegradError(
        'Whitener',
        `components must be a positive integer and needs method 'pca', got ${components} with '${method}'.`,
      );
    }
    this.method = method;
    this.epsilon = epsilon;
    this.components = components;
  }

  /**
   * Learns the mean and the whitening matrix of `x` (`[N, D]`, N ≥ 2).
   *
   * @throws TapegradError if the covariance is singular (some direction has no variance) and
   *   `epsilon` is 0, or `components` exceeds D.
   */
  fit(x: Tensor): this {
    checkSamples('Whitener.fit', x, 2, 2);
    const [n, d] = [x.shape[0]!, x.shape[1]!];
    const k = this.components ?? d;
    if (k > d) {
      throw new TapegradError(
        'Whitener.fit',
        `components ${k} exceeds the ${d} features of shape [${n},${d}].`,
      );
    }
    noGrad(() => {
      const xd = x.double();
      const mean = xd.mean(0);
      const centred = xd.sub(mean);
      const cov = centred
        .transpose()
        .matmul(centred)
        .div(n - 1);
      const evd = new EigenvalueDecomposition(Matrix.from1DArray(d, d, cov.data), { assumeSymmetric: true });
      const values = evd.realEigenvalues;
      // Largest variance first, so PCA components are the leading columns.
      const order = Int32Array.from(values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!));
      const orderT = fromTypedArray(order, [d]);
      // Round-off can leave eigenvalues of a singular covariance slightly negative.
      const lambda = fromTypedArray(Float64Array.from(values), [d]).indexSelect(0, orderT).clamp(0);
      const vectors = fromTypedArray(Float64Array.from(evd.eigenvectorMatrix.to1DArray()), [
        d,
        d,
      ]).indexSelect(1, orderT);
      const kept = lambda.slice([[0, k]]);
      const scale = kept.add(this.epsilon);
      const smallest = scale.min().item();
      if (smallest <= 1e-12 * Math.max(lambda.max().item(), 1e-300)) {
        throw new TapegradError(
          'Whitener.fit',
          `the covariance of the [${n},${d}] data is singular (smallest kept eigenvalue ${kept.min().item()}), so some direction has no variance; pass epsilon > 0 (e.g. 1e-5 on data of unit scale)${this.method === 'pca' ? ' or fewer components' : ''}.`,
        );
      }
      const e = vectors.slice([null, [0, k]]);
      const whiten = e.mul(scale.pow(-0.5));
      const colour = e.mul(scale.sqrt());
      this.forward = this.method === 'pca' ? whiten : whiten.matmul(e.transpose());
      this.backward = this.method === 'pca' ? colour.transpose() : colour.matmul(e.transpose());
      this.mean = mean;
      this.eigenvalues = lambda;
      this.eigenvectors = vectors;
    });
    this.featureShape = [d];
    return this;
  }

  /** Centres `x` (`[M, D]`) with the fitted mean and applies the whitening matrix: `[M, D]`, or `[M, components]` for PCA. */
  transform(x: Tensor): Tensor {
    checkFitted('Whitener.transform', this.featureShape, x);
    return x.sub(this.mean!.to(x.dtype)).matmul(this.forward!.to(x.dtype));
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /**
   * Maps whitened data back to the original space. Exact for ZCA and full PCA; with fewer PCA
   * components it is the projection onto the kept directions.
   */
  inverseTransform(z: Tensor): Tensor {
    const width = this.backward?.shape[0];
    checkFitted('Whitener.inverseTransform', width === undefined ? null : [width], z);
    return z.matmul(this.backward!.to(z.dtype)).add(this.mean!.to(z.dtype));
  }
}
