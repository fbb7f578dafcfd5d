import type { Landscape } from "./types.js";

/** Located by Newton's method in float64 (all on the x-axis, where ∂f/∂y = 0 by symmetry). */
const TWO_WELL = {
  minima: [
    { point: [-0.9363006340109187, 0], value: -2.063090251768194 },
    { point: [0.905317899160115, 0], value: -1.0927319992017408 },
  ],
  saddles: [{ point: [0.0686024367080965, 0], value: -0.03137427327004575 }],
};

/**
 * Emilien Dupont's two-well bowl, from "Interactive Visualization of Optimization Algorithms in Deep
 * Learning" (emiliendupont.github.io, 2018-01-24): a quadratic bowl with two Gaussian wells,
 * f = x² + y² − a·exp(−((x − 1)² + y²)/c) − b·exp(−((x + 1)² + y²)/d) with a = 2, b = 3, c = d = 0.2,
 * written as in the post's code. The deeper well (global minimum) is on the left; the post observes
 * that SGD and momentum often end in the right, poorer one while RMSProp and Adam find the left one.
 */
export const twoWell: Landscape = {
  id: "two-well",
  name: "Two-well bowl (Dupont)",
  formula: "x^2 + y^2 - 2*exp(-((x - 1)^2 + y^2)/0.2) - 3*exp(-((x + 1)^2 + y^2)/0.2)",
  latex: "f(x, y) = x^2 + y^2 - 2e^{-\\frac{(x - 1)^2 + y^2}{0.2}} - 3e^{-\\frac{(x + 1)^2 + y^2}{0.2}}",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const right = Math.exp(-((x - 1) * (x - 1) + y * y) / 0.2);
    const left = Math.exp(-((x + 1) * (x + 1) + y * y) / 0.2);
    return -2 * right + -3 * left + x * x + y * y;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const right = Math.exp(-((x - 1) * (x - 1) + y * y) / 0.2);
    const left = Math.exp(-((x + 1) * (x + 1) + y * y) / 0.2);
    // d/dx of −a·exp(−r²/0.2) is a·exp(…)·2(x − x₀)/0.2 = 10a·(x − x₀)·exp(…).
    out[0] = 2 * x + 20 * (x - 1) * right + 30 * (x + 1) * left;
    out[1] = 2 * y + 20 * y * right + 30 * y * left;
  },
  domain: { x: [-2, 2], y: [-2, 2] },
  start: [0.4, 1.6],
  minima: TWO_WELL.minima,
  saddles: TWO_WELL.saddles,
  note: "Dupont's page plots [-2, 2]² and starts wherever the user clicks; the canonical start here is optlab's choice: from it, in 300 steps, SGD (lr 0.01) ends in the right, poorer well while momentum (lr 0.01), AdaGrad (lr 0.5), RMSprop (lr 0.01) and Adam (lr 0.05) reach the left one. Critical points located by Newton's method in float64.",
};
