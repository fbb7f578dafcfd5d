import type { Landscape } from "../landscapes/types.js";
import { createOptimizer, optimizerMeta } from "../optim/index.js";
import { nearestMinimum, stepsToTolerance } from "./metrics.js";
import { createTrajectoryRunner, type Trajectory } from "./trajectory.js";

/**
 * Maps of where an optimizer works on a 2D landscape, cheap enough to compute on the fly:
 *   stability map — a grid over learning rate × a second hyperparameter (momentum or β), from one start;
 *   basin map     — a grid of starting points, at fixed settings.
 * Each cell is converged, slow or diverged by `classifyTrajectory` (ends and stays within the tolerance; a
 * non-finite, out-of-bounds or worse-than-the-start run; anything else).
 */
export type Outcome = "converged" | "slow" | "diverged";

/** The tolerance of "converged" on the maps: f − f* ≤ 1e-3, as the seed's §4.4 asks. */
export const STABILITY_TOLERANCE = 1e-3;

export interface MapCell {
  readonly x: number;
  readonly y: number;
  readonly outcome: Outcome;
  /** Steps to the tolerance, or null. */
  readonly steps: number | null;
  readonly finalLoss: number;
  /** Index into `landscape.minima` of the minimum nearest to the end point (basin maps), or −1. */
  readonly minimum: number;
}

/** The second axis of an optimizer's stability map: the hyperparameter that interacts most with lr. */
export function secondAxisFor(id: string): string | null {
  const names = optimizerMeta(id).hyperparameters.map((h) => h.name);
  for (const candidate of ["momentum", "beta1", "rho", "beta2"])
    if (names.includes(candidate)) return candidate;
  return null;
}

/** `count` values spaced evenly in log10 between `low` and `high`, inclusive. */
export function logSpace(low: number, high: number, count: number): number[] {
  if (count === 1) return [low];
  const a = Math.log10(low);
  const b = Math.log10(high);
  return Array.from({ length: count }, (_, i) => 10 ** (a + ((b - a) * i) / (count - 1)));
}

export function linSpace(low: number, high: number, count: number): number[] {
  if (count === 1) return [low];
  return Array.from({ length: count }, (_, i) => low + ((high - low) * i) / (count - 1));
}

/**
 * How a run ended — one rule for the CLI's maps, the report and the playground (each map states it in its
 * caption, `OUTCOME_RULE`):
 *   diverged  — it stopped on a non-finite or out-of-bound iterate, or its final loss is above its starting loss;
 *   converged — it ends within the tolerance and stays there: f(x_k) − f* ≤ tol for every k from some step to the
 *               last (f* the value of the known minimum nearest its end); `steps` is that first step;
 *   slow      — anything else (finite, no worse than the start, but not settled within the tolerance).
 * A run that touches the tolerance and leaves it again is not converged; one that ends at 3× the tolerance is slow.
 */
export function classifyTrajectory(
  t: Trajectory,
  landscape: Pick<Landscape, "minima">,
  tol: number,
): { outcome: Outcome; steps: number | null } {
  if (t.divergence !== null) return { outcome: "diverged", steps: null };
  const last = t.loss[t.stepsRun];
  if (!Number.isFinite(last) || last > t.loss[0]) return { outcome: "diverged", steps: null };
  // Validates the tolerance (one message for every caller) and gives the target's first touch.
  const touched = stepsToTolerance(t, landscape.minima, tol);
  if (touched === null) return { outcome: "slow", steps: null };
  const target = nearestMinimum(t, landscape.minima)?.minimum.value ?? 0;
  if (!(last - target <= tol)) return { outcome: "slow", steps: null };
  let settled = t.stepsRun;
  while (settled > touched && t.loss[settled - 1] - target <= tol) settled--;
  return { outcome: "converged", steps: settled };
}

/** The classification rule in one sentence, for the captions of every map (CLI and playground). */
export const OUTCOME_RULE =
  "converged: ends and stays within the tolerance of the nearest known minimum's value; diverged: a non-finite or out-of-bounds iterate, or a final loss above the start's; slow: anything else";

function classify(
  landscape: Landscape,
  optimizerId: string,
  hp: Record<string, number | boolean>,
  start: readonly number[],
  steps: number,
  tol: number,
  runner: ReturnType<typeof createTrajectoryRunner>,
): Omit<MapCell, "x" | "y"> {
  const optimizer = createOptimizer({ id: optimizerId, hp });
  const t = runner.run({ optimizer, landscape, start, steps });
  const { outcome, steps: reached } = classifyTrajectory(t, landscape, tol);
  if (outcome === "diverged") return { outcome, steps: null, finalLoss: Number.NaN, minimum: -1 };
  let minimum = -1;
  let best = Number.POSITIVE_INFINITY;
  landscape.minima.forEach((m, i) => {
    let d = 0;
    for (let j = 0; j < t.dim; j++) d += (t.iterates[t.stepsRun * t.dim + j] - m.point[j]) ** 2;
    if (d < best) {
      best = d;
      minimum = i;
    }
  });
  return { outcome, steps: reached, finalLoss: t.loss[t.stepsRun], minimum };
}

export interface StabilityMapOptions {
  readonly optimizerId: string;
  readonly landscape: Landscape;
  readonly start?: readonly number[];
  readonly lrs: readonly number[];
  /** The second hyperparameter and its values; null for a one-row map over lr only. */
  readonly second: { readonly name: string; readonly values: readonly number[] } | null;
  /** Other hyperparameters held fixed. */
  readonly hp?: Readonly<Record<string, number | boolean>>;
  readonly steps: number;
  readonly tol: number;
}

/** Cells with x = lr and y = the second hyperparameter (0 when there is none). */
export function stabilityMap(options: StabilityMapOptions): MapCell[] {
  const runner = createTrajectoryRunner();
  const start = options.start ?? options.landscape.start;
  const cells: MapCell[] = [];
  const seconds = options.second?.values ?? [0];
  for (const y of seconds) {
    for (const x of options.lrs) {
      const hp = { ...options.hp, lr: x, ...(options.second ? { [options.second.name]: y } : {}) };
      cells.push({
        x,
        y,
        ...classify(options.landscape, options.optimizerId, hp, start, options.steps, options.tol, runner),
      });
    }
  }
  return cells;
}

export interface BasinMapOptions {
  readonly optimizerId: string;
  readonly hp: Readonly<Record<string, number | boolean>>;
  readonly landscape: Landscape;
  /** Starting points per side of the grid over the landscape's domain. */
  readonly resolution: number;
  readonly steps: number;
  readonly tol: number;
}

/** Cells with (x, y) = the starting point; `minimum` says which known minimum the run ended nearest to. */
export function basinMap(options: BasinMapOptions): MapCell[] {
  const runner = createTrajectoryRunner();
  const {
    x: [x0, x1],
    y: [y0, y1],
  } = options.landscape.domain;
  const cells: MapCell[] = [];
  // Cell centres, so the grid never starts exactly on the domain's edge.
  const n = options.resolution;
  for (let j = 0; j < n; j++) {
    const y = y0 + ((j + 0.5) * (y1 - y0)) / n;
    for (let i = 0; i < n; i++) {
      const x = x0 + ((i + 0.5) * (x1 - x0)) / n;
      cells.push({
        x,
        y,
        ...classify(
          options.landscape,
          options.optimizerId,
          { ...options.hp },
          [x, y],
          options.steps,
          options.tol,
          runner,
        ),
      });
    }
  }
  return cells;
}

/** Share of cells with each outcome. */
export function outcomeShares(cells: readonly MapCell[]): Record<Outcome, number> {
  const shares: Record<Outcome, number> = { converged: 0, slow: 0, diverged: 0 };
  for (const cell of cells) shares[cell.outcome] += 1 / cells.length;
  return shares;
}

/**
 * The best cost of an optimizer on a landscape over a learning-rate grid (the same grid for every optimizer):
 * the fewest steps to the tolerance at any lr, or Infinity if none converges. Used for performance profiles.
 */
export function bestStepsOverLrs(
  optimizerId: string,
  landscape: Landscape,
  lrs: readonly number[],
  steps: number,
  tol: number,
  hp: Readonly<Record<string, number | boolean>> = {},
): { steps: number; lr: number | null } {
  const cells = stabilityMap({ optimizerId, landscape, lrs, second: null, hp, steps, tol });
  let best = { steps: Number.POSITIVE_INFINITY, lr: null as number | null };
  for (const cell of cells) {
    if (cell.steps !== null && cell.steps < best.steps) best = { steps: cell.steps, lr: cell.x };
  }
  return best;
}
