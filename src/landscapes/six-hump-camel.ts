import type { CriticalPoint, Landscape } from "./types.js";

function value(x: number, y: number): number {
  const x2 = x * x;
  const y2 = y * y;
  return (4 - 2.1 * x2 + (x2 * x2) / 3) * x2 + x * y + (-4 + 4 * y2) * y2;
}

/** f is even under (x, y) → (−x, −y): critical points come in pairs ±p (the origin excepted). */
function pair(x: number, y: number): CriticalPoint[] {
  return [
    { point: [x, y], value: value(x, y) },
    { point: [-x, -y], value: value(-x, -y) },
  ];
}

/** Located by Newton's method in float64 from a 41 × 41 grid of starts over [-3, 3] × [-2, 2]. */
const SIX_HUMP_CAMEL = {
  minima: [
    ...pair(0.08984201310031807, -0.7126564030207396),
    ...pair(1.703606714969981, -0.7960835686726251),
    ...pair(1.6071047529201983, 0.5686514548841313),
  ],
  saddles: [
    { point: [0, 0], value: 0 },
    ...pair(1.1092053368047865, -0.7682680925095399),
    ...pair(1.638067984189779, 0.22867406904439413),
    ...pair(1.2960702671671094, 0.6050843880386585),
  ],
  maxima: pair(1.2302298765166526, 0.16233458445899496),
};

/** The six-hump camel function: two global minima among six local ones. */
export const sixHumpCamel: Landscape = {
  id: "six-hump-camel",
  name: "Six-hump camel",
  formula: "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
  latex: "f(x, y) = \\left(4 - 2.1x^2 + \\tfrac{x^4}{3}\\right)x^2 + xy + (-4 + 4y^2)\\,y^2",
  dim: 2,
  f(p) {
    const x = p[0];
    const y = p[1];
    const x2 = x * x;
    const y2 = y * y;
    return (4 - 2.1 * x2 + (x2 * x2) / 3) * x2 + x * y + (-4 + 4 * y2) * y2;
  },
  grad(p, out) {
    const x = p[0];
    const y = p[1];
    const x2 = x * x;
    out[0] = 8 * x - 8.4 * x2 * x + 2 * x2 * x2 * x + y;
    out[1] = x - 8 * y + 16 * y * y * y;
  },
  domain: { x: [-3, 3], y: [-2, 2] },
  start: [-2, 1.5],
  minima: SIX_HUMP_CAMEL.minima,
  saddles: SIX_HUMP_CAMEL.saddles,
  maxima: SIX_HUMP_CAMEL.maxima,
  note: "Dixon & Szegő (1978). Critical points located by Newton's method in float64; the two global minima agree with the literature value f = −1.0316284534898774.",
};
