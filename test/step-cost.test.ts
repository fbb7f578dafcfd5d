import { describe, expect, it } from "vitest";
import type { ImageSet } from "../src/data/types.js";
import { createNetworkOptimizer } from "../src/lab/network-optimizer.js";
import { measureStepCosts } from "../src/lab/step-cost.js";
import { networkLayout } from "../src/nn/layout.js";
import { createReferenceEngine } from "../src/nn/reference-engine.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer } from "../src/optim/index.js";
import { testKernelModule } from "./kernel-module.js";

const images: ImageSet = {
  count: 20,
  rows: 2,
  cols: 2,
  pixels: Float32Array.from({ length: 80 }, (_, i) => (i % 7) / 7),
  labels: Uint8Array.from({ length: 20 }, (_, i) => i % 3),
};
const config = {
  inputSize: 4,
  hiddenSizes: [5],
  outputSize: 3,
  activation: "relu" as const,
  weightDecayLambda: 0,
};

describe("the cost per update, measured interleaved", () => {
  it("times gradient + step + loss of every optimizer once per update, after the warm-up", () => {
    // A clock that advances 1 ms per reading: every timed update lasts exactly 1 ms.
    let clock = 0;
    const costs = measureStepCosts(
      createReferenceEngine,
      config,
      images,
      ["sgd", "adam"].map((id) => ({ label: id, optimizer: createOptimizer(id) })),
      { iterations: 7, warmup: 2, batchSize: 4, now: () => clock++ },
    );
    expect(costs.map((c) => c.label)).toEqual(["sgd", "adam"]);
    for (const c of costs) {
      expect(c.ms).toMatchObject({ median: 1, min: 1, max: 1, n: 7 });
      expect(c.mean).toBe(1);
    }
  });

  it("reports the mean, which counts work done every 10th update that the median of the same updates hides", () => {
    // The clock moves only inside the optimizer steps: 1 ms per step, 21 ms on every 10th of the periodic one.
    let clock = 0;
    const sgd = createOptimizer("sgd");
    const periodic = {
      ...sgd,
      step(...args: Parameters<typeof sgd.step>) {
        sgd.step(...args);
        const state = args[2] as { calls?: number };
        state.calls = (state.calls ?? 0) + 1;
        clock += state.calls % 10 === 0 ? 21 : 1;
      },
    };
    const costs = measureStepCosts(
      createReferenceEngine,
      config,
      images,
      [
        {
          label: "sgd",
          optimizer: {
            ...sgd,
            step: (...a: Parameters<typeof sgd.step>) => {
              sgd.step(...a);
              clock += 1;
            },
          },
        },
        { label: "periodic", optimizer: periodic },
      ],
      { iterations: 20, warmup: 0, batchSize: 4, now: () => clock },
    );
    const [plain, withRefresh] = costs;
    expect(plain.mean).toBe(1);
    expect(withRefresh.ms.median).toBe(1);
    // 18 updates of 1 ms and 2 of 21 ms: a mean of 3 ms.
    expect(withRefresh.mean).toBe(3);
  });

  it("reports a positive time per update on the real clock", () => {
    const costs = measureStepCosts(
      createReferenceEngine,
      config,
      images,
      [{ label: "sgd", optimizer: createOptimizer("sgd:lr=0.1") }],
      {
        iterations: 3,
        warmup: 0,
        batchSize: 4,
      },
    );
    expect(costs[0].ms.median).toBeGreaterThan(0);
  });

  it("counts the steps each path took, per part of parameter groups, as the engine counted them", () => {
    const layout = networkLayout(config);
    const costs = measureStepCosts(
      createWasmEngineFactory(testKernelModule()),
      config,
      images,
      [
        { label: "adam", optimizer: createOptimizer("adam") },
        // SM3 per slot (W1, b1, W2, b2) on its SIMD rows; SOAP rotating a vector has no float32 step.
        { label: "sm3", optimizer: createNetworkOptimizer("sm3", layout).optimizer },
        {
          label: "mixed",
          optimizer: createNetworkOptimizer("groups(bias=soap:precondition1d=true | rest=sm3)", layout)
            .optimizer,
        },
      ],
      { iterations: 3, warmup: 1, batchSize: 4 },
    );
    expect(costs.map((c) => [c.simdSteps, c.plainSteps])).toEqual([
      [4, 0],
      [16, 0],
      [8, 8],
    ]);
  });

  it("counts no path on an engine that keeps no count (the float64 reference)", () => {
    const costs = measureStepCosts(
      createReferenceEngine,
      config,
      images,
      [{ label: "sgd", optimizer: createOptimizer("sgd") }],
      { iterations: 2, warmup: 0, batchSize: 4 },
    );
    expect([costs[0].simdSteps, costs[0].plainSteps]).toEqual([0, 0]);
  });
});
