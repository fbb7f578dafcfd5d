import { describe, expect, it } from "vitest";
import { createNetworkEntry } from "../src/lab/network-optimizer.js";
import { checkRunSpec, executeRunSpec, type RunSpec, runSpecNetworkText } from "../src/lab/runspec.js";
import { trainPaired } from "../src/lab/train.js";
import { networkLayout } from "../src/nn/layout.js";
import { createReferenceEngine } from "../src/nn/reference-engine.js";
import { createSchedule, scheduleSequence } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";

const base: RunSpec = {
  kind: "mnist",
  id: "s/adamw/1",
  data: "mnist",
  validation: 0,
  hidden: [12],
  optimizer: { id: "adamw", hp: { lr: 0.002 } },
  seed: 3,
  iterations: 12,
  batchSize: 8,
  evalEvery: 0,
  test: false,
  trainEval: 0,
  target: 0,
};

describe("run specs with a schedule and parameter groups", () => {
  it("refuses a field it does not know, naming the nearest", () => {
    expect(() => checkRunSpec({ ...base, shedule: "cosine" })).toThrow(
      /^run spec: unknown field "shedule"; did you mean "schedule"\?/,
    );
  });

  it("checks the schedule and the groups when read, one line each", () => {
    expect(checkRunSpec({ ...base, schedule: "warmup-cosine:warmup=3" }).schedule).toBe(
      "warmup-cosine:warmup=3",
    );
    expect(() => checkRunSpec({ ...base, schedule: "warmup-cosin" })).toThrow(
      /^run spec: schedule: unknown schedule "warmup-cosin"; did you mean "warmup-cosine"\?/,
    );
    expect(() => checkRunSpec({ ...base, schedule: 7 })).toThrow(
      /^run spec: schedule must be a schedule such as "warmup-cosine:warmup=100"/,
    );
    expect(() => checkRunSpec({ ...base, hidden: [12, 12], groups: "bias=muon" })).toThrow(
      /^run spec: groups: muon cannot update bias b1 \(shape \[12\]\).*give the biases to adamw/,
    );
    expect(() => checkRunSpec({ ...base, groups: "" })).toThrow(
      /^run spec: groups must be parameter groups such as "hidden=muon:lr=0.02", got ""$/,
    );
  });

  it("gives the roles the groups leave out to the spec's optimizer", () => {
    expect(runSpecNetworkText({ ...base, groups: "hidden=muon:lr=0.02", schedule: "cosine" })).toBe(
      "groups(hidden=muon:lr=0.02 | rest=adamw:lr=0.002) @ cosine",
    );
    expect(runSpecNetworkText({ ...base, groups: "muon | sgd" })).toBe("groups(muon | sgd)");
  });

  it("trains under the schedule exactly as optlab mnist's entry would, and returns the lr of every update", () => {
    const data = loadMnistSample();
    const environment = { loadData: () => data, engineFactory: createReferenceEngine, now: () => 0 };
    const spec = checkRunSpec({
      ...base,
      hidden: [12, 12],
      groups: "hidden=muon:lr=0.02",
      schedule: "warmup-cosine:warmup=4",
    });
    const result = executeRunSpec(spec, environment);
    expect(result.lr).toEqual(
      scheduleSequence(createSchedule("warmup-cosine:warmup=4", { lr: 1, steps: 12 }), 12, { lr: 1 }).lr,
    );
    const config = {
      inputSize: 784,
      hiddenSizes: [12, 12],
      outputSize: 10,
      activation: "relu" as const,
      weightDecayLambda: 0,
    };
    const entry = createNetworkEntry(runSpecNetworkText(spec), networkLayout(config), 12);
    const engine = createReferenceEngine(config, 1, 256);
    const direct = trainPaired(engine, data, {
      seed: 3,
      iterations: 12,
      batchSize: 8,
      evalEvery: 12,
      checkpointEvery: 12,
      optimizers: [{ ...entry, label: "adamw" }],
    });
    const curve = Array.from(direct.curves[0]);
    expect(result.curve[0]).toBe(curve.slice(0, 10).reduce((a, b) => a + b, 0) / 10);
    expect(checkRunSpec({ ...base }).schedule).toBeUndefined();
    expect(executeRunSpec(base, environment).lr).toBeUndefined();
  });
});
