import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { DataSplit } from "../src/data/types.js";
import { decodeCheckpoint, encodeCheckpoint } from "../src/lab/mnist-checkpoint.js";
import { createNetworkEntry } from "../src/lab/network-optimizer.js";
import { evaluateOnSet, type LossChunk, type TrainingCheckpoint, trainPaired } from "../src/lab/train.js";
import type { BatchEngineFactory } from "../src/nn/engine.js";
import { compileKernels } from "../src/nn/kernels/wasm-kernels.js";
import { type NetworkConfig, networkLayout } from "../src/nn/layout.js";
import { createReferenceEngine } from "../src/nn/reference-engine.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer, createSchedule, scheduleSequence } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";

const root = join(import.meta.dirname, "..");
const SMALL: NetworkConfig = {
  inputSize: 784,
  hiddenSizes: [30, 20],
  outputSize: 10,
  activation: "relu",
  weightDecayLambda: 0,
};
const layout = networkLayout(SMALL);
let data: DataSplit;
let wasm: BatchEngineFactory;

beforeAll(() => {
  const path = join(root, "build", "wasm", "kernels.wasm");
  if (!existsSync(path)) execFileSync("npm", ["run", "build:wasm"], { cwd: root, stdio: "ignore" });
  wasm = createWasmEngineFactory(compileKernels(readFileSync(path)));
  const full = loadMnistSample();
  data = { ...full, test: { ...full.test, count: 300 } };
});

function run(factory: BatchEngineFactory, specs: string[], iterations = 25, resume?: TrainingCheckpoint) {
  const optimizers = specs.map((spec) => createNetworkEntry(spec, layout, iterations));
  const engine = factory(SMALL, optimizers.length, 16);
  const checkpoints: TrainingCheckpoint[] = [];
  const chunks: LossChunk[] = [];
  const result = trainPaired(
    engine,
    data,
    { seed: 4, iterations, batchSize: 16, evalEvery: 10, checkpointEvery: 10, optimizers },
    { onCheckpoint: (c) => checkpoints.push(c), onLosses: (c) => chunks.push(c) },
    resume,
  );
  return { ...result, checkpoints, chunks, engine };
}

describe("training under schedules and parameter groups", () => {
  it("records the lr of every update: the schedule's sequence for one optimizer, the factor for groups", () => {
    const { chunks } = run(wasm, [
      "adamw:lr=0.004 @ warmup-cosine:warmup=5",
      "muon @ warmup-cosine:warmup=5",
    ]);
    const expected = scheduleSequence(
      createSchedule("warmup-cosine:warmup=5", { lr: 0.004, steps: 25 }),
      25,
      {
        lr: 0.004,
      },
    ).lr;
    const lr = chunks.filter((c) => c.optimizer.startsWith("adamw")).flatMap((c) => c.lr ?? []);
    expect(lr).toEqual(expected);
    // warmup from 0: update 1 uses 0, update 2 uses peak·(1/5) (to rounding)
    expect(lr[0]).toBe(0);
    expect(lr[1]).toBeCloseTo(0.0008, 18);
    const factor = chunks.filter((c) => c.optimizer.startsWith("muon")).flatMap((c) => c.lrFactor ?? []);
    expect(factor).toEqual(
      scheduleSequence(createSchedule("warmup-cosine:warmup=5", { lr: 1, steps: 25 }), 25, { lr: 1 }).lr,
    );
    expect(
      chunks.every((c) => (c.optimizer.startsWith("muon") ? c.lr === undefined : c.lrFactor === undefined)),
    ).toBe(true);
  });

  it("without a schedule, trains exactly as before and records no lr", () => {
    const plain = run(wasm, ["adam"]);
    const entry = run(wasm, ["adam"]);
    expect(plain.chunks.every((c) => c.lr === undefined)).toBe(true);
    const optimizers = [{ label: "adam", optimizer: createOptimizer("adam") }];
    const engine = wasm(SMALL, 1, 16);
    const old = trainPaired(engine, data, {
      seed: 4,
      iterations: 25,
      batchSize: 16,
      evalEvery: 10,
      checkpointEvery: 10,
      optimizers,
    });
    expect(Array.from(entry.curves[0])).toEqual(Array.from(old.curves[0]));
  });

  it("resumes a scheduled, grouped run exactly where the uninterrupted run is", () => {
    for (const factory of [wasm, createReferenceEngine]) {
      const specs = ["muon:lr=0.02 @ warmup-cosine:warmup=8", "adamw @ step-lr:stepSize=7,gamma=0.5"];
      const full = run(factory, specs);
      const checkpoint = decodeCheckpoint(encodeCheckpoint(full.checkpoints[0]), "test");
      const resumed = run(factory, specs, 25, checkpoint);
      for (let k = 0; k < 2; k++)
        expect(Array.from(resumed.curves[k])).toEqual(Array.from(full.curves[k].subarray(10)));
      expect(resumed.chunks.map((c) => c.lr ?? c.lrFactor)).toEqual(
        full.chunks.slice(2).map((c) => c.lr ?? c.lrFactor),
      );
      expect(Array.from(resumed.engine.params(0))).toEqual(Array.from(full.engine.params(0)));
    }
  });

  it("tests Schedule-Free at its evaluation point x, leaving the training parameters y untouched", () => {
    const result = run(wasm, ["schedule-free-adamw"], 20);
    const last = result.evaluations[result.evaluations.length - 1];
    expect(last.atEvaluationPoint).toBe(true);
    // The same network evaluated at y (its training parameters) scores differently.
    const engine = result.engine;
    const y = Array.from(engine.params(0));
    const optimizers = [{ label: "sf", optimizer: createOptimizer("schedule-free-adamw") }];
    const again = trainPaired(wasm(SMALL, 1, 16), data, {
      seed: 4,
      iterations: 20,
      batchSize: 16,
      evalEvery: 10,
      checkpointEvery: 10,
      optimizers,
    });
    expect(again.evaluations.map((e) => e.testLoss)).toEqual(result.evaluations.map((e) => e.testLoss));
    expect(Array.from(engine.params(0))).toEqual(y);
    const atY = wasm(SMALL, 1, 16);
    atY.params(0).set(engine.params(0));
    expect(evaluateOnSet(atY, 0, data.test).loss).not.toBe(last.testLoss);
  });

  it("refuses ReduceLROnPlateau in training with one line", () => {
    expect(() => run(wasm, ["adam @ reduce-on-plateau"], 5)).toThrow(
      /^train: adam @ reduce-on-plateau: schedule reduce-on-plateau needs a metric after every update/,
    );
  });
});
