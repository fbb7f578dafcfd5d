import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../../util/errors.js";
import { splitTopLevel } from "../spec-list.js";
import type { OptimizerState } from "../types.js";
import { type CountFunction, type FunctionScheduleDefinition, functionSchedules } from "./optax.js";
import { type OptionSpec, resolveOptions } from "./options.js";
import { canonicalScheduleName, canonicalScheduleOptions, canonicalScheduleSpec } from "./spelling.js";
import { type TorchRule, type TorchScheduleDefinition, torchSchedules } from "./torch.js";
import type {
  Driven,
  RuleState,
  ScheduleContext,
  ScheduleGroup,
  ScheduleSpec,
  ScheduleState,
} from "./types.js";

export type { OptionSpec } from "./options.js";
export {
  canonicalScheduleName,
  canonicalScheduleOptions,
  canonicalScheduleSpec,
  foreignScheduleNames,
} from "./spelling.js";
export type * from "./types.js";

type Definition = FunctionScheduleDefinition | TorchScheduleDefinition;

/** The one table of schedules: optax-style functions of the count first, then torch's schedulers. */
const registry: readonly Definition[] = [...functionSchedules, ...torchSchedules];
const byId = new Map(registry.map((d) => [d.id, d]));

export function scheduleIds(): string[] {
  return registry.map((d) => d.id);
}

/** What a reader or the playground shows about a schedule. */
export interface ScheduleMeta {
  readonly id: string;
  readonly name: string;
  /** "function": a pure function of the count (optax); "torch": a recursive scheduler with state. */
  readonly kind: "function" | "torch";
  readonly formula: string;
  readonly options: readonly OptionSpec[];
}

export function scheduleMeta(id: string): ScheduleMeta {
  const d = definition(canonicalScheduleName(id));
  return { id: d.id, name: d.name, kind: d.kind, formula: d.formula, options: d.options };
}

function definition(id: string): Definition {
  const d = byId.get(id);
  if (d === undefined) throw new InputTypeError(unknownNameMessage("schedule", id, scheduleIds()));
  return d;
}

/** A checked schedule, ready to drive an optimizer. Stateless itself: everything it remembers is in `ScheduleState`. */
export interface Schedule {
  readonly id: string;
  /** The complete options (defaults and run context filled in), optlab spellings: `{ id, options }` re-creates it. */
  readonly spec: { readonly id: string; readonly options: Readonly<Record<string, unknown>> };
  readonly kind: "function" | "torch";
  /** The optimizer fields it writes before a step (`lr`, and `momentum` or `beta1` for cycling schedulers). */
  readonly cyclesMomentum: boolean;
  /** ReduceLROnPlateau: `advance` needs the metric of the step. */
  readonly needsMetric: boolean;
  /** `"min"` or `"max"` for ReduceLROnPlateau (which way the metric should go); undefined otherwise. */
  readonly mode?: "min" | "max";
  /** The value at count c, for function schedules (optax); undefined for torch schedulers. */
  readonly value?: CountFunction;
  /**
   * Fresh state for an optimizer state holding `lr` (and `momentum` or `beta1`): torch schedulers apply their
   * construction-time effect (epoch 0), function schedules their value at count 0.
   */
  init(optimizerState: Readonly<OptimizerState>): ScheduleState;
  /**
   * Writes the values of the next step into the optimizer state (`lr`, the cycled momentum / β₁, and — for a function
   * schedule and an optimizer that keeps it — `lrNext`, the value one count ahead); returns the fields written.
   */
  apply(state: ScheduleState, optimizerState: OptimizerState): Driven[];
  /** After an optimizer step: torch's `scheduler.step()` (`step(metric)` for ReduceLROnPlateau), optax's count + 1. */
  advance(state: ScheduleState, metric?: number): void;
}

/**
 * Builds a schedule from `"warmup-cosine:warmup=100"`, `{ id: "step-lr", options: { stepSize: 30 } }`, a torch or
 * optax spelling (`{ name: "CosineAnnealingLR", options: { T_max: 100 } }`, `"optax.cosine_decay_schedule:…"`) or
 * JSON text. `context` supplies options that default to the run (peak values = the optimizer's lr, lengths = the
 * run's steps).
 */
export function createSchedule(
  spec: string | ScheduleSpec | Record<string, unknown>,
  context: ScheduleContext = {},
): Schedule {
  const canonical = typeof spec === "string" ? parseScheduleSpec(spec) : canonicalScheduleSpec(spec);
  const d = definition(canonical.id);
  if (d.kind === "function") {
    const { fn, options } = buildFunction(d, canonical.options ?? {}, context);
    return functionSchedule(d.id, options, fn);
  }
  const { rule, options } = buildRule(d, canonical.options ?? {}, context);
  return torchSchedule(d.id, options, rule);
}

function buildFunction(
  d: FunctionScheduleDefinition,
  given: Readonly<Record<string, unknown>>,
  context: ScheduleContext,
): { fn: CountFunction; options: Record<string, unknown> } {
  const options = resolveOptions(d.id, d.options, given, context);
  const fn = d.make(options, (child) => {
    const canonical = canonicalScheduleSpec(child);
    const cd = definition(canonical.id);
    if (cd.kind !== "function") {
      throw new InputRangeError(
        `${d.id}: its pieces must be functions of the count (optax kind), got ${show(cd.id)}`,
      );
    }
    // Pieces of a join take no defaults from the run: their lengths and values are their own.
    return buildFunction(cd, canonical.options ?? {}, {}).fn;
  });
  return { fn, options };
}

function buildRule(
  d: TorchScheduleDefinition,
  given: Readonly<Record<string, unknown>>,
  context: ScheduleContext,
): { rule: TorchRule; options: Record<string, unknown> } {
  const options = resolveOptions(d.id, d.options, given, context);
  const rule = d.make(options, (child) => {
    const canonical = canonicalScheduleSpec(child);
    const cd = definition(canonical.id);
    if (cd.kind !== "torch") {
      throw new InputRangeError(`${d.id}: its schedulers must be torch schedulers, got ${show(cd.id)}`);
    }
    return buildRule(cd, canonical.options ?? {}, context).rule;
  });
  return { rule, options };
}

/** The optimizer field a cycled momentum goes to: torch Adam/AdamW's β₁ (torch's `use_beta1`) or SGD's momentum. */
function momentumField(optimizerState: Readonly<OptimizerState>): "beta1" | "momentum" | null {
  if (typeof optimizerState.beta1 === "number") return "beta1";
  if (typeof optimizerState.momentum === "number") return "momentum";
  return null;
}

function baseGroup(optimizerState: Readonly<OptimizerState>): ScheduleGroup {
  const lr = optimizerState.lr;
  if (typeof lr !== "number") {
    throw new InputTypeError("schedule: the optimizer keeps no lr in its state, so no schedule can drive it");
  }
  const field = momentumField(optimizerState);
  return {
    lr,
    initialLr: lr,
    momentum: field === null ? Number.NaN : (optimizerState[field] as number),
    useBeta1: field === "beta1" ? 1 : 0,
  };
}

function functionSchedule(id: string, options: Record<string, unknown>, fn: CountFunction): Schedule {
  return {
    id,
    spec: { id, options },
    kind: "function",
    cyclesMomentum: false,
    needsMetric: false,
    value: fn,
    init(optimizerState) {
      const group = baseGroup(optimizerState);
      group.lr = fn(0);
      return { group, rule: { count: 0 } };
    },
    apply(state, optimizerState) {
      optimizerState.lr = state.group.lr;
      if (typeof optimizerState.lrNext !== "number") return ["lr"];
      optimizerState.lrNext = fn((state.rule.count as number) + 1);
      return ["lr", "lrNext"];
    },
    advance(state) {
      const count = (state.rule.count as number) + 1;
      state.rule.count = count;
      state.group.lr = fn(count);
    },
  };
}

function torchSchedule(id: string, options: Record<string, unknown>, rule: TorchRule): Schedule {
  return {
    id,
    spec: { id, options },
    kind: "torch",
    cyclesMomentum: rule.cyclesMomentum,
    needsMetric: rule.needsMetric,
    mode: rule.needsMetric ? (options.mode as "min" | "max") : undefined,
    init(optimizerState) {
      const group = baseGroup(optimizerState);
      const state: ScheduleState = { group, rule: {} };
      rule.construct(group, state.rule);
      return state;
    },
    apply(state, optimizerState) {
      optimizerState.lr = state.group.lr;
      if (!rule.cyclesMomentum) return ["lr"];
      const field = state.group.useBeta1 === 1 ? "beta1" : "momentum";
      optimizerState[field] = state.group.momentum;
      return ["lr", field];
    },
    advance(state, metric = Number.NaN) {
      rule.step(state.group, state.rule, metric);
    },
  };
}

/**
 * The lr (and cycled momentum / β₁) that optimizer steps 1 … n would use, without an optimizer: for figures and the
 * playground. `base` stands for the optimizer's state (its lr, and `momentum` or `beta1` when a scheduler cycles
 * one); ReduceLROnPlateau reads `metrics[k − 1]` after step k (a constant metric, i.e. a plateau, by default).
 */
export function scheduleSequence(
  schedule: Schedule,
  n: number,
  base: { lr: number; momentum?: number; beta1?: number },
  metrics?: ArrayLike<number>,
): { lr: number[]; momentum: number[] | null } {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new InputRangeError(
      `${schedule.id}: the number of steps must be a whole number >= 0, got ${show(n)}`,
    );
  }
  const optimizerState: OptimizerState = { ...base };
  const field = typeof base.beta1 === "number" ? "beta1" : "momentum";
  const state = schedule.init(optimizerState);
  const lr: number[] = [];
  const momentum: number[] | null = schedule.cyclesMomentum ? [] : null;
  for (let k = 1; k <= n; k++) {
    schedule.apply(state, optimizerState);
    lr.push(optimizerState.lr as number);
    momentum?.push(optimizerState[field] as number);
    schedule.advance(state, metrics === undefined ? 0 : metrics[k - 1]);
  }
  return { lr, momentum };
}

/** `schedule(0 … n − 1)` of a function schedule (optax's value sequence). */
export function scheduleValues(schedule: Schedule, n: number): number[] {
  const fn = schedule.value;
  if (fn === undefined) {
    throw new InputTypeError(
      `${schedule.id}: a torch scheduler has no value sequence of its own; run it with an optimizer`,
    );
  }
  return Array.from({ length: n }, (_, c) => fn(c));
}

function parseValue(raw: string): unknown {
  const text = raw.trim();
  if (text === "true" || text === "True") return true;
  if (text === "false" || text === "False") return false;
  if (text === "null" || text === "None") return null;
  if (/^[[(].*[\])]$/.test(text)) {
    return splitTopLevel(text.slice(1, -1))
      .filter((part) => part.trim() !== "")
      .map(parseValue);
  }
  const value = Number(text);
  if (text !== "" && !Number.isNaN(value)) return value;
  return text.replace(/^(["'])(.*)\1$/, "$2");
}

/**
 * Parses the CLI form `NAME[:key=value,…]` (`warmup-cosine:warmup=100`, `step-lr:step=30,gamma=0.5`,
 * `multistep-lr:milestones=[30,60]`) or a JSON object (for nested schedules: join, sequential-lr, chained).
 */
export function parseScheduleSpec(text: string): ScheduleSpec {
  if (typeof text !== "string" || text.trim() === "") {
    throw new InputTypeError(`schedule must be written as NAME or NAME:key=value,…, got ${show(text)}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new InputTypeError(`schedule: not valid JSON: ${(error as Error).message}`);
    }
    return canonicalScheduleSpec(parsed);
  }
  const colon = trimmed.indexOf(":");
  const id = canonicalScheduleName(colon < 0 ? trimmed : trimmed.slice(0, colon));
  const options: Record<string, unknown> = {};
  const rest = colon < 0 ? "" : trimmed.slice(colon + 1);
  for (const entry of splitTopLevel(rest).filter((e) => e.trim() !== "")) {
    const equals = entry.indexOf("=");
    if (equals < 0)
      throw new InputTypeError(`${id}: options are written key=value, got ${show(entry.trim())}`);
    options[entry.slice(0, equals).trim()] = parseValue(entry.slice(equals + 1));
  }
  return { id, options: canonicalScheduleOptions(id, options) };
}

type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";
type JsonRule = { [field: string]: JsonNumber | JsonNumber[] | JsonRule[] };

function encode(value: number): JsonNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

function decode(value: unknown, where: string): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  throw new InputTypeError(`saved schedule state: ${where} must be a number, got ${show(value)}`);
}

function encodeRule(rule: RuleState): JsonRule {
  const out: JsonRule = {};
  for (const [k, v] of Object.entries(rule)) {
    if (typeof v === "number") out[k] = encode(v);
    else if (v.length > 0 && typeof v[0] === "object") out[k] = (v as RuleState[]).map(encodeRule);
    else out[k] = (v as number[]).map(encode);
  }
  return out;
}

function decodeRule(rule: unknown, where: string): RuleState {
  if (rule === null || typeof rule !== "object" || Array.isArray(rule)) {
    throw new InputTypeError(`saved schedule state: ${where} must be an object, got ${show(rule)}`);
  }
  const out: RuleState = {};
  for (const [k, v] of Object.entries(rule)) {
    if (Array.isArray(v)) {
      out[k] =
        v.length > 0 && v[0] !== null && typeof v[0] === "object"
          ? v.map((child, i) => decodeRule(child, `${where}.${k}[${i}]`))
          : v.map((x, i) => decode(x, `${where}.${k}[${i}]`));
    } else {
      out[k] = decode(v, `${where}.${k}`);
    }
  }
  return out;
}

/** A schedule's state as JSON (NaN and ±∞ — ReduceLROnPlateau's initial `best` — written as strings). */
export interface SavedScheduleState {
  readonly schedule: { readonly id: string; readonly options: Readonly<Record<string, unknown>> };
  readonly group: Readonly<Record<string, JsonNumber>>;
  readonly rule: JsonRule;
}

export function saveScheduleState(schedule: Schedule, state: ScheduleState): SavedScheduleState {
  const group: Record<string, JsonNumber> = {};
  for (const [k, v] of Object.entries(state.group)) group[k] = encode(v);
  return { schedule: schedule.spec, group, rule: encodeRule(state.rule) };
}

/** Live state from saved data; the saved schedule must be the same (same id). */
export function restoreScheduleState(schedule: Schedule, saved: SavedScheduleState): ScheduleState {
  if (saved === null || typeof saved !== "object") {
    throw new InputTypeError(`saved schedule state must be an object, got ${show(saved)}`);
  }
  if (saved.schedule?.id !== schedule.id) {
    throw new InputRangeError(
      `saved schedule state is for ${show(saved.schedule?.id)}, not ${show(schedule.id)}`,
    );
  }
  const g = saved.group ?? {};
  const group: ScheduleGroup = {
    lr: decode(g.lr, "group.lr"),
    initialLr: decode(g.initialLr, "group.initialLr"),
    momentum: decode(g.momentum, "group.momentum"),
    useBeta1: decode(g.useBeta1, "group.useBeta1"),
  };
  return { group, rule: decodeRule(saved.rule, "rule") };
}
