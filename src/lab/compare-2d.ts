import { getLandscape } from "../landscapes/index.js";
import { createOptimizer } from "../optim/index.js";
import {
  basinMap,
  bestStepsOverLrs,
  logSpace,
  type MapCell,
  type Outcome,
  outcomeShares,
  secondAxisFor,
  stabilityMap,
} from "./landscape-maps.js";
import type { StudyOptimizer } from "./study.js";

/** One stability or basin map of the 2D part of a comparison, with the share of each outcome. */
export interface LandscapeMapSummary {
  readonly landscape: string;
  readonly optimizer: string;
  /** The hyperparameter on a stability map's y axis (null: lr only). */
  readonly second: string | null;
  readonly kind: "stability" | "basin";
  readonly shares: Record<Outcome, number>;
  readonly cells: readonly MapCell[];
}

/**
 * The 2D half of the fair tier: the same lr grid for every optimizer on every landscape (the cost is the fewest
 * steps to f − f* ≤ tol at any lr of the grid), stability maps over lr × the second hyperparameter, and basin
 * maps over starting points at each optimizer's best lr.
 */
export interface TwoDSettings {
  readonly landscapes: readonly string[];
  readonly mapLandscapes: readonly string[];
  readonly basinLandscapes: readonly string[];
  readonly lrs: readonly number[];
  readonly secondValues: readonly number[];
  readonly steps: number;
  readonly tol: number;
  readonly basinResolution: number;
}

/** The 2D problems of the fair tier: the reference functions with a known minimum, and a few classics. */
export const FAIR_LANDSCAPES = [
  "quadratic",
  "rosenbrock",
  "beale",
  "himmelblau",
  "booth",
  "rotated-quadratic",
  "six-hump-camel",
  "banana",
] as const;

export function twoDSettings(quick: boolean): TwoDSettings {
  return {
    landscapes: quick ? ["quadratic", "rosenbrock"] : FAIR_LANDSCAPES,
    // Every landscape of the profile gets both maps (a few seconds each).
    mapLandscapes: quick ? ["quadratic"] : FAIR_LANDSCAPES,
    basinLandscapes: quick ? ["himmelblau"] : FAIR_LANDSCAPES,
    lrs: logSpace(1e-4, 10, quick ? 11 : 26),
    secondValues: quick ? [0, 0.9] : [0, 0.5, 0.8, 0.9, 0.95, 0.99],
    steps: quick ? 200 : 1000,
    tol: 1e-3,
    basinResolution: quick ? 6 : 24,
  };
}

export interface TwoDResult {
  readonly settings: TwoDSettings;
  /** costs[landscape][optimizer]: fewest steps to the tolerance over the lr grid (Infinity = never). */
  readonly costs: number[][];
  readonly bestLrs: (number | null)[][];
  readonly maps: LandscapeMapSummary[];
}

export function runTwoD(optimizers: readonly StudyOptimizer[], settings: TwoDSettings): TwoDResult {
  const costs: number[][] = [];
  const bestLrs: (number | null)[][] = [];
  for (const id of settings.landscapes) {
    const landscape = getLandscape(id);
    const row = optimizers.map((o) =>
      bestStepsOverLrs(o.id, landscape, settings.lrs, settings.steps, settings.tol, o.hp),
    );
    costs.push(row.map((r) => r.steps));
    bestLrs.push(row.map((r) => r.lr));
  }
  const maps: LandscapeMapSummary[] = [];
  for (const id of settings.mapLandscapes) {
    const landscape = getLandscape(id);
    for (const o of optimizers) {
      const name = secondAxisFor(o.id);
      const cells = stabilityMap({
        optimizerId: o.id,
        landscape,
        lrs: settings.lrs,
        second: name === null ? null : { name, values: settings.secondValues },
        hp: o.hp,
        steps: settings.steps,
        tol: settings.tol,
      });
      maps.push({
        landscape: id,
        optimizer: o.label,
        second: name,
        kind: "stability",
        shares: outcomeShares(cells),
        cells,
      });
    }
  }
  for (const id of settings.basinLandscapes) {
    const landscape = getLandscape(id);
    const index = settings.landscapes.indexOf(id);
    for (const [k, o] of optimizers.entries()) {
      // The lr that did best from the canonical start, else the optimizer's default.
      const lr =
        (index >= 0 ? bestLrs[index][k] : null) ?? (createOptimizer({ id: o.id, hp: o.hp }).hp.lr as number);
      const cells = basinMap({
        optimizerId: o.id,
        hp: { ...o.hp, lr },
        landscape,
        resolution: settings.basinResolution,
        steps: settings.steps,
        tol: settings.tol,
      });
      maps.push({
        landscape: id,
        optimizer: `${o.label} (lr ${Number(lr.toPrecision(3))})`,
        second: null,
        kind: "basin",
        shares: outcomeShares(cells),
        cells,
      });
    }
  }
  return { settings, costs, bestLrs, maps };
}

/** τ values for profiles: 1 … 100, log-spaced. */
export const PROFILE_TAUS = logSpace(1, 100, 41);
