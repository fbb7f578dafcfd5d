import type { Landscape } from "./types.js";

/**
 * The book's elongated bowl, f = x²/20 + y² (Deep Learning from Scratch, fig. 6-1), written token for
 * token as in `golden-trajectories.json` so that `f` and `grad` are bit-identical to the generator.
 */
export const quadratic: Landscape = {
  id: "quadratic",
  name: "Elongated quadratic (book)",
  formula: "x^2/20 + y^2",
  latex: "f(x, y) = \\frac{x^2}{20} + y^2",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    return (x * x) / 20 + y * y;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    out[0] = x / 10;
    out[1] = 2 * y;
  },
  domain: { x: [-10, 10], y: [-10, 10] },
  start: [-7, 2],
  minima: [{ point: [0, 0], value: 0 }],
  note: "The seed's trajectory figure uses [-10, 10]² (contours from x ∈ [-10, 10), y ∈ [-5, 5), step 0.01, values above 7 masked); its 3D surface (fig. 6-1) uses [-50, 50]² on a 100 × 100 grid.",
};
