import { createOptimizer } from "../optim/index.js";
import { InputRangeError } from "../util/errors.js";
import { scrambledHalton } from "./halton.js";

/**
 * The search spaces of the fair tier (issue 12 §2), as data: one declared space per optimizer, the same on every
 * workload (no per-workload special-casing, AlgoPerf's rule), printed by the report. A trial is a point of a
 * scrambled Halton sequence mapped through the space's dimensions; the defaults track runs `defaults` with the
 * declared `defaultsSchedule`.
 *
 * Scales: `log` draws log-uniformly in [low, high]; `linear` uniformly; `one-minus-log` draws 1 − β log-uniformly
 * in [low, high] (so β ∈ [1 − high, 1 − low]: momentum-like values crowd near 1, as they should).
 * `warmupFraction` is not an optimizer hyperparameter: it is the share of the step budget spent in the linear
 * warmup of the space's schedule (for Schedule-Free, its own `warmupSteps`).
 */
export interface Dimension {
  readonly name: string;
  readonly scale: "log" | "linear" | "one-minus-log";
  readonly low: number;
  readonly high: number;
}

export interface SearchSpace {
  /** The label in reports (`nadamw`, `sgd-nesterov`, …). */
  readonly label: string;
  /** The registry id it runs. */
  readonly id: string;
  /** Hyperparameters every trial and the defaults share (e.g. `nesterov: true`). */
  readonly fixed: Readonly<Record<string, number | boolean>>;
  readonly dimensions: readonly Dimension[];
  /** The lr schedule of every trial: a warmup then cosine decay to 0 over the run, or none (Schedule-Free). */
  readonly schedule: "warmup-cosine" | "constant";
  /** The defaults track: library defaults plus `fixed`, with this warmup fraction. */
  readonly defaultsWarmupFraction: number;
  /** Why a default departs from the library's, or what is missing from the space. */
  readonly note?: string;
}

const lr = (low: number, high: number): Dimension => ({ name: "lr", scale: "log", low, high });
const beta = (name: string, low: number, high: number): Dimension => ({
  name,
  scale: "one-minus-log",
  low,
  high,
});
const eps = (low = 1e-10, high = 1e-6): Dimension => ({ name: "eps", scale: "log", low, high });
const decay = (low = 1e-5, high = 0.5): Dimension => ({ name: "weightDecay", scale: "log", low, high });
const warmup: Dimension = { name: "warmupFraction", scale: "linear", low: 0, high: 0.1 };

/** The optimizer set of issue 12, each with its declared space. */
export const SEARCH_SPACES: readonly SearchSpace[] = [
  {
    label: "adamw",
    id: "adamw",
    fixed: {},
    dimensions: [lr(1e-4, 1e-2), beta("beta1", 0.02, 0.2), beta("beta2", 1e-3, 0.1), eps(), decay(), warmup],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
  },
  {
    label: "nadamw",
    id: "nadam",
    fixed: { decoupledWeightDecay: true },
    dimensions: [lr(1e-4, 1e-2), beta("beta1", 0.02, 0.2), beta("beta2", 1e-3, 0.1), eps(), decay(), warmup],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
    note: "torch NAdam with decoupled decay; its library default decay is 0 (which is NAdam), so the defaults track uses AdamW's 0.01",
  },
  {
    label: "sgd-nesterov",
    id: "torch-sgd",
    fixed: { nesterov: true },
    dimensions: [lr(1e-3, 1), beta("momentum", 0.01, 0.3), decay(1e-6, 1e-2), warmup],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
    note: "torch SGD has no default momentum (0, which Nesterov refuses): the defaults track uses momentum 0.9 with torch's lr 1e-3",
  },
  {
    label: "muon",
    id: "muon",
    fixed: {},
    dimensions: [lr(1e-3, 0.1), beta("momentum", 0.02, 0.2), decay(1e-4, 0.3), warmup],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
    note: "the reference recipe (KellerJordan/Muon's MuonWithAuxAdam): Muon on the hidden weight matrices (the MLP's W2…W4, the conv net's 4320×100 W2), AdamW at lr 1e-3 and its defaults on the input and output matrices and every bias; the dimensions tune Muon's group, the schedule scales both",
  },
  {
    label: "schedule-free-adamw",
    id: "schedule-free-adamw",
    fixed: {},
    dimensions: [lr(5e-4, 2e-2), beta("beta1", 0.02, 0.2), beta("beta2", 1e-3, 0.1), eps(), decay(), warmup],
    schedule: "constant",
    defaultsWarmupFraction: 0.05,
    note: "no schedule by design: the warmup fraction sets its own warmupSteps",
  },
  {
    label: "prodigy",
    id: "prodigy",
    fixed: {},
    dimensions: [lr(0.1, 10), beta("beta1", 0.02, 0.2), beta("beta2", 1e-3, 0.1), decay(), warmup],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
    note: "lr is Prodigy's multiplier of its own step-size estimate (default 1)",
  },
  {
    label: "adopt",
    id: "adopt",
    fixed: {},
    dimensions: [
      lr(1e-4, 1e-2),
      beta("beta1", 0.02, 0.2),
      beta("beta2", 1e-5, 1e-2),
      eps(1e-8, 1e-4),
      warmup,
    ],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
    note: "the registered ADOPT has no weight decay, so its space has none",
  },
  {
    label: "soap",
    id: "soap",
    fixed: { maxPrecondDim: 512 },
    dimensions: [lr(3e-4, 3e-2), beta("beta1", 0.02, 0.2), beta("beta2", 0.01, 0.1), eps(), decay(), warmup],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
    note: "one SOAP per weight matrix with its shape (conv filters as the 30×25 matrix), biases as Adam (precondition1d off, the reference's default); sides longer than maxPrecondDim = 512 are not rotated (reference default 10,000): a 784×784 or 4320×4320 eigenbasis every 10 updates does not fit a laptop budget, so W1 of the MLP and W2 of the conv net are rotated on their 100-wide side only",
  },
  {
    label: "lion",
    id: "lion",
    fixed: {},
    dimensions: [lr(1e-5, 1e-3), beta("beta1", 0.02, 0.2), beta("beta2", 1e-3, 0.1), decay(1e-4, 1), warmup],
    schedule: "warmup-cosine",
    defaultsWarmupFraction: 0.05,
  },
];

/** Defaults-track departures from the library defaults, named in each space's note. */
const DEFAULT_OVERRIDES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  nadamw: { weightDecay: 0.01 },
  "sgd-nesterov": { momentum: 0.9 },
};

export function findSearchSpace(label: string): SearchSpace {
  const space = SEARCH_SPACES.find((s) => s.label === label);
  if (!space) {
    throw new InputRangeError(
      `search space: unknown optimizer ${JSON.stringify(label)} (expected one of: ${SEARCH_SPACES.map((s) => s.label).join(", ")})`,
    );
  }
  return space;
}

/** One configuration to run: the optimizer's complete hyperparameters and its schedule. */
export interface TrialConfig {
  readonly hp: Readonly<Record<string, number | boolean>>;
  readonly warmupFraction: number;
  /** The schedule in its string form (`warmup-cosine:warmupSteps=25`), or null for a constant lr. */
  readonly schedule: string | null;
}

function complete(
  space: SearchSpace,
  hp: Record<string, number | boolean>,
): Record<string, number | boolean> {
  return { ...createOptimizer({ id: space.id, hp }).hp };
}

function withSchedule(
  space: SearchSpace,
  hp: Record<string, number | boolean>,
  warmupFraction: number,
  steps: number,
): TrialConfig {
  const warmupSteps = Math.round(warmupFraction * steps);
  if (space.schedule === "constant") {
    const own = space.id === "schedule-free-adamw" ? { ...hp, warmupSteps } : hp;
    return { hp: complete(space, own), warmupFraction, schedule: null };
  }
  return {
    hp: complete(space, hp),
    warmupFraction,
    schedule: `warmup-cosine:warmupSteps=${warmupSteps}`,
  };
}

/** Maps a point of [0, 1)^d to a value of each dimension. */
export function dimensionValue(dimension: Dimension, u: number): number {
  const { low, high } = dimension;
  if (dimension.scale === "linear") return low + u * (high - low);
  const log = Math.log(low) + u * (Math.log(high) - Math.log(low));
  return dimension.scale === "log" ? Math.exp(log) : 1 - Math.exp(log);
}

/** Trial `index` of a space: Halton point `index` (seeded) through the dimensions, for a run of `steps` updates. */
export function trialConfig(space: SearchSpace, index: number, seed: number, steps: number): TrialConfig {
  const u = scrambledHalton(space.dimensions.length, seed).point(index);
  const hp: Record<string, number | boolean> = { ...space.fixed };
  let warmupFraction = 0;
  space.dimensions.forEach((dimension, d) => {
    const value = dimensionValue(dimension, u[d]);
    if (dimension.name === "warmupFraction") warmupFraction = value;
    else hp[dimension.name] = value;
  });
  return withSchedule(space, hp, warmupFraction, steps);
}

/** The defaults track: library defaults, the space's fixed settings and declared overrides, the declared warmup. */
export function defaultsConfig(space: SearchSpace, steps: number): TrialConfig {
  const hp = { ...space.fixed, ...(DEFAULT_OVERRIDES[space.label] ?? {}) };
  return withSchedule(space, hp, space.defaultsWarmupFraction, steps);
}

/** A space as one line of the report: `lr log [1e-4, 1e-2] · beta1 1−log [0.8, 0.98] · …`. */
export function describeSpace(space: SearchSpace): string {
  const fmt = (v: number) => Number(v.toPrecision(3)).toString();
  const dims = space.dimensions.map((d) =>
    d.scale === "one-minus-log"
      ? `${d.name} ∈ [${fmt(1 - d.high)}, ${fmt(1 - d.low)}] (1 − ${d.name} log-uniform)`
      : `${d.name} ∈ [${fmt(d.low)}, ${fmt(d.high)}] (${d.scale === "log" ? "log-uniform" : "uniform"})`,
  );
  const fixed = Object.entries(space.fixed).map(([k, v]) => `${k} = ${v}`);
  return [...dims, ...fixed, `schedule ${space.schedule}`].join(" · ");
}
