import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import type { Landscape } from "./types.js";

/** Number of coordinates of the default ill-conditioned quadratic. */
export const QUADRATIC50_DIM = 50;

/** The registry default a[i] = 10^(−2 + 4i/49): condition number 10⁴. */
export function quadratic50DefaultCoefficients(): number[] {
  return Array.from({ length: QUADRATIC50_DIM }, (_, i) => 10 ** (-2 + (4 * i) / 49));
}

/**
 * f(p) = ½ Σ aᵢ pᵢ², gradient aᵢ pᵢ, token for token as in `golden-trajectories.json`
 * (`a[i]*p[i]*p[i]` is `(a[i]*p[i])*p[i]`, summed left to right from s = 0).
 *
 * The coefficients are a parameter because the golden file carries the generator's exact doubles and
 * `Math.pow` may differ from C's `pow` in the last bit; the default is `quadratic50DefaultCoefficients()`.
 * Any positive coefficients and any length ≥ 1 are accepted; the start is pᵢ = 1 + i/50.
 */
export function createQuadratic50(a: readonly number[] = quadratic50DefaultCoefficients()): Landscape {
  if (!Array.isArray(a) || a.length === 0) {
    throw new InputTypeError(
      `quadratic50: coefficients must be a non-empty array of numbers, got ${show(a)}`,
    );
  }
  for (let i = 0; i < a.length; i++) {
    if (!(typeof a[i] === "number" && a[i] > 0 && Number.isFinite(a[i]))) {
      throw new InputRangeError(
        `quadratic50: coefficient a[${i}] must be a finite number > 0, got ${show(a[i])}`,
      );
    }
  }
  const coefficients = Float64Array.from(a);
  const dim = coefficients.length;
  let largest = 0;
  let smallest = Number.POSITIVE_INFINITY;
  for (const value of coefficients) {
    largest = Math.max(largest, value);
    smallest = Math.min(smallest, value);
  }
  return {
    id: "quadratic50",
    name: `Ill-conditioned quadratic (${dim} coordinates)`,
    formula: "0.5 * sum(a[i] * p[i]^2)",
    latex: "f(p) = \\tfrac12 \\sum_i a_i p_i^2",
    dim,
    f(p) {
      let s = 0;
      for (let i = 0; i < dim; i++) s = s + coefficients[i] * p[i] * p[i];
      return 0.5 * s;
    },
    grad(p, out) {
      for (let i = 0; i < dim; i++) out[i] = coefficients[i] * p[i];
    },
    domain: { x: [-2, 2], y: [-2, 2] },
    start: Array.from({ length: dim }, (_, i) => 1 + i / 50),
    minima: [{ point: new Array<number>(dim).fill(0), value: 0 }],
    note: `Condition number ${show(largest / smallest)} (largest / smallest coefficient). The domain is the window of the first two coordinates.`,
  };
}

/** The registry default (a[i] = 10^(−2 + 4i/49), 50 coordinates). */
export const quadratic50: Landscape = createQuadratic50();
