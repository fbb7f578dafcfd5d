import { InputRangeError } from "../util/errors.js";
import type { StudyConfig, StudyOptimizer } from "./study.js";

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
