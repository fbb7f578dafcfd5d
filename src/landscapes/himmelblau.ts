import type { CriticalPoint, Landscape } from "./types.js";

/** The three minima besides (3, 2) (f = 0 at each; the float64 points give f ≈ 1e-30). */
const HIMMELBLAU_MINIMA = [
  [3.5844283403304917, -1.8481265269644036],
  [-2.805118086952745, 3.131312518250573],
  [-3.779310253377747, -3.2831859912861696],
];

const HIMMELBLAU_SADDLES: CriticalPoint[] = [
  { point: [3.385154183607021, 0.0738518798377493], value: 13.311926270405587 },
  { point: [0.08667750455539636, 2.884254701174776], value: 67.71915008752613 },
  { point: [-3.0730257507643897, -0.08135304428796751], value: 104.01516291755811 },
  { point: [-0.12796134673068005, -1.9537149802445766], value: 178.33723920192745 },
];

const HIMMELBLAU_MAXIMA: CriticalPoint[] = [
  { point: [-0.27084459066734756, -0.9230385564799816], value: 181.6165215225827 },
];

/**
 * Himmelblau's function, token for token as in `golden-trajectories.json`.
 * Critical points other than (3, 2) were located by Newton's method in float64 (see the test that
 * checks ‖∇f‖ there) and agree with the literature values to the 6 digits usually printed.
 */
export const himmelblau: Landscape = {
  id: "himmelblau",
  name: "Himmelblau",
  formula: "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
  latex: "f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const a = x * x + y - 11;
    const b = x + y * y - 7;
    return a * a + b * b;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const a = x * x + y - 11;
    const b = x + y * y - 7;
    out[0] = 4 * x * a + 2 * b;
    out[1] = 2 * a + 4 * y * b;
  },
  domain: { x: [-5, 5], y: [-5, 5] },
  start: [-1, -1],
  minima: [
    { point: [3, 2], value: 0 },
    { point: HIMMELBLAU_MINIMA[0], value: 0 },
    { point: HIMMELBLAU_MINIMA[1], value: 0 },
    { point: HIMMELBLAU_MINIMA[2], value: 0 },
  ],
  saddles: HIMMELBLAU_SADDLES,
  maxima: HIMMELBLAU_MAXIMA,
  note: "Himmelblau (1972). Four global minima with f = 0; one local maximum, which gradient ascent (maximize) converges to.",
};
