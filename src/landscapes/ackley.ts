import type { Landscape } from "./types.js";

const TWO_PI = 2 * Math.PI;

/**
 * Ackley's function in 2D (a = 20, b = 0.2, c = 2π). Its global minimum (0, 0) is the tip of a cone:
 * the gradient is undefined there, and `grad` returns the subgradient 0 at exactly (0, 0).
 */
export const ackley: Landscape = {
  id: "ackley",
  name: "Ackley",
  formula: "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
  latex:
    "f(x, y) = -20\\exp\\left(-0.2\\sqrt{\\tfrac12(x^2 + y^2)}\\right) - \\exp\\left(\\tfrac12(\\cos 2\\pi x + \\cos 2\\pi y)\\right) + e + 20",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const r = Math.sqrt(0.5 * (x * x + y * y));
    return (
      -20 * Math.exp(-0.2 * r) - Math.exp(0.5 * (Math.cos(TWO_PI * x) + Math.cos(TWO_PI * y))) + Math.E + 20
    );
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const r = Math.sqrt(0.5 * (x * x + y * y));
    // d/dx of −20·exp(−0.2 r) with r = √(½(x² + y²)), dr/dx = x / (2r): 2·exp(−0.2 r)·x / r.
    const cone = r > 0 ? (2 * Math.exp(-0.2 * r)) / r : 0;
    // d/dx of −exp(½(cos 2πx + cos 2πy)) = π·sin(2πx)·exp(…).
    const ripple = Math.PI * Math.exp(0.5 * (Math.cos(TWO_PI * x) + Math.cos(TWO_PI * y)));
    out[0] = cone * x + ripple * Math.sin(TWO_PI * x);
    out[1] = cone * y + ripple * Math.sin(TWO_PI * y);
  },
  domain: { x: [-5, 5], y: [-5, 5] },
  start: [-3.5, 2.5],
  minima: [{ point: [0, 0], value: 0 }],
  note: "Ackley (1987). Only the global minimum is listed (f(0, 0) evaluates to 0 up to rounding, |f| < 1e-14); local minima sit near the integer points. At (0, 0) the gradient is undefined and grad returns 0.",
};
