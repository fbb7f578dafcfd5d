import { describe, expect, it } from "vitest";
import { meanInterval } from "../src/lab/stats.js";
import {
  answerQuestions,
  compareIntervals,
  type Measurements,
  type TrajectoryFacts,
} from "../src/report/answers.js";

function run(optimizerId: string, patch: Partial<TrajectoryFacts> = {}): TrajectoryFacts {
  return {
    label: optimizerId,
    optimizerId,
    settings: `${optimizerId}: lr=0.1`,
    lr: 0.1,
    steps: 30,
    finalLoss: 0.01,
    finalDistance: 0.1,
    stepsToTolerance: 20,
    pathLength: 10,
    zigzag: [0, 0.1],
    zigzagOverall: 0.05,
    effectiveStep: [0.5, 0.1],
    divergedAt: null,
    ...patch,
  };
}

function measurements(patch: Partial<Measurements> = {}): Measurements {
  const ids = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];
  return {
    tolerance: 1e-3,
    seedRuns: [
      run("sgd", { zigzag: [0, 0.97], effectiveStep: [0.95, 0.95], lr: 0.95, pathLength: 31.2 }),
      run("momentum", { zigzag: [0.1, 0.3], effectiveStep: [0.6, 0.2] }),
      run("nesterov"),
      run("adagrad", { effectiveStep: [6, 0.3], finalLoss: 0.002, lr: 1.5 }),
      run("rmsprop"),
      run("adam", { finalLoss: 0.05, lr: 0.3 }),
    ],
    variants: [
      { setting: "lr 0.01", runs: [run("sgd", { finalLoss: 2.3 })] },
      { setting: "lr 11", runs: [run("sgd", { divergedAt: 4 }), run("adam", { finalLoss: 40 })] },
    ],
    timing: ids.map((id, i) => ({
      label: id,
      optimizerId: id,
      stepNs: { median: 10 + i * 5, q1: 9 + i * 5, q3: 11 + i * 5 },
      iterationNs: { median: 20 + i * 5, q1: 19, q3: 21 },
      stepsToTolerance: 10 + i,
      timeToToleranceUs: 1 + i,
    })),
    stability: ids.map((id) => ({
      label: id,
      lowest: 0.01,
      highest: 1,
      decades: 2,
      bestSteps: 12,
      bestLr: 0.5,
    })),
    mnist: {
      facts: ids.map((id, i) => ({
        label: id,
        finalLoss: meanInterval([0.3 - i * 0.01, 0.31 - i * 0.01, 0.32 - i * 0.01]),
        testAccuracy: meanInterval([0.9 + i * 0.001, 0.905 + i * 0.001, 0.91 + i * 0.001]),
        lossEvery100: [2.3, 1],
        diverged: 0,
      })),
      hidden: [100, 100, 100, 100],
      seeds: [1, 2, 3],
      iterations: 2000,
      batchSize: 128,
      data: "mnist",
    },
    remedies: null,
    ...patch,
  };
}

describe("the report's generated answers", () => {
  it("answers every question of the seed, in order", () => {
    expect(answerQuestions(measurements()).map((e) => e.id)).toEqual([
      "4.1",
      "4.2",
      "4.3",
      "4.4",
      "4.5",
      "5",
      "6",
      "7",
      "8",
    ]);
  });

  it("states this run's zig-zag numbers and changes when they change", () => {
    const first = answerQuestions(measurements())[0];
    expect(first.answer).toContain("sgd 97 % (x: 0 %)");
    const other = answerQuestions(
      measurements({
        seedRuns: [
          run("sgd", { zigzag: [0, 0.5] }),
          run("momentum", { zigzag: [0, 0.7] }),
          run("adagrad"),
          run("adam"),
        ],
      }),
    )[0];
    expect(other.answer).toContain("sgd 50 %");
    expect(other.answer).not.toBe(first.answer);
    expect(first.numbers).toMatchObject({ sgd: { zigzagY: 0.97 } });
  });

  it("says tied when seed intervals overlap and ranks only where they do not", () => {
    const mnist = answerQuestions(measurements())[8].answer;
    expect(mnist).toContain("adam ≈ rmsprop ≈ adagrad ≈ nesterov ≈ momentum ≈ sgd");
    const apart = measurements();
    const separated = {
      ...apart,
      mnist: {
        ...(apart.mnist as NonNullable<Measurements["mnist"]>),
        facts: (apart.mnist as NonNullable<Measurements["mnist"]>).facts.map((f, i) => ({
          ...f,
          testAccuracy: meanInterval([0.5 + i * 0.08, 0.501 + i * 0.08, 0.502 + i * 0.08]),
        })),
      },
    };
    expect(answerQuestions(separated)[8].answer).toContain(
      "adam > rmsprop > adagrad > nesterov > momentum > sgd",
    );
  });

  it("compares two intervals in words", () => {
    const a = meanInterval([0.9, 0.91, 0.92]);
    const b = meanInterval([0.8, 0.81, 0.82]);
    expect(compareIntervals(a, b, "higher than", "lower than")).toBe("higher than");
    expect(compareIntervals(b, a, "higher than", "lower than")).toBe("lower than");
    expect(compareIntervals(a, meanInterval([0.89, 0.92, 0.95]), "higher than", "lower than")).toBe(
      "tied with",
    );
    expect(compareIntervals(meanInterval([0.9]), meanInterval([0.8]), "higher than", "lower than")).toBe(
      "higher, on one seed (no spread to judge), than",
    );
  });

  it("reports divergence with the step where it happened", () => {
    expect(answerQuestions(measurements())[4].answer).toContain("diverged: sgd at step 4");
  });

  it("judges Adam against AdaGrad from the numbers: worse at the seed's settings here", () => {
    const q43 = answerQuestions(measurements())[2].answer;
    expect(q43).toContain("Adam's loss 0.05 ends higher than AdaGrad's 0.002");
    const better = answerQuestions(
      measurements({ seedRuns: [run("adagrad", { finalLoss: 0.5 }), run("adam", { finalLoss: 0.05 })] }),
    )[2].answer;
    expect(better).toContain("ends lower than");
  });

  it("says plainly when an experiment was not run", () => {
    const entries = answerQuestions(measurements({ mnist: null }));
    expect(entries[8].answer).toBe("MNIST was not run.");
    expect(entries[6].answer).toContain("was not run");
  });
});
