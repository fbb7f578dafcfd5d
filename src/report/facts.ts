import type { OptimizerRun } from "../lab/experiment.js";
import { logSpace, stabilityMap } from "../lab/landscape-maps.js";
import { trajectoryMetrics } from "../lab/metrics.js";
import type { Landscape } from "../landscapes/types.js";
import { createOptimizer } from "../optim/index.js";
import type { StabilityFacts, TrajectoryFacts } from "./answers.js";

/** The numbers the report needs from one 2D run. */
export function trajectoryFacts(run: OptimizerRun, landscape: Landscape, tolerance: number): TrajectoryFacts {
  const t = run.trajectory;
  const metrics = trajectoryMetrics(t, landscape, tolerance);
  const lr = run.hp.lr;
  return {
    label: run.label,
    optimizerId: run.optimizerId,
    settings: run.settings,
    lr: typeof lr === "number" ? lr : Number.NaN,
    steps: t.steps,
    finalLoss: metrics.finalLoss,
    finalDistance: metrics.finalDistance,
    stepsToTolerance: metrics.stepsToTolerance,
    pathLength: metrics.pathLength,
    zigzag: [metrics.zigzag.perCoordinate[0], metrics.zigzag.perCoordinate[1]],
    zigzagOverall: metrics.zigzag.overall,
    effectiveStep: [metrics.effectiveStepSizes[0], metrics.effectiveStepSizes[1]],
    divergedAt: t.divergence?.step ?? null,
  };
}

/** The learning-rate grid the report's stability numbers use: 41 points from 1e-4 to 100. */
export const REPORT_LR_GRID = logSpace(1e-4, 100, 41);

/**
 * Which learning rates of the grid converge from the landscape's start within `steps` (other hyperparameters
 * as given), the width of that range in decades, and the fastest point.
 */
export function stabilityFacts(
  spec: string,
  landscape: Landscape,
  steps: number,
  tolerance: number,
  lrs: readonly number[] = REPORT_LR_GRID,
): StabilityFacts {
  const optimizer = createOptimizer(spec);
  const { lr: _lr, ...hp } = optimizer.hp;
  const cells = stabilityMap({
    optimizerId: optimizer.id,
    landscape,
    lrs,
    second: null,
    hp,
    steps,
    tol: tolerance,
  });
  const converged = cells.filter((c) => c.outcome === "converged");
  const lowest = converged.length > 0 ? converged[0].x : null;
  const highest = converged.length > 0 ? converged[converged.length - 1].x : null;
  let best: (typeof cells)[number] | null = null;
  for (const c of converged) if (best === null || (c.steps as number) < (best.steps as number)) best = c;
  return {
    label: optimizer.id,
    lowest,
    highest,
    decades: lowest !== null && highest !== null ? Math.log10(highest / lowest) : 0,
    bestSteps: best?.steps ?? null,
    bestLr: best?.x ?? null,
  };
}
