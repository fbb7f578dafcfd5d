import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { DataSplit } from "../src/data/types.js";
import { decodeCheckpoint, encodeCheckpoint } from "../src/lab/mnist-checkpoint.js";
import { type TrainingCheckpoint, trainPaired } from "../src/lab/train.js";
import type { BatchEngineFactory } from "../src/nn/engine.js";
import { compileKernels } from "../src/nn/kernels/wasm-kernels.js";
import type { NetworkConfig } from "../src/nn/layout.js";
import { createReferenceEngine } from "../src/nn/reference-engine.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";

const root = join(import.meta.dirname, "..");
const SMALL: NetworkConfig = {
  inputSize: 784,
  hiddenSizes: [30, 20],
  outputSize: 10,
  activation: "relu",
  weightDecayLambda: 0,
};
let data: DataSplit;
let engines: [string, BatchEngineFactory][];

beforeAll(() => {
  const path = join(root, "build", "wasm", "kernels.wasm");
  if (!existsSync(path)) execFileSync("npm", ["run", "build:wasm"], { cwd: root, stdio: "ignore" });
  engines = [
    ["wasm", createWasmEngineFactory(compileKernels(readFileSync(path)))],
    ["reference", createReferenceEngine],
  ];
  const full = loadMnistSample();
  // A smaller test set keeps the evaluations quick.
  data = { ...full, test: { ...full.test, count: 300 } };
});

function run(factory: BatchEngineFactory, specs: string[], seed: number, iterations = 25, evalEvery = 10) {
  const optimizers = specs.map((spec) => ({ label: spec, optimizer: createOptimizer(spec) }));
  const engine = factory(SMALL, optimizers.length, 16);
  const checkpoints: TrainingCheckpoint[] = [];
  const result = trainPaired(
    engine,
    data,
    { seed, iterations, batchSize: 16, evalEvery, checkpointEvery: 10, optimizers },
    { onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) },
  );
  return { ...result, checkpoints, engine, optimizers };
}

describe("paired, seeded training", () => {
  for (const engineIndex of [0, 1]) {
    it(`gives the same curves bit for bit for the same seed (engine ${engineIndex === 0 ? "wasm" : "reference"})`, () => {
      const factory = engines[engineIndex][1];
      const a = run(factory, ["sgd", "adam"], 5);
      const b = run(factory, ["sgd", "adam"], 5);
      expect(a.curves.map((c) => Array.from(c))).toEqual(b.curves.map((c) => Array.from(c)));
      expect(a.evaluations).toEqual(b.evaluations);
      const c = run(factory, ["sgd", "adam"], 6);
      expect(Array.from(c.curves[0])).not.toEqual(Array.from(a.curves[0]));
    });

    it(`does not change an optimizer's numbers when another is added (engine ${engineIndex === 0 ? "wasm" : "reference"})`, () => {
      const factory = engines[engineIndex][1];
      const two = run(factory, ["sgd", "adam"], 7);
      const four = run(factory, ["momentum", "sgd", "adagrad", "adam"], 7);
      expect(Array.from(four.curves[1])).toEqual(Array.from(two.curves[0]));
      expect(Array.from(four.curves[3])).toEqual(Array.from(two.curves[1]));
    });
  }

  it("starts every optimizer from the same weights: the first update of two SGDs with the same lr agree", () => {
    const result = run(engines[0][1], ["sgd", "sgd:lr=0.01"], 3, 5, 0);
    expect(Array.from(result.curves[1])).toEqual(Array.from(result.curves[0]));
  });

  it("evaluates the initial weights and every eval-every updates, including the last", () => {
    const result = run(engines[0][1], ["sgd"], 1, 25, 10);
    expect(result.evaluations.map((e) => e.iteration)).toEqual([0, 10, 20, 25]);
    for (const e of result.evaluations) {
      expect(e.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.testAccuracy).toBeLessThanOrEqual(1);
    }
  });

  it("resumes from a checkpoint (through its byte encoding) exactly where an uninterrupted run would be", () => {
    for (const [, factory] of engines) {
      const full = run(factory, ["momentum", "adam"], 9, 25);
      const checkpoint = decodeCheckpoint(encodeCheckpoint(full.checkpoints[1]), "test");
      expect(checkpoint.iteration).toBe(20);
      const optimizers = ["momentum", "adam"].map((spec) => ({
        label: spec,
        optimizer: createOptimizer(spec),
      }));
      const engine = factory(SMALL, 2, 16);
      const resumed = trainPaired(
        engine,
        data,
        { seed: 9, iterations: 25, batchSize: 16, evalEvery: 10, checkpointEvery: 10, optimizers },
        {},
        checkpoint,
      );
      expect(Array.from(resumed.curves[0])).toEqual(Array.from(full.curves[0].subarray(20)));
      expect(Array.from(resumed.curves[1])).toEqual(Array.from(full.curves[1].subarray(20)));
      expect(resumed.evaluations).toEqual(full.evaluations.filter((e) => e.iteration > 20));
      expect(Array.from(engine.params(1))).toEqual(Array.from(full.engine.params(1)));
    }
  });

  it("learns: 200 Adam updates lift test accuracy well above chance", () => {
    const result = run(engines[0][1], ["adam:lr=0.003"], 2, 200, 200);
    const final = result.evaluations[result.evaluations.length - 1];
    expect(final.testAccuracy).toBeGreaterThan(0.6);
  });
});
