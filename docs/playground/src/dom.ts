/** Small DOM helpers shared by the playground pages. */

/** The element with this id; throws naming it if the page lacks it. */
export function byId<T extends HTMLElement | SVGElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as unknown as T;
}

/** A 2-D context of a canvas. */
export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw new Error('no 2-D canvas context');
  return ctx;
}

/** A number with `digits` significant digits, without trailing noise (0.0004252, −0.01838). */
export const fmt = (x: number, digits = 4): string => Number(x.toPrecision(digits)).toString();
