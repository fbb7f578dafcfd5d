export type { TrajectoryLike, TrajectoryMetrics, ZigZag } from "./metrics.js";
export {
  distancesToNearestMinimum,
  effectiveStepSizes,
  finalLoss,
  nearestMinimum,
  pathLength,
  stepsToTolerance,
  trajectoryMetrics,
  zigzag,
} from "./metrics.js";
export type { Divergence, Trajectory, TrajectoryOptions, TrajectoryRunner } from "./trajectory.js";
export {
  createTrajectoryRunner,
  DEFAULT_BOUND_FACTOR,
  defaultBound,
  iterateAt,
  MAX_TRAJECTORY_STEPS,
  MAX_TRAJECTORY_VALUES,
  runTrajectory,
} from "./trajectory.js";
