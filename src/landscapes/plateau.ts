import type { Landscape } from "./types.js";

/**
 * A Gaussian well in a plateau: f = 1 − exp(−(x² + y²)/2). Far from the origin the surface is flat and
 * the gradient r·exp(−r²/2) all but vanishes (≈ 4e-4 at the canonical start, r ≈ 4.3), so a method whose
 * step is proportional to the gradient stalls, while sign- or scale-invariant methods (Adam, Lion,
 * RMSprop) move at the speed of their learning rate.
 */
export const plateau: Landscape = {
  id: "plateau",
  name: "Plateau with a well",
  formula: "1 - exp(-(x^2 + y^2)/2)",
  latex: "f(x, y) = 1 - e^{-(x^2 + y^2)/2}",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    return 1 - Math.exp(-(x * x + y * y) / 2);
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const e = Math.exp(-(x * x + y * y) / 2);
    out[0] = x * e;
    out[1] = y * e;
  },
  domain: { x: [-5, 5], y: [-5, 5] },
  start: [-3.5, 2.5],
  minima: [{ point: [0, 0], value: 0 }],
  note: "f tends to 1 and ∇f to 0 as |(x, y)| grows: there is no other critical point.",
};
