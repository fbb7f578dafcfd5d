/** A point of a landscape and the value of the function there. */
export interface CriticalPoint {
  readonly point: readonly number[];
  readonly value: number;
  /**
   * True when the point was located numerically by optlab (a grid search and Newton polish for
   * user formulas) rather than taken from a closed form or the literature.
   */
  readonly approximate?: boolean;
}

/** The plotting window of a 2D landscape (for `dim > 2`, the window of the first two coordinates). */
export interface Domain {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/**
 * A test function for optimizers: its value, its exact gradient and what is known about it.
 *
 * `f` and `grad` read `p[0..dim-1]`; `grad` writes `out[0..dim-1]` and allocates nothing, so a
 * trajectory of thousands of steps creates no garbage. Both are plain floating-point code with no
 * `node:` or DOM dependency (they run in the browser and in workers too).
 */
export interface Landscape {
  /** Lowercase id shared by the table, the CLI and URLs, e.g. `"rosenbrock"`; `"formula"` for user formulas. */
  readonly id: string;
  /** Display name, e.g. "Rosenbrock". */
  readonly name: string;
  /** The function in plain text as a user would type it (parseable by `landscapeFromFormula` when `dim` is 2). */
  readonly formula: string;
  /** The same function in LaTeX, for KaTeX. */
  readonly latex: string;
  /** Number of coordinates. */
  readonly dim: number;
  f(p: ArrayLike<number>): number;
  grad(p: ArrayLike<number>, out: Float64Array | Float32Array): void;
  /** The natural plotting window. */
  readonly domain: Domain;
  /** The canonical start of trajectories. */
  readonly start: readonly number[];
  /** Known global and local minima (global first). Empty when none is known or the function has none. */
  readonly minima: readonly CriticalPoint[];
  readonly saddles?: readonly CriticalPoint[];
  readonly maxima?: readonly CriticalPoint[];
  /** True when f has no lower bound (a trajectory may run away to −∞). */
  readonly unboundedBelow?: boolean;
  /** Anything a reader must know: where a formula comes from, windows used by figures, caveats. */
  readonly note?: string;
}
