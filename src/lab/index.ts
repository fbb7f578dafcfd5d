export * from "./compare-2d.js";
export * from "./experiment.js";
export * from "./golden.js";
export * from "./landscape-maps.js";
export * from "./landscape-slice.js";
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
export * from "./mnist-checkpoint.js";
export * from "./mnist-results.js";
export {
  createNetworkEntry,
  createNetworkOptimizer,
  describeGroups,
  groupsOfSpec,
  MUON_AUX_OPTIMIZER,
  type NetworkOptimizer,
  networkSlots,
  optimizerSpecsOf,
  splitScheduleSuffix,
  withSchedule,
} from "./network-optimizer.js";
export * from "./runspec.js";
export * from "./smooth.js";
export * from "./stats.js";
export * from "./step-cost.js";
export * from "./study.js";
export * from "./study-presets.js";
export * from "./timing.js";
export * from "./train.js";
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
export * from "./tuning.js";
