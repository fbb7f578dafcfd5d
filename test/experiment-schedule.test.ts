import { describe, expect, it } from "vitest";
import { experimentFromFlags } from "../src/cli/figure.js";
import { parseExperiment, runExperiment } from "../src/lab/experiment.js";
import { createSchedule, scheduleSequence } from "../src/optim/index.js";

describe("experiments under a schedule", () => {
  it("runs every optimizer under the experiment's schedule and records the lr of every step", () => {
    const experiment = parseExperiment({
      figure: "trajectories",
      function: "quadratic",
      steps: 12,
      optimizers: ["sgd:lr=0.5", "adam:lr=0.3"],
      schedule: "warmup-cosine:warmup=4",
    });
    const run = runExperiment(experiment);
    for (const [k, lr] of [
      [0, 0.5],
      [1, 0.3],
    ] as const) {
      const expected = scheduleSequence(createSchedule("warmup-cosine:warmup=4", { lr, steps: 12 }), 12, {
        lr,
      }).lr;
      expect(Array.from(run.runs[k].trajectory.lr ?? [])).toEqual(expected);
      expect(run.runs[k].settings).toMatch(/ \(schedule warmup-cosine:warmup=4\)$/);
    }
    // The first step of a warmup from 0 does not move.
    expect(run.runs[0].points[1]).toEqual(run.runs[0].points[0]);
  });

  it("takes a schedule as { id, options } too", () => {
    const experiment = parseExperiment({
      figure: "losses",
      function: "quadratic",
      steps: 6,
      optimizers: ["sgd:lr=0.1"],
      schedule: { id: "step-lr", options: { stepSize: 2, gamma: 0.5 } },
    });
    // torch StepLR: 0.1, 0.1, 0.05, 0.05, 0.025, 0.025
    expect(Array.from(runExperiment(experiment).runs[0].trajectory.lr ?? [])).toEqual([
      0.1, 0.1, 0.05, 0.05, 0.025, 0.025,
    ]);
  });

  it("says in the settings line (the subtitle) that Muon sees (x, y) as a 1×2 matrix", () => {
    const run = runExperiment(
      parseExperiment({
        figure: "trajectories",
        function: "quadratic",
        steps: 3,
        optimizers: ["muon:lr=0.1", "sgd"],
      }),
    );
    expect(run.runs[0].settings).toMatch(/ \(\(x, y\) as a 1×2 matrix\)$/);
    expect(run.runs[1].settings).not.toMatch(/matrix/);
  });

  it("refuses a bad schedule with one line naming the field", () => {
    const base = { figure: "trajectories", function: "quadratic", optimizers: ["sgd"] };
    expect(() => parseExperiment({ ...base, schedule: "warmup-cosin" }, "e.json")).toThrow(
      /^e\.json: schedule: unknown schedule "warmup-cosin"; did you mean "warmup-cosine"\?/,
    );
    expect(() => parseExperiment({ ...base, schedule: 3 }, "e.json")).toThrow(
      /^e\.json: schedule must be a schedule such as "warmup-cosine:warmup=10" or \{ "id", "options" \}, got 3$/,
    );
    expect(() => parseExperiment({ ...base, schedule: "step-lr" }, "e.json")).toThrow(
      /^e\.json: schedule: step-lr: /,
    );
  });

  it("is reachable from optlab figure's --schedule flag", () => {
    const { experiment } = experimentFromFlags([
      "trajectories",
      "--optimizer",
      "sgd:lr=0.2",
      "--steps",
      "5",
      "--schedule",
      "cosine",
    ]);
    expect(experiment.schedule).toBe("cosine");
    expect(runExperiment(experiment).runs[0].trajectory.lr?.[0]).toBe(0.2);
  });
});
