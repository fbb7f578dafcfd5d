import { describe, expect, it } from "vitest";
import {
  budgetEpochs,
  CNN_FASHION_MNIST,
  findWorkload,
  trainingImages,
  WORKLOADS,
  workloadKey,
} from "../src/lab/workloads.js";
import { checkConvNetConfig, convNetLayout } from "../src/nn/conv-layout.js";
import { checkNetworkConfig } from "../src/nn/layout.js";

describe("the fair tier's workloads", () => {
  it("are the issue's three, each named and versioned, in the report's order", () => {
    expect(WORKLOADS.map(workloadKey)).toEqual([
      "mlp-mnist-sample@1",
      "mlp-fashion-mnist@1",
      "cnn-fashion-mnist@1",
    ]);
  });

  it("are plain data: JSON round-trips every definition unchanged", () => {
    for (const workload of WORKLOADS) expect(JSON.parse(JSON.stringify(workload))).toEqual(workload);
  });

  it("hold consistent settings: valid networks, a validation tail smaller than the training split, whole batches", () => {
    for (const w of WORKLOADS) {
      if (w.network.kind === "mlp") {
        checkNetworkConfig(w.network.config);
        expect(w.network.config.inputSize).toBe(784);
      } else {
        checkConvNetConfig(w.network.config);
        expect(convNetLayout(w.network.config).inputSize).toBe(784);
      }
      expect(w.data.validation).toBeGreaterThanOrEqual(w.batchSize);
      expect(trainingImages(w)).toBeGreaterThan(w.data.validation);
      expect(w.stepBudget % w.evalEvery).toBe(0);
      expect(w.target.value === null || (w.target.value > 0 && w.target.value < 1)).toBe(true);
      expect(w.target.how.length).toBeGreaterThan(0);
    }
  });

  it("give the conv workload the book's network and batch: 2 epochs of 550 batches of 100 over 55,000 images", () => {
    expect(CNN_FASHION_MNIST.network.kind).toBe("conv");
    expect(convNetLayout(CNN_FASHION_MNIST.network.config as never).size).toBe(433890);
    expect(trainingImages(CNN_FASHION_MNIST)).toBe(55000);
    // 1100 · 100 / 55000 = 2
    expect(budgetEpochs(CNN_FASHION_MNIST)).toBe(2);
  });

  it("are found by id (the latest version) or id@version, and an unknown name is refused in one line", () => {
    expect(findWorkload("cnn-fashion-mnist")).toBe(CNN_FASHION_MNIST);
    expect(findWorkload("cnn-fashion-mnist@1")).toBe(CNN_FASHION_MNIST);
    expect(() => findWorkload("cnn-fashion-mnsit")).toThrow(
      'unknown workload "cnn-fashion-mnsit"; did you mean "cnn-fashion-mnist"? (expected one of: mlp-mnist-sample, mlp-fashion-mnist, cnn-fashion-mnist)',
    );
    expect(() => findWorkload("cnn-fashion-mnist@7")).toThrow(
      'workload "cnn-fashion-mnist": version must be one of 1, got "7"',
    );
  });
});
