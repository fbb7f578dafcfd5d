import { describe, expect, it } from "vitest";
import { stepsToTolerance } from "../src/lab/metrics.js";
import { quantileSorted as quantile, spreadOf as spread } from "../src/lab/stats.js";
import { timeOptimizer, timingCsv, timingMarkdown } from "../src/lab/timing.js";
import { runTrajectory } from "../src/lab/trajectory.js";
import { getLandscape } from "../src/landscapes/index.js";
import { createOptimizer } from "../src/optim/index.js";

describe("timing statistics", () => {
  it("interpolates quantiles as numpy does", () => {
    // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.75]) = [1.75, 2.5, 3.25]
    expect([0.25, 0.5, 0.75].map((q) => quantile([1, 2, 3, 4], q))).toEqual([1.75, 2.5, 3.25]);
    expect(spread([5, 1, 3])).toEqual({ median: 3, q1: 2, q3: 4, min: 1, max: 5, n: 3 });
  });
});

describe("timing optimizers", () => {
  // A fake clock that advances 1 ms per reading: every timed block lasts exactly 1 ms.
  const fakeClock = () => {
    let t = 0;
    return () => ++t;
  };
  const landscape = getLandscape("quadratic");

  it("divides each repetition's time by its steps and reports the spread", () => {
    const timing = timeOptimizer(landscape, "sgd:lr=0.95", [-7, 2], {
      warmup: 2,
      repetitions: 5,
      stepsPerRepetition: 250,
      runsPerRepetition: 4,
      now: fakeClock(),
    });
    // 1 ms / 250 steps = 4000 ns; 1 ms / 4 runs = 250 µs.
    expect(timing.stepNs).toMatchObject({ median: 4000, q1: 4000, q3: 4000, min: 4000, max: 4000 });
    expect(timing.iterationNs.median).toBe(4000);
    expect(timing.timeToToleranceUs?.median).toBe(250);
  });

  it("counts the steps to f ≤ 1e-3 as the trajectory metrics do", () => {
    for (const spec of ["sgd:lr=0.95", "momentum:lr=0.1", "adagrad:lr=1.5", "adam:lr=0.3"]) {
      const timing = timeOptimizer(landscape, spec, [-7, 2], {
        warmup: 0,
        repetitions: 1,
        stepsPerRepetition: 1,
        runsPerRepetition: 1,
        now: fakeClock(),
      });
      const trajectory = runTrajectory({
        optimizer: createOptimizer(spec),
        landscape,
        start: [-7, 2],
        steps: 1000,
      });
      expect(timing.stepsToTolerance).toBe(stepsToTolerance(trajectory, landscape.minima, 1e-3));
    }
  });

  it("reports a run that never reaches the tolerance as such", () => {
    const timing = timeOptimizer(landscape, "sgd:lr=0.001", [-7, 2], {
      warmup: 0,
      repetitions: 1,
      stepsPerRepetition: 1,
      maxSteps: 50,
      now: fakeClock(),
    });
    expect(timing.stepsToTolerance).toBeNull();
    expect(timing.timeToToleranceUs).toBeNull();
    const report = {
      landscapeId: "quadratic",
      start: [-7, 2],
      tolerance: 1e-3,
      warmup: 0,
      repetitions: 1,
      stepsPerRepetition: 1,
      runsPerRepetition: 1,
      maxSteps: 50,
      timings: [timing],
    };
    expect(timingMarkdown(report)).toContain("not within 50");
    expect(timingCsv(report).split("\n")[1]).toMatch(/^sgd,"sgd: lr=0\.001",/);
  });

  it("rejects a repetition count below one", () => {
    expect(() => timeOptimizer(landscape, "sgd", [-7, 2], { repetitions: 0 })).toThrow(
      /^timing: repetitions must be a whole number ≥ 1, got 0$/,
    );
  });
});
