import { describe, expect, it } from "vitest";
import { basinMap, logSpace, outcomeShares, secondAxisFor, stabilityMap } from "../src/lab/landscape-maps.js";
import { getLandscape } from "../src/landscapes/index.js";

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
});
