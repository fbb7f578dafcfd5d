import type { Landscape } from "./types.js";

/**
 * f = x² + y² + y³ + xy, the cubic optlab names after the nndl course material (Qiu Xipeng, "Neural
 * Networks and Deep Learning"; the exact page was not checked). ∇f = (2x + y, x + 2y + 3y²) vanishes where x = −y/2 and y(3/2 + 3y) = 0, i.e.
 * at (0, 0) — Hessian [[2, 1], [1, 2]], a local minimum, f = 0 — and at (1/4, −1/2) — Hessian
 * [[2, 1], [1, −1]], determinant −3, a saddle, f = 1/16 + 1/4 − 1/8 − 1/8 = 1/16. The y³ term makes f
 * unbounded below as y → −∞, so there is no global minimum.
 */
export const nndl: Landscape = {
  id: "nndl",
  name: "Cubic with a saddle (nndl)",
  formula: "x^2 + y^2 + y^3 + x*y",
  latex: "f(x, y) = x^2 + y^2 + y^3 + xy",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    return x * x + y * y + y * y * y + x * y;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    out[0] = 2 * x + y;
    out[1] = x + 2 * y + 3 * y * y;
  },
  domain: { x: [-1.5, 1.5], y: [-1.5, 1.5] },
  start: [-1, 1],
  minima: [{ point: [0, 0], value: 0 }],
  saddles: [{ point: [0.25, -0.5], value: 0.0625 }],
  unboundedBelow: true,
  note: "(0, 0) is a local minimum only: below the saddle (1/4, −1/2) trajectories run away to −∞. From the start (−1, 1), SGD (lr 0.1), AdaGrad (lr 0.3), RMSprop (lr 0.02) and Adam (lr 0.05) settle in (0, 0) within 300 steps while momentum and Nesterov (lr 0.05, momentum 0.9) overshoot past the saddle and escape.",
};
