import type { Landscape } from "./types.js";

/** Rosenbrock's banana valley (a = 1, b = 100), token for token as in `golden-trajectories.json`. */
export const rosenbrock: Landscape = {
  id: "rosenbrock",
  name: "Rosenbrock",
  formula: "(1 - x)^2 + 100*(y - x^2)^2",
  latex: "f(x, y) = (1 - x)^2 + 100\\,(y - x^2)^2",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const a = 1 - x;
    const b = y - x * x;
    return a * a + 100 * (b * b);
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const a = 1 - x;
    const b = y - x * x;
    out[0] = -2 * a - 400 * x * b;
    out[1] = 200 * b;
  },
  domain: { x: [-2, 2], y: [-1, 3] },
  start: [-1.5, 2],
  minima: [{ point: [1, 1], value: 0 }],
  note: "Rosenbrock (1960). The minimum lies at the end of a long, flat, curved valley.",
};
