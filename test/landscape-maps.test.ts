import { describe, expect, it } from "vitest";
import {
  basinMap,
  classifyTrajectory,
  logSpace,
  outcomeShares,
  secondAxisFor,
  stabilityMap,
} from "../src/lab/landscape-maps.js";
import { runTrajectory, type Trajectory } from "../src/lab/trajectory.js";
import { getLandscape } from "../src/landscapes/index.js";
import { createOptimizer } from "../src/optim/index.js";

const quadratic = getLandscape("quadratic");

describe("stability and basin maps", () => {
  it("classifies SGD on the seed's bowl as the linear analysis predicts", () => {
    // f = x²/20 + y²: SGD multiplies y by (1 − 2η) each step and x by (1 − η/10).
    // η = 1.1: |1 − 2.2| = 1.2 > 1, y grows without bound → diverged (past the bound or non-finite).
    // η = 0.5: y is 0 after one step, x shrinks by 0.95 per step: f ≤ 1e-3 within 200 steps → converged.
    // η = 1e-3: x shrinks by 0.9999 per step: f stays ≈ 2.45 after 200 steps → slow.
    const cells = stabilityMap({
      optimizerId: "sgd",
      landscape: quadratic,
      lrs: [1e-3, 0.5, 1.1],
      second: null,
      steps: 200,
      tol: 1e-3,
    });
    expect(cells.map((c) => c.outcome)).toEqual(["slow", "converged", "diverged"]);
    expect(cells[1].steps).toBeGreaterThan(0);
  });

  it("lays the second axis out as rows (momentum for Momentum, β₁ for Adam, none for AdaGrad)", () => {
    expect(secondAxisFor("momentum")).toBe("momentum");
    expect(secondAxisFor("adam")).toBe("beta1");
    expect(secondAxisFor("adagrad")).toBeNull();
    const cells = stabilityMap({
      optimizerId: "momentum",
      landscape: quadratic,
      lrs: logSpace(0.01, 1, 3),
      second: { name: "momentum", values: [0, 0.9] },
      steps: 50,
      tol: 1e-3,
    });
    expect(cells.map((c) => [c.x, c.y])).toEqual([
      [0.01, 0],
      [0.1, 0],
      [1, 0],
      [0.01, 0.9],
      [0.1, 0.9],
      [1, 0.9],
    ]);
  });

  it("finds Himmelblau's four basins from a grid of starts", () => {
    const himmelblau = getLandscape("himmelblau");
    const cells = basinMap({
      optimizerId: "sgd",
      hp: { lr: 0.01 },
      landscape: himmelblau,
      resolution: 8,
      steps: 500,
      tol: 1e-6,
    });
    expect(cells).toHaveLength(64);
    expect(new Set(cells.filter((c) => c.outcome === "converged").map((c) => c.minimum)).size).toBe(4);
    const shares = outcomeShares(cells);
    expect(shares.converged + shares.slow + shares.diverged).toBeCloseTo(1, 12);
  });

  describe("the classification rule (one rule for the CLI's maps and the playground)", () => {
    /** A 1-D run with these losses (minimum value 0), no divergence. */
    const run = (loss: number[]): Trajectory => ({
      landscapeId: "test",
      optimizerId: "test",
      dim: 1,
      dtype: "float64",
      steps: loss.length - 1,
      stepsRun: loss.length - 1,
      iterates: new Float64Array(loss.length),
      loss: Float64Array.from(loss),
      gradNorm: new Float64Array(loss.length),
      divergence: null,
      bound: 1e6,
    });
    const minima = { minima: [{ point: [0], value: 0, kind: "min" as const }] } as never;

    it("calls SGD lr 1.05 on the seed's bowl diverged: finite, but its loss ends above the start's", () => {
      // y ← (1 − 2·1.05)·y = −1.1·y: after 30 steps |y| = 2·1.1³⁰ ≈ 34.9, f ≈ 1218 > f(−7, 2) = 6.45.
      const t = runTrajectory({
        optimizer: createOptimizer("sgd:lr=1.05"),
        landscape: "quadratic",
        start: [-7, 2],
        steps: 30,
      });
      expect(t.divergence).toBeNull();
      expect(t.loss[0]).toBeCloseTo(6.45, 12);
      expect(t.loss[30]).toBeGreaterThan(1000);
      expect(classifyTrajectory(t, quadratic, 1e-3).outcome).toBe("diverged");
    });

    it("needs the run to end and stay within the tolerance: touching it and leaving is slow", () => {
      const tol = 1e-3;
      // Touches at step 2, leaves at step 3, ends at 3× the tolerance: slow, not converged.
      expect(classifyTrajectory(run([1, 0.5, 1e-4, 0.01, 3e-3]), minima, tol)).toEqual({
        outcome: "slow",
        steps: null,
      });
      // Touches at 2, leaves at 3, back at 4 and stays: converged, settled from step 4.
      expect(classifyTrajectory(run([1, 0.5, 1e-4, 0.01, 5e-4, 2e-4]), minima, tol)).toEqual({
        outcome: "converged",
        steps: 4,
      });
      // Finite, never there, below the start: slow; ends above the start: diverged.
      expect(classifyTrajectory(run([1, 0.9, 0.8]), minima, tol).outcome).toBe("slow");
      expect(classifyTrajectory(run([1, 0.9, 1.2]), minima, tol).outcome).toBe("diverged");
    });
  });
});
