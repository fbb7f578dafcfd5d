import type { Landscape } from "./types.js";

const TWO_PI = 2 * Math.PI;

/** Rastrigin's function in 2D (A = 10): a bowl covered by a lattice of cosine bumps. */
export const rastrigin: Landscape = {
  id: "rastrigin",
  name: "Rastrigin",
  formula: "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
  latex: "f(x, y) = 20 + x^2 - 10\\cos(2\\pi x) + y^2 - 10\\cos(2\\pi y)",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    return 20 + x * x - 10 * Math.cos(TWO_PI * x) + y * y - 10 * Math.cos(TWO_PI * y);
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    out[0] = 2 * x + 20 * Math.PI * Math.sin(TWO_PI * x);
    out[1] = 2 * y + 20 * Math.PI * Math.sin(TWO_PI * y);
  },
  domain: { x: [-5.12, 5.12], y: [-5.12, 5.12] },
  start: [-4.2, 3.7],
  minima: [{ point: [0, 0], value: 0 }],
  note: "Rastrigin (1974). Only the global minimum is listed; there is a local minimum near every integer point (i, j) of the window.",
};
