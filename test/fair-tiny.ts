import { type BenchmarkConfig, benchmarkWorkload } from "../src/lab/protocol.js";
import { MLP_MNIST_SAMPLE } from "../src/lab/workloads.js";

/** The smallest benchmark that still has every stage (calibration, trials, defaults, final): for `npm test`. */
export function tinyBenchmark(name = "fair-tiny"): BenchmarkConfig {
  return {
    name,
    preset: "tiny (tests)",
    workloads: [benchmarkWorkload(MLP_MNIST_SAMPLE, { stepBudget: 20, evalEvery: 5, hidden: [8] })],
    optimizers: ["adamw", "lion"],
    studies: 1,
    trialsPerStudy: 2,
    haltonSeed: 12,
    tuningSeeds: [1001],
    defaultSeeds: [1],
    finalSeeds: [1, 2, 3],
    calibrationSeeds: [2001],
    defaultsBudgetFactor: 1.5,
  };
}

/** A JSON text with every measured time replaced by 0 (the only numbers that differ between two runs). */
export function withoutTimes(value: unknown): string {
  return JSON.stringify(value, (key, v) =>
    ["seconds", "secondsToTarget", "msPerStep"].includes(key)
      ? 0
      : typeof v === "number" && !Number.isFinite(v)
        ? null
        : v,
  );
}
