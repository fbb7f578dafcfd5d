import type { CriticalPoint, Landscape } from "../landscapes/types.js";
import { InputRangeError, show } from "../util/errors.js";
import type { Trajectory } from "./trajectory.js";

/** The parts of a trajectory the metrics read. */
export type TrajectoryLike = Pick<Trajectory, "iterates" | "loss" | "dim" | "stepsRun">;

/** The loss at the last accepted iterate, f(x_stepsRun). */
export function finalLoss(t: TrajectoryLike): number {
  return t.loss[t.stepsRun];
}

function distanceAt(t: TrajectoryLike, k: number, point: readonly number[]): number {
  let s = 0;
  const offset = k * t.dim;
  for (let i = 0; i < t.dim; i++) {
    const d = t.iterates[offset + i] - point[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** The known minimum nearest to iterate k and its Euclidean distance, or null when none is known. */
export function nearestMinimum(
  t: TrajectoryLike,
  minima: readonly CriticalPoint[],
  k: number = t.stepsRun,
): { minimum: CriticalPoint; distance: number } | null {
  let best: CriticalPoint | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const m of minima) {
    const d = distanceAt(t, k, m.point);
    if (d < bestDistance) {
      best = m;
      bestDistance = d;
    }
  }
  return best === null ? null : { minimum: best, distance: bestDistance };
}

/** distance[k] = ‖x_k − m‖₂ for the known minimum m nearest to x_k (per step); null when none is known. */
export function distancesToNearestMinimum(
  t: TrajectoryLike,
  minima: readonly CriticalPoint[],
): Float64Array | null {
  if (minima.length === 0) return null;
  const out = new Float64Array(t.stepsRun + 1);
  for (let k = 0; k <= t.stepsRun; k++) out[k] = nearestMinimum(t, minima, k)?.distance ?? Number.NaN;
  return out;
}

/**
 * The first step k with f(x_k) − f* ≤ tol, where f* is the value of the known minimum nearest to the
 * final iterate; with no known minimum, the first k with f(x_k) ≤ tol. Null if never reached.
 * (On a function unbounded below, a run that escapes past f* also counts as reaching it.)
 */
export function stepsToTolerance(
  t: TrajectoryLike,
  minima: readonly CriticalPoint[],
  tol: number,
): number | null {
  if (!(typeof tol === "number" && tol >= 0)) {
    throw new InputRangeError(`metrics: tolerance must be a number ≥ 0, got ${show(tol)}`);
  }
  const target = nearestMinimum(t, minima)?.minimum.value ?? 0;
  for (let k = 0; k <= t.stepsRun; k++) if (t.loss[k] - target <= tol) return k;
  return null;
}

/** Σ_k ‖x_k − x_{k−1}‖₂ over the accepted steps. */
export function pathLength(t: TrajectoryLike): number {
  let total = 0;
  for (let k = 1; k <= t.stepsRun; k++) {
    let s = 0;
    for (let i = 0; i < t.dim; i++) {
      const d = t.iterates[k * t.dim + i] - t.iterates[(k - 1) * t.dim + i];
      s += d * d;
    }
    total += Math.sqrt(s);
  }
  return total;
}

export interface ZigZag {
  /** For each coordinate, the share of consecutive update pairs (Δ_{k−1,i}, Δ_{k,i}) whose signs are opposite. */
  readonly perCoordinate: number[];
  /** All sign changes over all pairs of all coordinates. */
  readonly overall: number;
  /** Number of consecutive update pairs per coordinate, stepsRun − 1 (0 when there are fewer than 2 steps). */
  readonly pairs: number;
}

/**
 * Zig-zag: with updates Δ_k = x_k − x_{k−1} (k = 1 … stepsRun), the share of the stepsRun − 1 pairs of
 * consecutive updates in which a coordinate's update changes sign (Δ_{k−1,i}·Δ_{k,i} < 0; a zero
 * update is no change of sign). Shares are NaN when there are fewer than 2 steps.
 */
export function zigzag(t: TrajectoryLike): ZigZag {
  const pairs = Math.max(0, t.stepsRun - 1);
  const counts = new Array<number>(t.dim).fill(0);
  for (let k = 2; k <= t.stepsRun; k++) {
    for (let i = 0; i < t.dim; i++) {
      const previous = t.iterates[(k - 1) * t.dim + i] - t.iterates[(k - 2) * t.dim + i];
      const current = t.iterates[k * t.dim + i] - t.iterates[(k - 1) * t.dim + i];
      if (previous * current < 0) counts[i]++;
    }
  }
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    perCoordinate: counts.map((c) => (pairs > 0 ? c / pairs : Number.NaN)),
    overall: pairs > 0 ? total / (pairs * t.dim) : Number.NaN,
    pairs,
  };
}

/**
 * Per coordinate i, the mean over steps k = 1 … stepsRun of |x_{k,i} − x_{k−1,i}| / |g_{k−1,i}|, with
 * g_{k−1} = ∇f(x_{k−1}) recomputed in float64 from the stored iterate (for float32 runs the optimizer saw
 * this gradient rounded to float32). Steps where g_{k−1,i} is 0 or not finite are skipped; NaN when no
 * step counts. For plain SGD every entry is lr; AdaGrad gives the flat axis a larger one.
 */
export function effectiveStepSizes(t: TrajectoryLike, landscape: Pick<Landscape, "grad">): number[] {
  const sums = new Array<number>(t.dim).fill(0);
  const counts = new Array<number>(t.dim).fill(0);
  const g = new Float64Array(t.dim);
  for (let k = 1; k <= t.stepsRun; k++) {
    landscape.grad(t.iterates.subarray((k - 1) * t.dim, k * t.dim), g);
    for (let i = 0; i < t.dim; i++) {
      const gi = Math.abs(g[i]);
      if (!(gi > 0 && Number.isFinite(gi))) continue;
      sums[i] += Math.abs(t.iterates[k * t.dim + i] - t.iterates[(k - 1) * t.dim + i]) / gi;
      counts[i]++;
    }
  }
  return sums.map((s, i) => (counts[i] > 0 ? s / counts[i] : Number.NaN));
}

/** Every metric of one trajectory, as plain JSON-able data (NaN becomes null in JSON). */
export interface TrajectoryMetrics {
  readonly stepsRun: number;
  readonly diverged: boolean;
  readonly finalLoss: number;
  /** Distance from the last iterate to the nearest known minimum; null when none is known. */
  readonly finalDistance: number | null;
  /** The nearest known minimum to the last iterate. */
  readonly nearestMinimum: CriticalPoint | null;
  readonly tolerance: number;
  readonly stepsToTolerance: number | null;
  readonly pathLength: number;
  readonly zigzag: ZigZag;
  readonly effectiveStepSizes: number[];
}

/** All metrics of a trajectory; `tolerance` defaults to 1e-6. */
export function trajectoryMetrics(
  t: TrajectoryLike & Partial<Pick<Trajectory, "divergence">>,
  landscape: Pick<Landscape, "grad" | "minima">,
  tolerance = 1e-6,
): TrajectoryMetrics {
  const nearest = nearestMinimum(t, landscape.minima);
  return {
    stepsRun: t.stepsRun,
    diverged: t.divergence != null,
    finalLoss: finalLoss(t),
    finalDistance: nearest?.distance ?? null,
    nearestMinimum: nearest?.minimum ?? null,
    tolerance,
    stepsToTolerance: stepsToTolerance(t, landscape.minima, tolerance),
    pathLength: pathLength(t),
    zigzag: zigzag(t),
    effectiveStepSizes: effectiveStepSizes(t, landscape),
  };
}
