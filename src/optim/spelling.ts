import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import { MUON_NS_PRESETS } from "./optax-muon.js";
import type { HpValue } from "./types.js";

/**
 * The one place where other libraries' spellings become optlab's.
 *
 * Optimizer names: optlab ids (`adam`, `torch-adam`), the book's class names (`Adam`, `AdaGrad` → the book's
 * six), torch's (`torch.optim.Adam`, `torch.Adam`) and optax's (`optax.lion`).
 * Hyperparameters: optlab spells them `lr`, `beta1`, `beta2`, `eps`, `weightDecay`, `rho`, …; torch's
 * `betas`, `alpha` (RMSprop), optax's `learning_rate`, `b1`, `b2`, the book's `decay_rate` and any
 * snake_case name (`weight_decay` → `weightDecay`) are translated here.
 */

/** Family → class or function name (as the golden documents write them) → optlab id. */
export const foreignOptimizerNames: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  textbook: {
    SGD: "sgd",
    Momentum: "momentum",
    Nesterov: "nesterov",
    AdaGrad: "adagrad",
    RMSprop: "rmsprop",
    Adam: "adam",
  },
  torch: {
    SGD: "torch-sgd",
    Adagrad: "torch-adagrad",
    RMSprop: "torch-rmsprop",
    Adam: "torch-adam",
    AdamW: "adamw",
    NAdam: "nadam",
    RAdam: "radam",
    Adadelta: "adadelta",
    Adamax: "adamax",
    Muon: "muon",
    Adafactor: "torch-adafactor",
    Rprop: "rprop",
    ASGD: "asgd",
    LBFGS: "lbfgs",
  },
  optax: {
    lion: "lion",
    adabelief: "adabelief",
    schedule_free_adamw: "schedule-free-adamw",
    schedule_free_sgd: "schedule-free-sgd",
    prodigy: "prodigy",
    dadapt_adamw: "dadapt-adamw",
    muon: "optax-muon",
    adopt: "adopt",
    ademamix: "ademamix",
    simplified_ademamix: "simplified-ademamix",
    adafactor: "adafactor",
    lamb: "lamb",
    lars: "lars",
    yogi: "yogi",
    adan: "adan",
    novograd: "novograd",
    sm3: "sm3",
    fromage: "fromage",
    amsgrad: "amsgrad",
    adamw: "optax-adamw",
    adam: "optax-adam",
    sgd: "optax-sgd",
  },
};

const familyPrefixes: Readonly<Record<string, string>> = {
  "torch.optim.": "torch",
  "torch.": "torch",
  "optax.contrib.": "optax",
  "optax.": "optax",
  "book.": "textbook",
  "textbook.": "textbook",
};

function lookupIgnoringCase(table: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, id] of Object.entries(table)) if (key.toLowerCase() === lower) return id;
  return undefined;
}

/** Translates a user's optimizer name to an optlab id; returns the name unchanged when it is not foreign. */
export function canonicalOptimizerName(name: string): string {
  const trimmed = name.trim();
  for (const [prefix, family] of Object.entries(familyPrefixes)) {
    if (trimmed.toLowerCase().startsWith(prefix)) {
      return lookupIgnoringCase(foreignOptimizerNames[family], trimmed.slice(prefix.length)) ?? trimmed;
    }
  }
  return lookupIgnoringCase(foreignOptimizerNames.textbook, trimmed) ?? trimmed.toLowerCase();
}

/**
 * Switches that change how, not what, is computed — torch's `foreach`, `capturable`, `differentiable`, `fused`
 * and optax's `mu_dtype` (the moment's dtype, default: the parameters'), `mask` (which leaves get weight decay,
 * default: all) — accepted only at their no-op values (false or null).
 */
const implementationFlags = new Set(["foreach", "capturable", "differentiable", "fused", "mu_dtype", "mask"]);

const renamed: Readonly<Record<string, string>> = {
  learning_rate: "lr",
  learningRate: "lr",
  b1: "beta1",
  b2: "beta2",
  decay_rate: "rho",
  decayRate: "rho",
};

// ---- optax 0.2.8 family: options whose spelling is not a plain rename ----

/** optax's named option values (Muon's `ns_coeffs` presets and `preconditioning`, Adafactor's `dtype_momentum`). */
const OPTAX_OPTION_VALUES = [
  "standard",
  "dion",
  "frobenius",
  "spectral",
  "aol",
  "schatten",
  "float32",
  "float64",
];

/** Per optimizer: optax option → what its `None` means in optlab's numbers and flags (same numbers, no sentinel math). */
const optaxNone: Readonly<Record<string, Readonly<Record<string, readonly (readonly [string, HpValue])[]>>>> =
  {
    "schedule-free-adamw": { warmup_steps: [["warmupSteps", 0]] },
    "schedule-free-sgd": { warmup_steps: [["warmupSteps", 0]], weight_decay: [["weightDecay", 0]] },
    prodigy: { beta3: [["beta3", 0]] },
    "optax-muon": { adam_learning_rate: [["adamLr", 0]], consistent_rms: [["consistentRms", 0]] },
    "optax-sgd": { momentum: [["momentum", 0]] },
    adafactor: {
      learning_rate: [["lr", 1]],
      clipping_threshold: [["clipping", false]],
      momentum: [["momentum", 0]],
      weight_decay_rate: [["weightDecayRate", 0]],
    },
  };

/** optax options accepted only at the value that leaves the numbers unchanged (dropped after the check). */
const optaxFixed: Readonly<Record<string, readonly unknown[]>> = {
  clip_value_fn: ["count**0.25"],
  weight_decay_mask: [null, true],
  trust_ratio_mask: [null, true],
  muon_weight_dimension_numbers: [null],
  state_dtype: [null],
  accumulator_dtype: [null],
};

/** optax renames that `camelCase` does not produce. */
const optaxRenamed: Readonly<Record<string, string>> = {
  b3: "beta3",
  adam_b1: "adamBeta1",
  adam_b2: "adamBeta2",
  adam_learning_rate: "adamLr",
};

const OPTAX_IDS = new Set([
  "optax-sgd",
  "optax-adam",
  "optax-adamw",
  "schedule-free-adamw",
  "schedule-free-sgd",
  "prodigy",
  "dadapt-adamw",
  "optax-muon",
  "adopt",
  "ademamix",
  "simplified-ademamix",
  "adafactor",
  "lamb",
  "lars",
  "yogi",
  "adan",
  "novograd",
  "sm3",
  "fromage",
  "amsgrad",
]);

function sameTable(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === 3 && row.every((x, j) => x === b[i][j]));
}

/**
 * optax Muon's `ns_coeffs`: a triple or "standard" → `nsA`, `nsB`, `nsC` (nsSteps iterations); "dion" or its table →
 * the `dion` flag; any other list of triples → `nsTable` (one iteration per row, as optax runs a table).
 */
function muonCoefficients(value: unknown): [string, unknown][] {
  const rows = Array.isArray(value) && value.length > 0 && value.every((row) => Array.isArray(row));
  if (value === "dion" || (rows && sameTable(value as number[][], MUON_NS_PRESETS.dion)))
    return [["dion", true]];
  const triple = value === "standard" ? MUON_NS_PRESETS.standard[0] : value;
  if (Array.isArray(triple) && triple.length === 3 && triple.every((x) => typeof x === "number")) {
    return [
      ["nsA", triple[0]],
      ["nsB", triple[1]],
      ["nsC", triple[2]],
    ];
  }
  if (rows) return [["nsTable", value]];
  throw new InputRangeError(
    `optax-muon: ns_coeffs must be "standard", "dion", a triple [a, b, c] or a list of triples, got ${show(value)}`,
  );
}

/**
 * The optax family's options that are not a plain rename: `None`s, named values, fixed callables, optax's `b3`,
 * `adam_b1`, … Returns the optlab name/value pairs, or `undefined` when the generic rules apply.
 */
function optaxOption(id: string, key: string, value: unknown): [string, unknown][] | undefined {
  if (!OPTAX_IDS.has(id)) return undefined;
  if (value === null && optaxNone[id]?.[key] !== undefined) return optaxNone[id][key].map(([n, v]) => [n, v]);
  if (key in optaxFixed) {
    if (optaxFixed[key].includes(value)) return [];
    throw new InputRangeError(
      `${id}: optlab accepts ${key} only as ${optaxFixed[key].map((v) => show(v)).join(" or ")}, got ${show(value)}`,
    );
  }
  if (id === "optax-muon" && key === "ns_coeffs") return muonCoefficients(value);
  if (id === "optax-muon" && key === "preconditioning") {
    const kinds = ["frobenius", "spectral", "aol", "schatten"];
    if (typeof value !== "string" || !kinds.includes(value)) {
      throw new InputRangeError(
        `optax-muon: preconditioning must be ${kinds.map((k) => show(k)).join(", ")}, got ${show(value)}`,
      );
    }
    return kinds.slice(1).map((kind) => [kind, value === kind]);
  }
  if (id === "adafactor" && key === "dtype_momentum") {
    if (value !== "float32" && value !== "float64") {
      throw new InputRangeError(
        `adafactor: dtype_momentum must be "float32" or "float64", got ${show(value)}`,
      );
    }
    return [["momentumFloat32", value === "float32"]];
  }
  if (id === "adafactor" && key === "decay_rate") return [["decayExponent", value as HpValue]];
  if (key in optaxRenamed) return [[optaxRenamed[key], value as HpValue]];
  return undefined;
}
// ---- (end optax family) ----

/**
 * The reference libraries' named option values that optlab writes as flags (`parseOptimizerSpec` keeps them as
 * strings so that `canonicalHyperparameters` can translate them).
 */
export const FOREIGN_OPTION_VALUES: ReadonlySet<string> = new Set([
  "strong_wolfe",
  "original",
  "match_rms_adamw",
  ...OPTAX_OPTION_VALUES,
]);

/** torch tuples written as lists, and the optlab names of their entries, per optimizer. */
const tuples: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  muon: { ns_coefficients: ["nsA", "nsB", "nsC"] },
  rprop: { etas: ["etaMinus", "etaPlus"], step_sizes: ["stepSizeMin", "stepSizeMax"] },
  "torch-adafactor": { eps: ["eps1", "eps2"] },
};

/** Options whose `None` means "the default" (torch's `max_eval=None` → ⌊5·max_iter/4⌋, Adafactor's ε₁). */
const noneIsDefault = new Set(["max_eval", "maxEval", "eps1", "adjust_lr_fn", "line_search_fn"]);

/** torch's string-valued options that optlab writes as a flag: option → (value → flag value). */
const namedValues: Readonly<
  Record<string, { readonly name: string; readonly values: Readonly<Record<string, boolean>> }>
> = {
  line_search_fn: { name: "strongWolfe", values: { strong_wolfe: true } },
  adjust_lr_fn: { name: "matchRmsAdamw", values: { original: false, match_rms_adamw: true } },
};

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Rewrites hyperparameters in any supported spelling to optlab's, for optimizer `id`.
 * `betas: [β1, β2]` becomes `beta1`, `beta2`; torch RMSprop's `alpha` becomes `rho`.
 * Naming one hyperparameter twice (e.g. `lr` and `learning_rate`) is an error.
 */
export function canonicalHyperparameters(
  id: string,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const put = (name: string, value: unknown, from: string) => {
    if (name in result) {
      throw new InputTypeError(`${id}: ${from} and ${origin[name]} both set ${name}; give it once`);
    }
    result[name] = value;
    origin[name] = from;
  };
  for (const [key, value] of Object.entries(given)) {
    if (implementationFlags.has(key)) {
      if (value === null || value === false || value === undefined) continue;
      throw new InputRangeError(
        `${id}: optlab accepts ${key} only as false or null (its default), got ${show(value)}`,
      );
    }
    const optaxMapped = optaxOption(id, key, value);
    if (optaxMapped !== undefined) {
      for (const [name, mapped] of optaxMapped) put(name, mapped, key);
      continue;
    }
    if (key === "betas") {
      if (!Array.isArray(value) || value.length !== 2) {
        throw new InputTypeError(`${id}: betas must be a pair [beta1, beta2], got ${show(value)}`);
      }
      put("beta1", value[0], "betas");
      put("beta2", value[1], "betas");
      continue;
    }
    const tuple = tuples[id]?.[key];
    if (tuple !== undefined) {
      if (!Array.isArray(value) || value.length !== tuple.length) {
        throw new InputTypeError(`${id}: ${key} must be a list [${tuple.join(", ")}], got ${show(value)}`);
      }
      tuple.forEach((name, i) => {
        if (value[i] !== null || !noneIsDefault.has(name)) put(name, value[i], key);
      });
      continue;
    }
    if (value === null && noneIsDefault.has(key)) continue;
    const named = namedValues[key];
    if (named !== undefined) {
      if (typeof value !== "string" || !(value in named.values)) {
        throw new InputRangeError(
          `${id}: ${key} must be ${Object.keys(named.values)
            .map((v) => show(v))
            .join(" or ")} or null, got ${show(value)}`,
        );
      }
      put(named.name, named.values[value], key);
      continue;
    }
    if (key === "lambd") {
      put("lambda", value, key);
      continue;
    }
    if (key === "alpha" && id === "torch-rmsprop") {
      put("rho", value, key);
      continue;
    }
    put(renamed[key] ?? camelCase(key), value, key);
  }
  return result;
}
