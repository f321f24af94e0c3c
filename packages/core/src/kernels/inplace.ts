/** In-place update kernels (optimizer steps, gradient accumulation). `x` of length 1 broadcasts. */
type Arr = Float32Array | Float64Array | Int32Array;

/** `out += alpha · x`. */
export function axpy(out: Arr, x: Arr, alpha: number): void {
  if (x.length === 1) {
    const v = alpha * x[0]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + v;
  } else for (let i = 0; i < out.length; i++) out[i] = out[i]! + alpha * x[i]!;
}

/** `out *= x`. */
export function scale(out: Arr, x: Arr): void {
  if (x.length === 1) {
    const v = x[0]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * v;
  } else for (let i = 0; i < out.length; i++) out[i] = out[i]! * x[i]!;
}

/** `out /= x`. */
export function divide(out: Arr, x: Arr): void {
  if (x.length === 1) {
    const v = x[0]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / v;
  } else for (let i = 0; i < out.length; i++) out[i] = out[i]! / x[i]!;
}

/** `out += value · a · b`. */
export function addcmul(out: Arr, a: Arr, b: Arr, value: number): void {
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + value * a[i]! * b[i]!;
}

/** `out += value · a / b`. */
export function addcdiv(out: Arr, a: Arr, b: Arr, value: number): void {
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + (value * a[i]!) / b[i]!;
}

/** `out = x` (x of length 1 fills). */
export function assign(out: Arr, x: Arr): void {
  if (x.length === 1) out.fill(x[0]!);
  else out.set(x);
}

/** `out /= d` for a single number `d`. */
export function divideBy(out: Arr, d: number): void {
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / d;
}
