import { InputRangeError, show } from "../util/errors.js";
import type { Landscape } from "./types.js";

export interface RotatedQuadraticOptions {
  /** Curvature along the rotated first axis (default 0.1, the book's x-curvature). */
  readonly curvatureU?: number;
  /** Curvature along the rotated second axis (default 10: condition number 100). */
  readonly curvatureV?: number;
  /** Rotation of the axes, in degrees (default 45: the worst case for per-coordinate methods). */
  readonly angleDegrees?: number;
}

function checkPositive(name: string, value: number): void {
  if (!(typeof value === "number" && value > 0 && Number.isFinite(value))) {
    throw new InputRangeError(`rotated-quadratic: ${name} must be a finite number > 0, got ${show(value)}`);
  }
}

/**
 * f = ½(λ_u u² + λ_v v²) with u = x cos θ + y sin θ, v = −x sin θ + y cos θ: an ill-conditioned bowl
 * whose axes are not the coordinate axes. Per-coordinate methods (AdaGrad, RMSprop, Adam) equalise
 * x and y, which helps only when the valley is axis-aligned; here it does not.
 */
export function createRotatedQuadratic(options: RotatedQuadraticOptions = {}): Landscape {
  const lu = options.curvatureU ?? 0.1;
  const lv = options.curvatureV ?? 10;
  const degrees = options.angleDegrees ?? 45;
  checkPositive("curvatureU", lu);
  checkPositive("curvatureV", lv);
  if (!(typeof degrees === "number" && Number.isFinite(degrees))) {
    throw new InputRangeError(
      `rotated-quadratic: angleDegrees must be a finite number, got ${show(degrees)}`,
    );
  }
  const theta = (degrees * Math.PI) / 180;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const hu = lu / 2;
  const hv = lv / 2;
  return {
    id: "rotated-quadratic",
    name: `Rotated quadratic (κ = ${show(Math.max(lu, lv) / Math.min(lu, lv))}, ${show(degrees)}°)`,
    formula: `${show(hu)}*(x*cos(${show(theta)}) + y*sin(${show(theta)}))^2 + ${show(hv)}*(-x*sin(${show(theta)}) + y*cos(${show(theta)}))^2`,
    latex: `f = \\tfrac{${show(lu)}}{2}u^2 + \\tfrac{${show(lv)}}{2}v^2,\\quad u = x\\cos\\theta + y\\sin\\theta,\\ v = -x\\sin\\theta + y\\cos\\theta,\\ \\theta = ${show(degrees)}^\\circ`,
    dim: 2,
    f(p) {
      const u = p[0] * c + p[1] * s;
      const v = -p[0] * s + p[1] * c;
      return hu * u * u + hv * v * v;
    },
    grad(p, out) {
      const u = p[0] * c + p[1] * s;
      const v = -p[0] * s + p[1] * c;
      out[0] = lu * u * c - lv * v * s;
      out[1] = lu * u * s + lv * v * c;
    },
    domain: { x: [-10, 10], y: [-10, 10] },
    start: [-7, 2],
    minima: [{ point: [0, 0], value: 0 }],
    note: "The book's start (−7, 2). Hessian eigenvalues λ_u and λ_v along the rotated axes.",
  };
}

/** The registry default: curvatures 0.1 and 10 (κ = 100), rotated by 45°. */
export const rotatedQuadratic: Landscape = createRotatedQuadratic();
