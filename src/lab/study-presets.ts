import { InputRangeError } from "../util/errors.js";
import { type BenchmarkConfig, benchmarkWorkload } from "./protocol.js";
import { SEARCH_SPACES } from "./search-spaces.js";
import type { StudyConfig, StudyOptimizer } from "./study.js";
import { CNN_FASHION_MNIST, MLP_FASHION_MNIST, MLP_MNIST_SAMPLE } from "./workloads.js";

/**
 * The studies `optlab compare` runs. Every setting is written here, so a report can state it and a reader can
 * change one flag and know what else stays the same.
 */

/** The seed's optimizers with the book's defaults (§8 uses SGD, Momentum, AdaGrad, Adam; §7 adds RMSprop, Nesterov). */
export const BOOK_OPTIMIZERS: readonly StudyOptimizer[] = [
  "sgd",
  "momentum",
  "nesterov",
  "adagrad",
  "rmsprop",
  "adam",
].map((id) => ({ label: id, id, hp: {} }));

/** Seed §6: SGD with momentum against Adam and the two remedies that bridge them. */
export const REMEDY_OPTIMIZERS: readonly StudyOptimizer[] = [
  { label: "sgd+momentum", id: "torch-sgd", hp: { lr: 0.05, momentum: 0.9 } },
  { label: "adam", id: "torch-adam", hp: { lr: 1e-3 } },
  { label: "swats", id: "swats", hp: { lr: 1e-3 } },
  { label: "adabound", id: "adabound", hp: { lr: 1e-3, finalLr: 0.1 } },
];

export interface PresetOptions {
  readonly data?: string;
  readonly seeds?: number;
  readonly iterations?: number;
  /** A tiny version of the same protocol (for tests and a first look): small network, few steps. */
  readonly quick?: boolean;
  readonly optimizers?: readonly StudyOptimizer[];
}

function seedsList(count: number, first = 1): number[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new InputRangeError(`--seeds must be a whole number in [1, 100], got ${count}`);
  }
  return Array.from({ length: count }, (_, i) => first + i);
}

/** The seed's §8 as written (book settings, 2000 updates of 128) with paired seeds added; no tuning. */
export function bookStudy(options: PresetOptions = {}): StudyConfig {
  const quick = options.quick === true;
  const iterations = options.iterations ?? (quick ? 40 : 2000);
  return {
    name: quick ? "book-quick" : "book",
    tier: "book",
    data: options.data ?? "mnist",
    validation: 0,
    hidden: quick ? [16] : [100, 100, 100, 100],
    optimizers: options.optimizers ?? BOOK_OPTIMIZERS,
    iterations,
    batchSize: quick ? 32 : 128,
    evalEvery: Math.max(1, Math.floor(iterations / 10)),
    target: 0.9,
    seeds: seedsList(options.seeds ?? (quick ? 2 : 3)),
  };
}

/**
 * The fair tier: lr tuned with the same budget for everyone (log grid of half-decades around the default,
 * 7 points + 2 extension points, successive halving 500 → 1000 updates keeping 3, two tuning seeds), selected on
 * 1,000 validation images carved from the training split, then reporting seeds 1…N at full length.
 */
export function fairStudy(options: PresetOptions = {}): StudyConfig {
  const quick = options.quick === true;
  const iterations = options.iterations ?? (quick ? 40 : 2000);
  return {
    name: quick ? "fair-quick" : "fair",
    tier: "fair",
    data: options.data ?? "mnist",
    validation: quick ? 200 : 1000,
    hidden: quick ? [16] : [100, 100, 100, 100],
    optimizers: options.optimizers ?? BOOK_OPTIMIZERS,
    iterations,
    batchSize: quick ? 32 : 128,
    evalEvery: Math.max(1, Math.floor(iterations / 20)),
    target: quick ? 0.5 : 0.93,
    seeds: seedsList(options.seeds ?? (quick ? 2 : 5)),
    tuning: {
      spacing: 0.5,
      initialPoints: quick ? 3 : 7,
      extensionPoints: 2,
      rungs: [
        { iterations: Math.max(1, Math.round(iterations / 4)), keep: quick ? 2 : 3 },
        { iterations: Math.max(1, Math.round(iterations / 2)), keep: 1 },
      ],
      tuningSeeds: quick ? [1001] : [1001, 1002],
    },
  };
}

/**
 * Seed §6 as an experiment: SGD+Momentum, Adam, SWATS and AdaBound at their papers' usual settings, reporting
 * the train–test gap. On full-size Fashion-MNIST when installed, else the bundled MNIST split.
 */
export function remediesStudy(options: PresetOptions & { data: string }): StudyConfig {
  const quick = options.quick === true;
  const iterations = options.iterations ?? (quick ? 40 : 3000);
  return {
    name: quick ? "remedies-quick" : "remedies",
    tier: "book",
    data: options.data,
    validation: 0,
    hidden: quick ? [16] : [100, 100, 100, 100],
    optimizers: REMEDY_OPTIMIZERS,
    iterations,
    batchSize: quick ? 32 : 128,
    evalEvery: Math.max(1, Math.floor(iterations / 10)),
    target: 0,
    seeds: seedsList(options.seeds ?? (quick ? 2 : 3)),
    trainEval: quick ? 200 : 5000,
  };
}

/** The fair tier's benchmark presets (issue 12 §4); `benchmarkPreset` builds one. */
export const BENCHMARK_PRESETS = ["quick", "laptop", "full"] as const;
export type BenchmarkPreset = (typeof BENCHMARK_PRESETS)[number];

/**
 * The protocol at three sizes, every optimizer of issue 12 on the same spaces:
 *   quick  — CI and a first look (≤ 5 min on 2 cores): the MLP on the bundled sample shrunk to one hidden layer
 *            of 16 and 60 updates; 2 studies × 3 trials, defaults on 2 seeds, final configurations on 10 seeds;
 *   laptop — ≤ 30 min on 2 cores, the three workloads shortened (each then calibrates its own target):
 *            the book's MLP (784-100×4-10) on the bundled sample, 400 updates of 128, validation every 25;
 *            the same MLP on Fashion-MNIST, 500 updates of 128 (1.1 epochs), 1,000 validation images, every 50;
 *            SimpleConvNet on Fashion-MNIST, 100 updates of 100 (a sixth of an epoch), 500 validation images,
 *            every 10; 3 studies × 5 trials (AlgoPerf's shape at laptop scale), defaults on 3 seeds, final on
 *            10 seeds. (Measured on the idle machine: 500 / 600 / 150 updates with 2,000 / 1,000 images took
 *            35 min 56 s; 400 / 500 / 120 with 1,000 / 500 about 31 min, the conv net's Muon and SOAP runs the
 *            largest share.)
 *   full   — for a cluster: the three workloads at their declared budgets, 5 studies × 20 trials, defaults on
 *            5 seeds, final on 20 seeds.
 * The Fashion-MNIST workloads need Debian's dataset-fashion-mnist: without it, laptop refuses in one line and full
 * runs the sample alone.
 * A shortened or shrunk workload is named so (`mlp-mnist-sample@1:steps=500`) and gets its own calibrated target.
 */
export function benchmarkPreset(
  preset: BenchmarkPreset,
  options: { readonly fashionMnist?: boolean } = {},
): BenchmarkConfig {
  const seeds = (count: number, first: number) => Array.from({ length: count }, (_, i) => first + i);
  const base = {
    name: `fair-${preset}`,
    preset,
    optimizers: SEARCH_SPACES.map((s) => s.label),
    haltonSeed: 12,
    calibrationSeeds: seeds(5, 2001),
    defaultsBudgetFactor: 1.5,
  };
  if (preset === "quick") {
    return {
      ...base,
      workloads: [benchmarkWorkload(MLP_MNIST_SAMPLE, { stepBudget: 60, evalEvery: 10, hidden: [16] })],
      studies: 2,
      trialsPerStudy: 3,
      tuningSeeds: seeds(2, 1001),
      defaultSeeds: seeds(2, 1),
      finalSeeds: seeds(10, 1),
    };
  }
  if (preset === "laptop") {
    if (options.fashionMnist === false) {
      throw new InputRangeError(
        "--preset laptop: its Fashion-MNIST workloads need the data set (apt-get install dataset-fashion-mnist); --preset quick runs on the bundled sample",
      );
    }
    return {
      ...base,
      workloads: [
        benchmarkWorkload(MLP_MNIST_SAMPLE, { stepBudget: 400, evalEvery: 25 }),
        benchmarkWorkload(MLP_FASHION_MNIST, { stepBudget: 500, evalEvery: 50, validation: 1000 }),
        benchmarkWorkload(CNN_FASHION_MNIST, { stepBudget: 100, evalEvery: 10, validation: 500 }),
      ],
      studies: 3,
      trialsPerStudy: 5,
      tuningSeeds: seeds(3, 1001),
      defaultSeeds: seeds(3, 1),
      finalSeeds: seeds(10, 1),
    };
  }
  return {
    ...base,
    workloads: [
      benchmarkWorkload(MLP_MNIST_SAMPLE),
      ...(options.fashionMnist === false
        ? []
        : [benchmarkWorkload(MLP_FASHION_MNIST), benchmarkWorkload(CNN_FASHION_MNIST)]),
    ],
    studies: 5,
    trialsPerStudy: 20,
    tuningSeeds: seeds(5, 1001),
    defaultSeeds: seeds(5, 1),
    finalSeeds: seeds(20, 1),
  };
}
