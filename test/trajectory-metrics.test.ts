import { describe, expect, it } from "vitest";
import {
  distancesToNearestMinimum,
  effectiveStepSizes,
  finalLoss,
  iterateAt,
  nearestMinimum,
  pathLength,
  runTrajectory,
  stepsToTolerance,
  type TrajectoryLike,
  trajectoryMetrics,
  zigzag,
} from "../src/lab/index.js";
import { getLandscape } from "../src/landscapes/index.js";
import { createOptimizer } from "../src/optim/index.js";

/**
 * A hand-made path x0 = (0, 0), x1 = (3, 4), x2 = (3, 1), x3 = (6, 5):
 * updates Δ1 = (3, 4), Δ2 = (0, −3), Δ3 = (3, 4) with lengths 5, 3, 5.
 */
const path: TrajectoryLike = {
  dim: 2,
  stepsRun: 3,
  iterates: Float64Array.of(0, 0, 3, 4, 3, 1, 6, 5),
  loss: Float64Array.of(5, 2, -0.5, -0.9999),
};
/** Two known minima: m1 = (0, 0) with f = 0 and m2 = (6, 4) with f = −1. */
const minima = [
  { point: [0, 0], value: 0 },
  { point: [6, 4], value: -1 },
];

describe("trajectory metrics on a hand-made path", () => {
  it("final loss is the loss of the last accepted iterate", () => {
    expect(finalLoss(path)).toBe(-0.9999);
    expect(finalLoss({ ...path, stepsRun: 1 })).toBe(2);
  });

  it("path length sums the update lengths: 5 + 3 + 5 = 13", () => {
    expect(pathLength(path)).toBe(13);
  });

  it("distance to the nearest known minimum, per step and at the end", () => {
    // x0 (0,0): m1 at 0. x1 (3,4): m1 at 5, m2 at √(9 + 0) = 3. x2 (3,1): m1 at √10, m2 at √18.
    // x3 (6,5): m1 at √61, m2 at 1.
    expect(Array.from(distancesToNearestMinimum(path, minima)!)).toEqual([0, 3, Math.sqrt(10), 1]);
    expect(nearestMinimum(path, minima)).toEqual({ minimum: minima[1], distance: 1 });
    expect(nearestMinimum(path, minima, 0)).toEqual({ minimum: minima[0], distance: 0 });
    expect(distancesToNearestMinimum(path, [])).toBeNull();
    expect(nearestMinimum(path, [])).toBeNull();
  });

  it("steps to tolerance measure f(x_k) − f* against the minimum nearest to the end", () => {
    // f* = −1 (m2): f − f* = 6, 3, 0.5, 0.0001.
    expect(stepsToTolerance(path, minima, 0.6)).toBe(2);
    expect(stepsToTolerance(path, minima, 3)).toBe(1);
    expect(stepsToTolerance(path, minima, 1e-6)).toBeNull();
    // Without known minima: the first loss ≤ tol; 2 ≤ 2 at k = 1.
    expect(stepsToTolerance(path, [], 2)).toBe(1);
    expect(() => stepsToTolerance(path, minima, -1)).toThrow(
      "metrics: tolerance must be a number ≥ 0, got -1",
    );
  });

  it("zig-zag counts sign changes of consecutive updates per coordinate", () => {
    // x updates 3, 0, 3: products 0 and 0, no change of sign → 0 of 2 pairs.
    // y updates 4, −3, 4: products −12 and −12, two changes → 2 of 2 pairs.
    // Overall (0 + 2) / (2 pairs × 2 coordinates) = 0.5.
    expect(zigzag(path)).toEqual({ perCoordinate: [0, 1], overall: 0.5, pairs: 2 });
    const oneStep = zigzag({ ...path, stepsRun: 1 });
    expect(oneStep.pairs).toBe(0);
    expect(oneStep.overall).toBeNaN();
  });

  it("effective step size averages |Δx_i| / |g_i| with the gradient at the step's start", () => {
    // Constant gradient (1, 2): x: 3/1, 0/1, 3/1 → mean 2; y: 4/2, 3/2, 4/2 → (2 + 1.5 + 2)/3 = 11/6.
    const constant = { grad: (_p: ArrayLike<number>, out: Float64Array | Float32Array) => out.set([1, 2]) };
    const [ex, ey] = effectiveStepSizes(path, constant);
    expect(ex).toBe(2);
    expect(ey).toBeCloseTo(11 / 6, 15);
    // A zero gradient component is skipped; with no step left the mean is NaN.
    const flatX = { grad: (_p: ArrayLike<number>, out: Float64Array | Float32Array) => out.set([0, 2]) };
    expect(effectiveStepSizes(path, flatX)[0]).toBeNaN();
  });

  it("trajectoryMetrics gathers all of them", () => {
    const constant = {
      grad: (_p: ArrayLike<number>, out: Float64Array | Float32Array) => out.set([1, 2]),
      minima,
    };
    const m = trajectoryMetrics({ ...path, divergence: null }, constant, 0.6);
    expect(m).toMatchObject({
      stepsRun: 3,
      diverged: false,
      finalLoss: -0.9999,
      finalDistance: 1,
      nearestMinimum: minima[1],
      tolerance: 0.6,
      stepsToTolerance: 2,
      pathLength: 13,
      zigzag: { perCoordinate: [0, 1], overall: 0.5, pairs: 2 },
    });
  });
});

describe("iterateAt", () => {
  it("returns iterate k as a plain array and rejects indices outside 0 … stepsRun", () => {
    expect(iterateAt(path, 2)).toEqual([3, 1]);
    expect(() => iterateAt(path, 4)).toThrow(
      "trajectory: iterate index must be a whole number in [0, 3], got 4",
    );
  });
});

describe("metrics on real runs", () => {
  it("plain SGD has effective step size lr on every axis", () => {
    const t = runTrajectory({
      optimizer: createOptimizer("sgd:lr=0.001"),
      landscape: "rosenbrock",
      steps: 200,
    });
    for (const s of effectiveStepSizes(t, getLandscape("rosenbrock")))
      expect(Math.abs(s - 0.001)).toBeLessThan(1e-15);
  });

  it("AdaGrad gives the flat x-axis of the book's bowl a larger effective step than the steep y-axis", () => {
    const l = getLandscape("quadratic");
    const t = runTrajectory({ optimizer: createOptimizer("adagrad:lr=1.5"), landscape: l, steps: 30 });
    // AdaGrad's step on axis i is lr/(√h_i + 1e-7) with h_i = Σ g_i²: at step 1, |g| = (0.7, 4), so the
    // x-axis gets 4/0.7 ≈ 5.7 times the y-axis' step; over 30 steps the means are ≈ 1.26 and ≈ 0.36.
    const [ex, ey] = effectiveStepSizes(t, l);
    expect(ex).toBeGreaterThan(3 * ey);
    const first = { ...t, stepsRun: 1 };
    const [fx, fy] = effectiveStepSizes(first, l);
    expect(fx).toBeCloseTo(1.5 / (0.7 + 1e-7), 12);
    expect(fy).toBeCloseTo(1.5 / (4 + 1e-7), 12);
  });

  it("SGD with lr 0.95 zig-zags along y on the book's bowl (every update flips y) but not along x", () => {
    // y ← y − 0.95·2y = −0.9y flips sign each step; x ← x − 0.095x keeps its sign.
    const t = runTrajectory({ optimizer: createOptimizer("sgd:lr=0.95"), landscape: "quadratic", steps: 30 });
    expect(zigzag(t).perCoordinate).toEqual([0, 1]);
  });
});
