import {
  classifyTrajectory,
  logSpace,
  type OptimizerRun,
  runTrajectory,
  stabilityMap,
  trajectoryMetrics,
} from "../lab/index.js";
import type { Landscape } from "../landscapes/index.js";
import { createOptimizer } from "../optim/index.js";
import type { LandscapeFacts, StabilityFacts, TrajectoryFacts } from "./answers.js";

/** The numbers the report needs from one 2D run. */
export function trajectoryFacts(run: OptimizerRun, landscape: Landscape, tolerance: number): TrajectoryFacts {
  const t = run.trajectory;
  const metrics = trajectoryMetrics(t, landscape, tolerance);
  const lr = run.hp.lr;
  const momentum = run.hp.momentum;
  const { outcome, steps: settled } = classifyTrajectory(t, landscape, tolerance);
  return {
    label: run.label,
    optimizerId: run.optimizerId,
    settings: run.settings,
    lr: typeof lr === "number" ? lr : Number.NaN,
    momentum: typeof momentum === "number" ? momentum : null,
    steps: t.steps,
    startLoss: t.loss[0],
    finalLoss: metrics.finalLoss,
    finalDistance: metrics.finalDistance,
    firstHit: metrics.stepsToTolerance,
    settled: outcome === "converged" ? settled : null,
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

/** Items 1–3 measured on the landscape: curvature, the gradient field's arrows, SGD against its closed form. */
export function landscapeFacts(
  landscape: Landscape,
  arrows: readonly (readonly [number, number])[],
): LandscapeFacts {
  const h = 1e-4;
  const g = (x: number, y: number) => {
    const out = new Float64Array(2);
    landscape.grad(Float64Array.of(x, y), out);
    return out;
  };
  const curvature: [number, number] = [
    (g(h, 0)[0] - g(-h, 0)[0]) / (2 * h),
    (g(0, h)[1] - g(0, -h)[1]) / (2 * h),
  ];
  let pointing = 0;
  let counted = 0;
  let ratio = 0;
  let ratios = 0;
  for (const [x, y] of arrows) {
    const d = g(x, y);
    const length = Math.hypot(d[0], d[1]);
    const toMinimum = Math.hypot(x, y);
    if (length > 0 && toMinimum > 0) {
      const cos = (-d[0] * -x + -d[1] * -y) / (length * toMinimum);
      counted++;
      if (cos >= Math.cos((10 * Math.PI) / 180)) pointing++;
    }
    if (d[0] !== 0) {
      ratio += Math.abs(d[1]) / Math.abs(d[0]);
      ratios++;
    }
  }
  // SGD lr 0.95 from (−7, 2), 30 steps, against x_k = x₀(1 − lr/10)ᵏ, y_k = y₀(1 − 2·lr)ᵏ.
  const lr = 0.95;
  const t = runTrajectory({
    optimizer: createOptimizer(`sgd:lr=${lr}`),
    landscape,
    start: [-7, 2],
    steps: 30,
  });
  let deviation = 0;
  for (let k = 0; k <= t.stepsRun; k++) {
    const x = -7 * (1 - lr / 10) ** k;
    const y = 2 * (1 - 2 * lr) ** k;
    deviation = Math.max(deviation, Math.abs(t.iterates[2 * k] - x), Math.abs(t.iterates[2 * k + 1] - y));
  }
  return {
    curvature,
    minima: landscape.minima.length,
    arrowsAtMinimum: counted > 0 ? pointing / counted : Number.NaN,
    yOverX: ratios > 0 ? ratio / ratios : Number.NaN,
    sgdClosedFormDeviation: deviation,
  };
}
