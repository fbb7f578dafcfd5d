import type { Landscape } from "./types.js";

/** Beale's function, token for token as in `golden-trajectories.json`. */
export const beale: Landscape = {
  id: "beale",
  name: "Beale",
  formula: "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
  latex: "f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const y2 = y * y;
    const y3 = y2 * y;
    const t1 = 1.5 - x + x * y;
    const t2 = 2.25 - x + x * y2;
    const t3 = 2.625 - x + x * y3;
    return t1 * t1 + t2 * t2 + t3 * t3;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const y2 = y * y;
    const y3 = y2 * y;
    const t1 = 1.5 - x + x * y;
    const t2 = 2.25 - x + x * y2;
    const t3 = 2.625 - x + x * y3;
    out[0] = 2 * t1 * (y - 1) + 2 * t2 * (y2 - 1) + 2 * t3 * (y3 - 1);
    out[1] = 2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y2;
  },
  domain: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
  start: [1, 1.5],
  minima: [{ point: [3, 0.5], value: 0 }],
  // At (0, 1): every tᵢ factor of ∂f/∂x is multiplied by (yⁱ − 1) = 0 and ∂f/∂y by x = 0;
  // the Hessian there is [[0, 27.75], [27.75, 0]], so it is a saddle with f = 1.5² + 2.25² + 2.625².
  // A second saddle located by Newton's method in float64.
  saddles: [
    { point: [0, 1], value: 14.203125 },
    { point: [0.10053793732415847, -2.644513585023124], value: 9.86451228475556 },
  ],
  note: "Beale (1958). Steep walls near the corners of [-4.5, 4.5]², a flat valley towards (3, 0.5).",
};
