import type { Landscape } from "./types.js";

/** Booth's function: a tilted, mildly ill-conditioned quadratic (Hessian eigenvalues 2 and 18). */
export const booth: Landscape = {
  id: "booth",
  name: "Booth",
  formula: "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
  latex: "f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
  dim: 2,
  f(p) {
    const a = p[0] + 2 * p[1] - 7;
    const b = 2 * p[0] + p[1] - 5;
    return a * a + b * b;
  },
  grad(p, out) {
    const a = p[0] + 2 * p[1] - 7;
    const b = 2 * p[0] + p[1] - 5;
    out[0] = 2 * a + 4 * b;
    out[1] = 4 * a + 2 * b;
  },
  domain: { x: [-10, 10], y: [-10, 10] },
  start: [-8, -6],
  minima: [{ point: [1, 3], value: 0 }],
};
