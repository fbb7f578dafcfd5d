import type { Landscape } from "./types.js";

/** The three roots of 4t³ − 32t + 5 = 0 (where d/dt of t⁴ − 16t² + 5t vanishes), by Newton in float64. */
export const STYBLINSKI_TANG_ROOTS = {
  /** The global minimiser of each coordinate. */
  low: -2.9035340277711774,
  /** The local maximiser of each coordinate. */
  middle: 0.1567312567803401,
  /** The local minimiser of each coordinate. */
  high: 2.746802770990837,
} as const;

function term(t: number): number {
  return t * t * t * t - 16 * t * t + 5 * t;
}

const { low, middle, high } = STYBLINSKI_TANG_ROOTS;
const point = (x: number, y: number) => ({ point: [x, y], value: 0.5 * (term(x) + term(y)) });

/** The Styblinski–Tang function in 2D: ½ Σ (tᵢ⁴ − 16tᵢ² + 5tᵢ). */
export const styblinskiTang: Landscape = {
  id: "styblinski-tang",
  name: "Styblinski–Tang",
  formula: "(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2",
  latex: "f(x, y) = \\tfrac12\\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\\right)",
  dim: 2,
  f(p) {
    return 0.5 * (term(p[0]) + term(p[1]));
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    out[0] = 0.5 * (4 * x * x * x - 32 * x + 5);
    out[1] = 0.5 * (4 * y * y * y - 32 * y + 5);
  },
  domain: { x: [-5, 5], y: [-5, 5] },
  start: [4.5, 4],
  minima: [point(low, low), point(low, high), point(high, low), point(high, high)],
  saddles: [point(low, middle), point(middle, low), point(high, middle), point(middle, high)],
  maxima: [point(middle, middle)],
  note: "Styblinski & Tang (1990). Each coordinate is separable; critical points combine the roots of 4t³ − 32t + 5.",
};
