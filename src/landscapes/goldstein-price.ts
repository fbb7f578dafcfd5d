import type { Landscape } from "./types.js";

/**
 * The Goldstein–Price function f = A·B with
 * A = 1 + u²·P, u = x + y + 1, P = 19 − 14x + 3x² − 14y + 6xy + 3y²,
 * B = 30 + w²·Q, w = 2x − 3y, Q = 18 − 32x + 12x² + 48y − 36xy + 27y².
 */
export const goldsteinPrice: Landscape = {
  id: "goldstein-price",
  name: "Goldstein–Price",
  formula:
    "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2)) * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
  latex:
    "f(x, y) = \\left[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\\right]\\left[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\\right]",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const u = x + y + 1;
    const w = 2 * x - 3 * y;
    const a = 1 + u * u * (19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y);
    const b = 30 + w * w * (18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y);
    return a * b;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const u = x + y + 1;
    const w = 2 * x - 3 * y;
    const pp = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
    const q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
    const a = 1 + u * u * pp;
    const b = 30 + w * w * q;
    // ∂P/∂x = ∂P/∂y = −14 + 6x + 6y and ∂u/∂x = ∂u/∂y = 1, so ∂A/∂x = ∂A/∂y.
    const dA = 2 * u * pp + u * u * (-14 + 6 * x + 6 * y);
    // ∂w/∂x = 2, ∂w/∂y = −3; ∂Q/∂x = −32 + 24x − 36y, ∂Q/∂y = 48 − 36x + 54y.
    const dBdx = 4 * w * q + w * w * (-32 + 24 * x - 36 * y);
    const dBdy = -6 * w * q + w * w * (48 - 36 * x + 54 * y);
    out[0] = dA * b + a * dBdx;
    out[1] = dA * b + a * dBdy;
  },
  domain: { x: [-2, 2], y: [-2, 2] },
  start: [-1.5, 1.5],
  minima: [
    { point: [0, -1], value: 3 },
    { point: [-0.6, -0.4], value: 30 },
    { point: [1.8, 0.2], value: 84 },
    { point: [1.2, 0.8], value: 840 },
  ],
  // Located by Newton's method in float64 (they converge to these decimals within ~1e-15).
  saddles: [
    { point: [-0.4, -0.6], value: 35 },
    { point: [1.2, -0.2], value: 99 },
    { point: [1.4, 0.6], value: 980 },
    { point: [0.6, 0.4], value: 990 },
  ],
  maxima: [{ point: [0.8, 0.2], value: 1155 }],
  note: "Goldstein & Price (1971). Values span 3 to ~10⁶ on [-2, 2]²: plot it on a log scale.",
};
