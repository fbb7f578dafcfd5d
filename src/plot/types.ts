/**
 * Plain data that figures draw. The plotting layer knows nothing about optimizers or landscapes:
 * the lab turns its runs into these shapes, so figures can be tested on hand-made data.
 */

/** Values of f sampled on a regular grid: `values[j * nx + i]` is f(x_i, y_j), row j at y_j. */
export interface ScalarGrid {
  /** Extent of the sampled rectangle (cell edges, as Plot's raster marks expect). */
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  readonly nx: number;
  readonly ny: number;
  readonly values: Float64Array;
}

/** Where a run stopped being a number worth drawing. */
export interface DivergenceMark {
  /** The first step whose iterate or loss was non-finite or beyond the divergence bound. */
  readonly step: number;
}

/** A 2D path: iterates x_0 … x_k of one optimizer run. */
export interface PathSeries {
  /** Legend text, e.g. "SGD lr=0.95". */
  readonly label: string;
  /** Panel title when each series gets its own panel (defaults to the label). */
  readonly panel?: string;
  /** Iterates as [x, y] pairs; may contain non-finite values after divergence. */
  readonly points: readonly (readonly [number, number])[];
  readonly divergence?: DivergenceMark | null;
}

/** Per-step values of one run: loss f(x_k) and distance to the nearest minimum. */
export interface StepSeries {
  readonly label: string;
  /** values[k] at step k; non-finite values after divergence are cut. */
  readonly values: readonly number[];
  /** Steps before this one are not drawn (e.g. a difference that is 0 at the shared start). */
  readonly firstStep?: number;
  readonly divergence?: DivergenceMark | null;
}

/** A rectangle in data coordinates. */
export interface Window {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/** A point to mark on a 2D plot (a minimum, a start). */
export interface MarkedPoint {
  readonly x: number;
  readonly y: number;
  readonly label?: string;
}
