/**
 * Special functions in float64, each computed the way that stays accurate and never overflows at
 * large magnitudes. The per-element rules (`rules.ts`), and through them Scalar and the float64
 * tensor kernels, use these; nothing else defines them.
 */

/** The logistic sigmoid 1/(1 + e^−x), evaluated on the side where the exponential cannot overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^(βx))/β, and exactly x where βx > threshold (PyTorch's rule), without overflow. */
export function softplus(x: number, beta: number, threshold: number): number {
  const bx = x * beta;
  return bx > threshold ? x : (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / beta;
}

/** √(2/π), the scale inside the tanh approximation of GELU. */
export const GELU_TANH_SCALE = Math.sqrt(2 / Math.PI);
/** The cubic coefficient of the tanh approximation of GELU. */
export const GELU_TANH_CUBIC = 0.044715;

/** GELU, x·Φ(x) with Φ the standard normal distribution function. */
export const gelu = (x: number): number => 0.5 * x * (1 + erf(x * Math.SQRT1_2));

/** GELU's tanh approximation, `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))`. */
export const geluTanh = (x: number): number =>
  0.5 * x * (1 + Math.tanh(GELU_TANH_SCALE * (x + GELU_TANH_CUBIC * x * x * x)));

/**
 * The error function, to float64 precision: W. J. Cody's rational Chebyshev approximations
 * (max relative error below 1e-16 on each interval).
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const num =
      (((0.185777706184603152673 * t + 3.161123743870565596947) * t + 113.864154151050156) * t +
        377.485237685302021) *
        t +
      3209.37758913846947;
    const den =
      (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t +
      2844.23683343917062;
    return (x * num) / den;
  }
  const erfc = ax < 4 ? erfcMid(ax) : erfcLarge(ax);
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** The complementary error function 1 − erf(x), without cancellation in the tail (Cody's intervals). */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) return 1 - erf(x);
  const tail = ax < 4 ? erfcMid(ax) : erfcLarge(ax);
  return x > 0 ? tail : 2 - tail;
}

function erfcMid(x: number): number {
  const num =
    (((((((2.15311535474403846e-8 * x + 0.564188496988670089) * x + 8.88314979438837594) * x +
      66.1191906371416295) *
      x +
      298.635138197400131) *
      x +
      881.95222124176909) *
      x +
      1712.04761263407058) *
      x +
      2051.07837782607147) *
      x +
    1230.33935479799725;
  const den =
    (((((((x + 15.7449261107098347) * x + 117.693950891312499) * x + 537.181101862009858) * x +
      1621.38957456669019) *
      x +
      3290.79923573345963) *
      x +
      4362.61909014324716) *
      x +
      3439.36767414372164) *
      x +
    1230.33935480374942;
  return Math.exp(-x * x) * (num / den);
}

function erfcLarge(x: number): number {
  const z = 1 / (x * x);
  const num =
    ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z +
      0.125781726111229246) *
      z +
      0.0160837851487422766) *
      z +
    0.000658749161529837803;
  const den =
    ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 0.527905102951428412) * z +
      0.0605183413124413191) *
      z +
    0.00233520497626869185;
  const r = (z * num) / den;
  return (Math.exp(-x * x) / x) * (0.5641895835477563 - r);
}
