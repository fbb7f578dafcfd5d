import type { Landscape } from "./types.js";

/** A gentle banana valley, (1 − x)² + 20(3y − x²)², of the kind drawn in Distill's "Why Momentum Really Works". */
export const banana: Landscape = {
  id: "banana",
  name: "Banana (Distill)",
  formula: "(1 - x)^2 + 20*(3*y - x^2)^2",
  latex: "f(x, y) = (1 - x)^2 + 20\\,(3y - x^2)^2",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const a = 1 - x;
    const b = 3 * y - x * x;
    return a * a + 20 * (b * b);
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const a = 1 - x;
    const b = 3 * y - x * x;
    out[0] = -2 * a - 80 * x * b;
    out[1] = 120 * b;
  },
  domain: { x: [-2, 2], y: [-1, 2] },
  start: [-1.5, 1.5],
  // 3·(1/3) rounds to exactly 1 in float64, so f(1, 1/3) is exactly 0.
  minima: [{ point: [1, 1 / 3], value: 0 }],
  note: "Minimum where x = 1 and 3y = x², i.e. (1, 1/3).",
};
