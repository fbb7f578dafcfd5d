import { InputRangeError, InputTypeError, show } from "../../util/errors.js";
import type { ScheduleSpec } from "./types.js";

/**
 * The one place where other libraries' schedule spellings become optlab's: torch's scheduler classes and optax's
 * schedule functions → optlab ids; their snake_case options → camelCase (with the few names camelCase cannot make:
 * T_max, T_0, T_mult); the golden file's nested forms (`{schedule, options}`, `{name, options, schedulers}`,
 * `lr_lambda: {table}`); and the short names the CLI string form allows (`warmup-cosine:warmup=100`).
 */
export const foreignScheduleNames: Readonly<Record<string, string>> = {
  // torch.optim.lr_scheduler
  StepLR: "step-lr",
  MultiStepLR: "multistep-lr",
  ConstantLR: "constant-lr",
  LinearLR: "linear-lr",
  ExponentialLR: "exponential-lr",
  PolynomialLR: "polynomial-lr",
  CosineAnnealingLR: "cosine-annealing-lr",
  CosineAnnealingWarmRestarts: "cosine-warm-restarts",
  CyclicLR: "cyclic-lr",
  OneCycleLR: "onecycle-lr",
  SequentialLR: "sequential-lr",
  ChainedScheduler: "chained",
  ReduceLROnPlateau: "reduce-on-plateau",
  LambdaLR: "lambda-lr",
  MultiplicativeLR: "multiplicative-lr",
  // optax schedules
  constant_schedule: "constant",
  linear_schedule: "linear",
  polynomial_schedule: "polynomial",
  exponential_decay: "exponential",
  cosine_decay_schedule: "cosine",
  warmup_constant_schedule: "warmup-constant",
  warmup_cosine_decay_schedule: "warmup-cosine",
  warmup_exponential_decay_schedule: "warmup-exponential",
  piecewise_constant_schedule: "piecewise-constant",
  piecewise_interpolate_schedule: "piecewise-interpolate",
  linear_onecycle_schedule: "linear-onecycle",
  cosine_onecycle_schedule: "cosine-onecycle",
  join_schedules: "join",
  sgdr_schedule: "sgdr",
  warmup_stable_decay: "wsd",
};

const prefixes = ["torch.optim.lr_scheduler.", "lr_scheduler.", "torch.", "optax.schedules.", "optax."];

/** Option names camelCase does not produce. */
const renamed: Readonly<Record<string, string>> = {
  T_max: "tMax",
  T_0: "t0",
  T_mult: "tMult",
  lr_lambda: "lrLambda",
};

/** Short option names of the CLI string form, per schedule (`warmup-cosine:warmup=100,peak=0.1`). */
const shortNames: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  constant: { lr: "value" },
  linear: { init: "initValue", end: "endValue", steps: "transitionSteps", begin: "transitionBegin" },
  polynomial: { init: "initValue", end: "endValue", steps: "transitionSteps", begin: "transitionBegin" },
  exponential: {
    init: "initValue",
    end: "endValue",
    steps: "transitionSteps",
    rate: "decayRate",
    begin: "transitionBegin",
  },
  cosine: { init: "initValue", steps: "decaySteps" },
  "warmup-constant": { init: "initValue", peak: "peakValue", warmup: "warmupSteps" },
  "warmup-cosine": {
    init: "initValue",
    peak: "peakValue",
    warmup: "warmupSteps",
    steps: "decaySteps",
    end: "endValue",
  },
  "warmup-exponential": {
    init: "initValue",
    peak: "peakValue",
    warmup: "warmupSteps",
    steps: "transitionSteps",
    rate: "decayRate",
    end: "endValue",
  },
  "linear-onecycle": { steps: "transitionSteps", peak: "peakValue" },
  "cosine-onecycle": { steps: "transitionSteps", peak: "peakValue" },
  wsd: {
    init: "initValue",
    peak: "peakValue",
    warmup: "warmupSteps",
    stable: "stableSteps",
    decay: "decaySteps",
    end: "endValue",
  },
  "step-lr": { step: "stepSize" },
  "onecycle-lr": { steps: "totalSteps", max: "maxLr" },
  "cyclic-lr": { base: "baseLr", max: "maxLr", up: "stepSizeUp", down: "stepSizeDown" },
  "cosine-annealing-lr": { steps: "tMax" },
};

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** An optlab schedule id for any supported name (`CosineAnnealingLR`, `optax.warmup_cosine_decay_schedule`, `wsd`). */
export function canonicalScheduleName(name: string): string {
  let trimmed = name.trim();
  for (const prefix of prefixes) if (trimmed.startsWith(prefix)) trimmed = trimmed.slice(prefix.length);
  const lower = trimmed.toLowerCase();
  for (const [foreign, id] of Object.entries(foreignScheduleNames))
    if (foreign.toLowerCase() === lower) return id;
  return lower;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Any supported form of a schedule → `{ id, options }` in optlab spellings: optlab's own spec, the golden file's
 * optax form `{schedule, options, overrides}`, its torch form `{name, options, schedulers}`, nested alike.
 */
export function canonicalScheduleSpec(spec: unknown): ScheduleSpec {
  if (!isObject(spec))
    throw new InputTypeError(`schedule must be an object { id, options }, got ${show(spec)}`);
  const name = spec.id ?? spec.schedule ?? spec.name;
  if (typeof name !== "string") {
    throw new InputTypeError(
      `schedule needs an id (or optax's "schedule", torch's "name"), got ${show(spec)}`,
    );
  }
  const id = canonicalScheduleName(name);
  const given = spec.options ?? {};
  if (!isObject(given)) throw new InputTypeError(`${id}: options must be an object, got ${show(given)}`);
  const raw: Record<string, unknown> = { ...given };
  if (Array.isArray(spec.schedulers)) raw.schedulers = spec.schedulers;
  return { id, options: canonicalScheduleOptions(id, raw) };
}

/** Options in any supported spelling → optlab's, for schedule `id`. */
export function canonicalScheduleOptions(
  id: string,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const put = (name: string, value: unknown, from: string) => {
    if (name in out)
      throw new InputTypeError(`${id}: ${from} and ${origin[name]} both set ${name}; give it once`);
    out[name] = value;
    origin[name] = from;
  };
  const short = shortNames[id] ?? {};
  let epochs: unknown;
  let stepsPerEpoch: unknown;
  for (const [key, value] of Object.entries(given)) {
    if (key === "scale_fn" || key === "scaleFn") {
      if (value !== null) {
        throw new InputRangeError(
          `${id}: optlab accepts scale_fn only as null (a mode names the scale), got ${show(value)}`,
        );
      }
      continue;
    }
    if (key === "epochs") {
      epochs = value;
      continue;
    }
    if (key === "steps_per_epoch" || key === "stepsPerEpoch") {
      stepsPerEpoch = value;
      continue;
    }
    const name = short[key] ?? renamed[key] ?? camelCase(key);
    let converted = value;
    if (name === "lrLambda" && isObject(value) && Array.isArray(value.table)) converted = value.table;
    if ((name === "schedules" || name === "schedulers") && Array.isArray(value))
      converted = value.map(canonicalScheduleSpec);
    if (name === "cosineKwargs" && Array.isArray(value)) {
      converted = value.map((kwargs) =>
        isObject(kwargs) ? canonicalScheduleOptions("warmup-cosine", kwargs) : kwargs,
      );
    }
    // torch's total_steps=None means epochs × steps_per_epoch.
    if (name === "totalSteps" && value === null) continue;
    put(name, converted, key);
  }
  if (id === "onecycle-lr" && !("totalSteps" in out) && epochs !== undefined && epochs !== null) {
    if (!(Number.isInteger(epochs) && Number.isInteger(stepsPerEpoch))) {
      throw new InputRangeError(
        `onecycle-lr: epochs and stepsPerEpoch must be whole numbers, got ${show(epochs)} and ${show(stepsPerEpoch)}`,
      );
    }
    out.totalSteps = (epochs as number) * (stepsPerEpoch as number);
  }
  return out;
}
