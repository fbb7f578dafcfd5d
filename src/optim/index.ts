import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../util/errors.js";
import { adabelief, adabeliefMeta } from "./adabelief.js";
import { adabound, adaboundMeta } from "./adabound.js";
import { adadelta, adadeltaMeta } from "./adadelta.js";
import { adafactor, adafactorMeta } from "./adafactor.js";
import { adagrad, adagradMeta } from "./adagrad.js";
import { adam, adamMeta } from "./adam.js";
import { adamax, adamaxMeta } from "./adamax.js";
import { adan, adanMeta } from "./adan.js";
import { ademamix, ademamixMeta } from "./ademamix.js";
import { adopt, adoptMeta } from "./adopt.js";
import { amsgrad, amsgradMeta } from "./amsgrad.js";
import { asgd, asgdMeta } from "./asgd.js";
import { type CautiousOptions, cautious, cautiousMeta } from "./cautious.js";
import { dadaptAdamw, dadaptAdamwMeta } from "./dadapt-adamw.js";
import { fromage, fromageMeta } from "./fromage.js";
import { lamb, lambMeta } from "./lamb.js";
import { lars, larsMeta } from "./lars.js";
import { lbfgs, lbfgsMeta } from "./lbfgs.js";
import { lion, lionMeta } from "./lion.js";
import { momentum, momentumMeta } from "./momentum.js";
import { muon, muonMeta } from "./muon.js";
import { nadam, nadamMeta } from "./nadam.js";
import { nesterov, nesterovMeta } from "./nesterov.js";
import { novograd, novogradMeta } from "./novograd.js";
import { optaxAdam, optaxAdamMeta, optaxAdamw, optaxAdamwMeta } from "./optax-adam.js";
import { optaxMuon, optaxMuonMeta } from "./optax-muon.js";
import { optaxSgd, optaxSgdMeta } from "./optax-sgd.js";
import { prodigy, prodigyMeta } from "./prodigy.js";
import { radam, radamMeta } from "./radam.js";
import { rmsprop, rmspropMeta } from "./rmsprop.js";
import { rprop, rpropMeta } from "./rprop.js";
import { scheduleFreeAdamw, scheduleFreeAdamwMeta } from "./schedule-free-adamw.js";
import { scheduleFreeSgd, scheduleFreeSgdMeta } from "./schedule-free-sgd.js";
import { sgd, sgdMeta } from "./sgd.js";
import { simplifiedAdemamix, simplifiedAdemamixMeta } from "./simplified-ademamix.js";
import { sm3, sm3Meta } from "./sm3.js";
import { soap, soapMeta } from "./soap.js";
import { splitTopLevel } from "./spec-list.js";
import { canonicalHyperparameters, canonicalOptimizerName, FOREIGN_OPTION_VALUES } from "./spelling.js";
import { swats, swatsMeta } from "./swats.js";
import { torchAdafactor, torchAdafactorMeta } from "./torch-adafactor.js";
import { torchAdagrad, torchAdagradMeta } from "./torch-adagrad.js";
import { adamw, adamwMeta, torchAdam, torchAdamMeta } from "./torch-adam.js";
import { torchRmsprop, torchRmspropMeta } from "./torch-rmsprop.js";
import { torchSgd, torchSgdMeta } from "./torch-sgd.js";
import type { Optimizer, OptimizerMeta } from "./types.js";
import { yogi, yogiMeta } from "./yogi.js";

export {
  assignGroups,
  GROUP_ROLE_WORDS,
  type GroupAssignment,
  type GroupEntry,
  type GroupSlot,
  type GroupsSpec,
  groupsMeta,
  groupsSpecText,
  isParameterGroups,
  type ParameterGroupsOptimizer,
  parameterGroups,
  parseGroupsSpec,
  SLOT_ROLES,
} from "./groups.js";
export { describeRange, resolveHyperparameters } from "./hyper.js";
export { NamedParameters } from "./named.js";
export {
  createSchedule,
  parseScheduleSpec,
  restoreScheduleState,
  type SavedScheduleState,
  type Schedule,
  type ScheduleContext,
  type ScheduleMeta,
  type ScheduleSpec,
  type ScheduleState,
  saveScheduleState,
  scheduleIds,
  scheduleMeta,
  scheduleSequence,
  scheduleValues,
} from "./schedules/index.js";
export { splitOptimizerList, splitTopLevel } from "./spec-list.js";
export { canonicalHyperparameters, canonicalOptimizerName, foreignOptimizerNames } from "./spelling.js";
export { restoreState, type SavedState, saveState } from "./state.js";
export * from "./types.js";

interface RegistryEntry {
  readonly meta: OptimizerMeta;
  // biome-ignore lint/suspicious/noExplicitAny: each factory takes its own options type; the registry checks them.
  readonly create: (options: any) => Optimizer<any>;
}

/** The one table of optimizers: id → factory and metadata. Order = the order menus and reports list them. */
const registry: readonly RegistryEntry[] = [
  { meta: sgdMeta, create: sgd },
  { meta: momentumMeta, create: momentum },
  { meta: nesterovMeta, create: nesterov },
  { meta: adagradMeta, create: adagrad },
  { meta: rmspropMeta, create: rmsprop },
  { meta: adamMeta, create: adam },
  { meta: torchSgdMeta, create: torchSgd },
  { meta: torchAdagradMeta, create: torchAdagrad },
  { meta: torchRmspropMeta, create: torchRmsprop },
  { meta: torchAdamMeta, create: torchAdam },
  { meta: adamwMeta, create: adamw },
  { meta: nadamMeta, create: nadam },
  { meta: radamMeta, create: radam },
  { meta: adadeltaMeta, create: adadelta },
  { meta: adamaxMeta, create: adamax },
  { meta: lionMeta, create: lion },
  { meta: adabeliefMeta, create: adabelief },
  { meta: swatsMeta, create: swats },
  { meta: adaboundMeta, create: adabound },
  // optax 0.2.8 family, SOAP and the Cautious wrapper
  { meta: optaxSgdMeta, create: optaxSgd },
  { meta: optaxAdamMeta, create: optaxAdam },
  { meta: optaxAdamwMeta, create: optaxAdamw },
  { meta: scheduleFreeAdamwMeta, create: scheduleFreeAdamw },
  { meta: scheduleFreeSgdMeta, create: scheduleFreeSgd },
  { meta: prodigyMeta, create: prodigy },
  { meta: dadaptAdamwMeta, create: dadaptAdamw },
  { meta: optaxMuonMeta, create: optaxMuon },
  { meta: adoptMeta, create: adopt },
  { meta: ademamixMeta, create: ademamix },
  { meta: simplifiedAdemamixMeta, create: simplifiedAdemamix },
  { meta: adafactorMeta, create: adafactor },
  { meta: lambMeta, create: lamb },
  { meta: larsMeta, create: lars },
  { meta: yogiMeta, create: yogi },
  { meta: adanMeta, create: adan },
  { meta: novogradMeta, create: novograd },
  { meta: sm3Meta, create: sm3 },
  { meta: fromageMeta, create: fromage },
  { meta: amsgradMeta, create: amsgrad },
  { meta: soapMeta, create: soap },
  { meta: cautiousMeta, create: (options: CautiousOptions) => cautious(createOptimizer("adamw"), options) },
  // (end optax family)
  { meta: muonMeta, create: muon },
  { meta: torchAdafactorMeta, create: torchAdafactor },
  { meta: rpropMeta, create: rprop },
  { meta: asgdMeta, create: asgd },
  { meta: lbfgsMeta, create: lbfgs },
];

const byId = new Map(registry.map((entry) => [entry.meta.id, entry]));

export function optimizerIds(): string[] {
  return registry.map((entry) => entry.meta.id);
}

export function optimizerMeta(id: string): OptimizerMeta {
  return entryFor(id).meta;
}

function entryFor(name: string): RegistryEntry {
  const id = canonicalOptimizerName(name);
  const entry = byId.get(id);
  if (!entry) throw new InputTypeError(unknownNameMessage("optimizer", name, optimizerIds()));
  return entry;
}

/** `{ id, hp }`: an optimizer named in any supported spelling with hyperparameters in any supported spelling. */
export interface OptimizerSpec {
  readonly id: string;
  readonly hp?: Readonly<Record<string, unknown>>;
  /** The wrapped optimizer, for wrappers (`cautious`); default adamw. */
  readonly base?: string | OptimizerSpec;
}

/**
 * Builds an optimizer from `"adam:lr=0.3,beta1=0.9"`, `"torch.optim.Adam:betas=[0.9,0.99]"` or
 * `{ id: "adam", hp: { lr: 0.3 } }`. Names and hyperparameters are translated (`spelling.ts`) and
 * checked by the optimizer's factory.
 */
export function createOptimizer(spec: string | OptimizerSpec): Optimizer {
  const { id, hp, base } = typeof spec === "string" ? parseOptimizerSpec(spec) : spec;
  const entry = entryFor(id);
  if (hp !== undefined && (typeof hp !== "object" || hp === null || Array.isArray(hp))) {
    throw new InputTypeError(
      `${entry.meta.id}: hyperparameters must be an object of name → value, got ${show(hp)}`,
    );
  }
  if (entry.meta.id === cautiousMeta.id) return createCautious(hp ?? {}, base);
  return entry.create(canonicalHyperparameters(entry.meta.id, hp ?? {}));
}

function parseValue(id: string, name: string, raw: string): unknown {
  const text = raw.trim();
  // true/false as JSON writes them, True/False as Python does; null/None likewise (spelling.ts says what a
  // reference library's None stands for, e.g. torch LBFGS's line_search_fn=None: no line search).
  if (text === "true" || text === "True") return true;
  if (text === "false" || text === "False") return false;
  if (text === "null" || text === "None") return null;
  // A reference library's named option (torch's line_search_fn=strong_wolfe), translated by spelling.ts.
  const unquoted = text.replace(/^(["'])(.*)\1$/, "$2");
  if (FOREIGN_OPTION_VALUES.has(unquoted)) return unquoted;
  if (/^[[(].*[\])]$/.test(text)) {
    return text
      .slice(1, -1)
      .split(/[,/]/)
      .map((part) => parseValue(id, name, part) as number);
  }
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) {
    throw new InputRangeError(`${id}: ${name} must be a number or true/false, got ${show(raw)}`);
  }
  return value;
}

/** Parses `"adam:lr=0.3,beta1=0.9"` (brackets may group a pair: `betas=[0.9,0.99]`). */
export function parseOptimizerSpec(text: string): {
  id: string;
  hp: Record<string, unknown>;
  base?: string;
} {
  if (typeof text !== "string" || text.trim() === "") {
    throw new InputTypeError(`optimizer must be written as NAME or NAME:key=value,…, got ${show(text)}`);
  }
  const wrapped = parseWrapper(text);
  if (wrapped !== undefined) return wrapped;
  const colon = text.indexOf(":");
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  const id = canonicalOptimizerName(name);
  const hp: Record<string, unknown> = {};
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  const entries = splitTopLevel(rest).filter((entry) => entry.trim() !== "");
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals < 0) {
      throw new InputTypeError(`${id}: hyperparameters are written key=value, got ${show(entry.trim())}`);
    }
    const key = entry.slice(0, equals).trim();
    hp[key] = parseValue(id, key, entry.slice(equals + 1));
  }
  return { id, hp };
}

// ---- Cautious: a wrapper spec ----

/** `cautious(BASE)` or `cautious(BASE):key=value,…` → the wrapper's own hyperparameters and its base's spec text. */
function parseWrapper(text: string): { id: string; hp: Record<string, unknown>; base: string } | undefined {
  const open = /^\s*cautious\s*\(/i.exec(text);
  if (open === null) return undefined;
  let depth = 0;
  for (let i = open[0].length - 1; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) {
      const rest = text.slice(i + 1).trim();
      if (rest !== "" && !rest.startsWith(":")) {
        throw new InputTypeError(
          `cautious: write cautious(BASE) or cautious(BASE):key=value,…, got ${show(text)}`,
        );
      }
      return {
        id: cautiousMeta.id,
        hp: parseOptimizerSpec(`cautious${rest}`).hp,
        base: text.slice(open[0].length, i),
      };
    }
  }
  throw new InputTypeError(`cautious: the parenthesis after cautious is never closed in ${show(text)}`);
}

/** Cautious(base): its own hyperparameters (ε) stay, every other one goes to the base (default adamw). */
function createCautious(
  hp: Readonly<Record<string, unknown>>,
  base: string | OptimizerSpec | undefined,
): Optimizer {
  const own = new Set(cautiousMeta.hyperparameters.map((spec) => spec.name));
  const mine: Record<string, unknown> = {};
  const forwarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(canonicalHyperparameters(cautiousMeta.id, hp))) {
    (own.has(name) ? mine : forwarded)[name] = value;
  }
  const baseSpec: OptimizerSpec =
    base === undefined ? { id: "adamw" } : typeof base === "string" ? parseOptimizerSpec(base) : base;
  if (baseSpec === null || typeof baseSpec !== "object" || typeof baseSpec.id !== "string") {
    throw new InputTypeError(`cautious: base must be an optimizer spec such as "adamw", got ${show(base)}`);
  }
  const inner = createOptimizer({ ...baseSpec, hp: { ...(baseSpec.hp ?? {}), ...forwarded } });
  return cautious(inner, mine);
}
// ---- (end Cautious) ----

/** A short label for legends: `adam lr=0.3` (only the values that differ from the defaults). */
export function optimizerLabel(optimizer: Optimizer): string {
  const changed = optimizer.meta.hyperparameters
    .filter((spec) => optimizer.hp[spec.name] !== spec.default)
    .map((spec) => `${spec.name}=${optimizer.hp[spec.name]}`);
  const base = (optimizer as { readonly base?: Optimizer }).base;
  // A wrapper names its base: `cautious(adamw lr=0.01) eps=1`.
  const name =
    optimizer.id === cautiousMeta.id && base !== undefined
      ? `${optimizer.id}(${optimizerLabel(base)})`
      : optimizer.id;
  return changed.length === 0 ? name : `${name} ${changed.join(" ")}`;
}
