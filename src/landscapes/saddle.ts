import type { Landscape } from "./types.js";

/** The saddle x² − y², token for token as in `golden-trajectories.json`. */
export const saddle: Landscape = {
  id: "saddle",
  name: "Saddle",
  formula: "x^2 - y^2",
  latex: "f(x, y) = x^2 - y^2",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    return x * x - y * y;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    out[0] = 2 * x;
    out[1] = -2 * y;
  },
  domain: { x: [-2.5, 2.5], y: [-2.5, 2.5] },
  start: [-2, 0.001],
  minima: [],
  saddles: [{ point: [0, 0], value: 0 }],
  unboundedBelow: true,
  note: "Starts just off the ridge y = 0: methods escape the saddle at different speeds, then fall to −∞ along y.",
};
