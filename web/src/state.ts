/**
 * The playground's whole state, its URL form and its experiment-file form. Everything that comes from
 * outside (a URL, a loaded file) is untrusted: `decodeState` and `stateFromExperiment` validate every
 * field, clamp numbers into range, drop what cannot be used with a one-line warning, and never throw.
 */
import { type Experiment, type OptimizerSpecInput, parseExperiment } from "../../src/lab/index.js";
import { FORMULA_MAX_LENGTH, getLandscape, type Landscape } from "../../src/landscapes/index.js";
import {
  canonicalHyperparameters,
  createOptimizer,
  createSchedule,
  type HpValue,
  type Optimizer,
  parseOptimizerSpec,
  parseScheduleSpec,
  type Schedule,
  type ScheduleSpec,
} from "../../src/optim/index.js";

/** Most steps a playground run may have (6 × 2000 steps still re-run within a frame). */
export const MAX_STEPS = 2000;
export const MAX_OPTIMIZERS = 12;
export const MAX_LABEL_LENGTH = 60;
/** Largest |coordinate| accepted for a start point or a window. */
export const MAX_COORDINATE = 1e6;
export const VIEWS = ["map", "grid", "surface", "stability", "mnist"] as const;
/** Most optimizers one MNIST run trains side by side. */
export const MAX_MNIST_OPTIMIZERS = 8;
export const MAX_MNIST_ITERATIONS = 10_000;
export const SLICE_MODES = ["random", "plane"] as const;
export type SliceModeName = (typeof SLICE_MODES)[number];

/** The seed's §8 comparison: its four optimizers plus RMSprop with the book's learning rates. */
export const SEED_MNIST_SPECS: readonly string[] = [
  "sgd:lr=0.01",
  "momentum:lr=0.01",
  "adagrad:lr=0.01",
  "adam:lr=0.001",
  "rmsprop:lr=0.01",
];

/** The MNIST tab's settings (in the URL as mo=…&mi=…&ml=…). */
export interface MnistSettings {
  readonly specs: readonly string[];
  readonly iterations: number;
  readonly slice: SliceModeName;
}
export type View = (typeof VIEWS)[number];

export interface Window2 {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/**
 * A card's learning-rate schedule: a library schedule id and the options set explicitly, in optlab's spellings.
 * The others take their defaults, or the run's lr (peak values) and steps (lengths), as on the CLI.
 */
export interface ScheduleEntry {
  readonly id: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** One optimizer instance: its id, the hyperparameters set explicitly, and an optional legend label. */
export interface OptimizerEntry {
  readonly id: string;
  readonly hp: Readonly<Record<string, HpValue>>;
  /** "" means "use the generated label". */
  readonly label: string;
  /** Absent: a constant lr (the picker's "constant" without options). */
  readonly schedule?: ScheduleEntry;
}

export interface PlaygroundState {
  /** A landscape id or a formula in x and y. */
  readonly landscape: string;
  /** null: the landscape's canonical start. */
  readonly start: readonly [number, number] | null;
  readonly steps: number;
  readonly optimizers: readonly OptimizerEntry[];
  /** null: the landscape's domain. */
  readonly window: Window2 | null;
  readonly view: View;
  readonly arrows: boolean;
  readonly internals: boolean;
  /** The timeline's step. */
  readonly cursor: number;
  /** Which optimizer the stability map sweeps (index into `optimizers`). */
  readonly stabilityOf: number;
  readonly mnist: MnistSettings;
}

/** The seed's figure: four optimizers with its tuned learning rates on x²/20 + y² from (−7, 2). */
export const DEFAULT_STATE: PlaygroundState = {
  landscape: "quadratic",
  start: [-7, 2],
  steps: 30,
  optimizers: [
    { id: "sgd", hp: { lr: 0.95 }, label: "" },
    { id: "momentum", hp: { lr: 0.1, momentum: 0.9 }, label: "" },
    { id: "adagrad", hp: { lr: 1.5 }, label: "" },
    { id: "adam", hp: { lr: 0.3, beta1: 0.9, beta2: 0.999 }, label: "" },
  ],
  window: { x: [-10, 10], y: [-10, 10] },
  view: "map",
  arrows: false,
  internals: false,
  cursor: 30,
  stabilityOf: 0,
  mnist: { specs: SEED_MNIST_SPECS, iterations: 2000, slice: "plane" },
};

/** `adam:lr=0.3,beta1=0.9`: the spec `createOptimizer` reads, numbers written to round-trip exactly. */
export function specOf(entry: Pick<OptimizerEntry, "id" | "hp">): string {
  const pairs = Object.entries(entry.hp).map(([name, value]) => `${name}=${String(value)}`);
  return pairs.length === 0 ? entry.id : `${entry.id}:${pairs.join(",")}`;
}

/** Builds the optimizer an entry describes (throws the library's InputRangeError/InputTypeError). */
export function optimizerOf(entry: Pick<OptimizerEntry, "id" | "hp">): Optimizer {
  return createOptimizer({ id: entry.id, hp: entry.hp });
}

/** A value the CLI form writes bare: a number, true/false/null, a plain word, or a list of those. */
function cliValue(value: unknown): string | null {
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (typeof value === "string")
    return /^[A-Za-z_][A-Za-z0-9_.+-]*$/.test(value) &&
      !["true", "false", "null", "True", "False", "None"].includes(value)
      ? value
      : null;
  if (Array.isArray(value)) {
    const items = value.map(cliValue);
    return items.every((item) => item !== null) ? `[${items.join(",")}]` : null;
  }
  return null;
}

/**
 * A schedule as the CLI writes it (`warmup-cosine:warmupSteps=10`), or as JSON when an option holds schedules or
 * objects (join, sequential-lr, sgdr): text `parseScheduleSpec` reads back to the same spec.
 */
export function scheduleText(schedule: ScheduleEntry): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(schedule.options)) {
    const text = cliValue(value);
    if (text === null) return JSON.stringify({ id: schedule.id, options: schedule.options });
    pairs.push(`${name}=${text}`);
  }
  return pairs.length === 0 ? schedule.id : `${schedule.id}:${pairs.join(",")}`;
}

/** The library's schedule for an entry on a run of `steps` steps (throws the library's one-line message). */
export function scheduleOf(schedule: ScheduleSpec, optimizer: Optimizer, steps: number): Schedule {
  return createSchedule(schedule, { lr: optimizer.hp.lr as number, steps });
}

/**
 * Reads a schedule (the CLI's text or `{ id, options }` in any spelling) with the library's parser and checks it
 * against the optimizer and the run's length. "constant" without options is no schedule (null). Throws the
 * library's one-line message.
 */
export function checkedSchedule(
  input: string | ScheduleSpec,
  optimizer: Optimizer,
  steps: number,
): ScheduleEntry | null {
  const spec = parseScheduleSpec(typeof input === "string" ? input : JSON.stringify(input));
  const options = { ...(spec.options ?? {}) };
  // init: what the optimizer's state must hold (an lr; a momentum or β₁ for the schedulers that cycle one).
  scheduleOf({ id: spec.id, options }, optimizer, steps).init(optimizer.init(2));
  if (spec.id === "constant" && Object.keys(options).length === 0) return null;
  return { id: spec.id, options };
}

/** Removes control characters and cuts a label to MAX_LABEL_LENGTH. It is still only ever shown as text. */
export function cleanLabel(raw: unknown): string {
  if (typeof raw !== "string") return "";
  let text = "";
  for (const ch of raw) text += ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? " " : ch;
  return text.trim().slice(0, MAX_LABEL_LENGTH);
}

/** Validates an optimizer given as a spec (string or object): canonical id and hyperparameter names. */
export function entryFromSpec(spec: OptimizerSpecInput, label: unknown = ""): OptimizerEntry {
  const parsed = typeof spec === "string" ? parseOptimizerSpec(spec) : { id: spec.id, hp: spec.hp ?? {} };
  const optimizer = createOptimizer(parsed);
  const canonical = canonicalHyperparameters(optimizer.id, parsed.hp) as Record<string, unknown>;
  const hp: Record<string, HpValue> = {};
  for (const [name, value] of Object.entries(canonical)) {
    const effective = optimizer.hp[name];
    if (effective !== undefined && (typeof value === "number" || typeof value === "boolean"))
      hp[name] = effective;
  }
  return { id: optimizer.id, hp, label: cleanLabel(label) };
}

/** The landscape a state names, or an error message (formulas are parsed here). Only 2D landscapes are drawn. */
export function landscapeOf(text: string): Landscape {
  const landscape = getLandscape(text);
  if (landscape.dim !== 2) {
    throw new RangeError(
      `landscape: the playground draws two-dimensional functions, and ${landscape.id} has ${landscape.dim} coordinates`,
    );
  }
  return landscape;
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

function numbers(text: string, count: number): number[] | null {
  const parts = text.split(",");
  if (parts.length !== count) return null;
  const values = parts.map((part) => (part.trim() === "" ? Number.NaN : Number(part)));
  return values.every(Number.isFinite) ? values : null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkedWindow(values: readonly number[]): Window2 | null {
  const [x0, x1, y0, y1] = values.map((v) => clamp(v, -MAX_COORDINATE, MAX_COORDINATE));
  if (!(x1 - x0 >= 1e-6 && y1 - y0 >= 1e-6)) return null;
  return { x: [x0, x1], y: [y0, y1] };
}

/** Reads a state from a URL query string. Never throws: bad parts become defaults plus a warning. */
export function decodeState(search: string): { state: PlaygroundState; warnings: string[] } {
  const params = new URLSearchParams(search);
  const warnings: string[] = [];
  if (![...params.keys()].some((key) => key !== "")) return { state: DEFAULT_STATE, warnings };
  let landscape = "quadratic";
  const f = params.get("f");
  if (f !== null) {
    const text = f.trim().slice(0, FORMULA_MAX_LENGTH);
    try {
      landscapeOf(text);
      landscape = text;
    } catch (error) {
      warnings.push(`URL: f ignored: ${message(error)}`);
    }
  }
  let start: [number, number] | null = null;
  const startText = params.get("start");
  if (startText !== null) {
    const values = numbers(startText, 2);
    if (values === null)
      warnings.push("URL: start must be two finite numbers x,y; using the landscape's start");
    else
      start = [
        clamp(values[0], -MAX_COORDINATE, MAX_COORDINATE),
        clamp(values[1], -MAX_COORDINATE, MAX_COORDINATE),
      ];
  }
  let steps = 30;
  const stepsText = params.get("steps");
  if (stepsText !== null) {
    const value = Math.round(Number(stepsText));
    if (Number.isFinite(value)) steps = clamp(value, 1, MAX_STEPS);
    else warnings.push(`URL: steps must be a whole number in [1, ${MAX_STEPS}]; using 30`);
  }
  // No o= at all: the seed's four; an empty o= stands for "no optimizers".
  const optimizers: OptimizerEntry[] = params.has("o") ? [] : [...DEFAULT_STATE.optimizers];
  // sch= holds the schedules, one per o= in the same order ("" for a constant lr).
  const schedules = params.getAll("sch");
  for (const [index, raw] of params.getAll("o").slice(0, MAX_OPTIMIZERS).entries()) {
    if (raw.trim() === "") continue;
    const at = raw.indexOf("@");
    const spec = at < 0 ? raw : raw.slice(0, at);
    const label = at < 0 ? "" : raw.slice(at + 1);
    let entry: OptimizerEntry;
    try {
      entry = entryFromSpec(spec, label);
    } catch (error) {
      warnings.push(`URL: optimizer dropped: ${message(error)}`);
      continue;
    }
    const text = (schedules[index] ?? "").trim();
    if (text !== "") {
      try {
        const schedule = checkedSchedule(text, optimizerOf(entry), steps);
        if (schedule !== null) entry = { ...entry, schedule };
      } catch (error) {
        warnings.push(
          `URL: sch (the schedule of optimizer ${index + 1}, ${entry.id}) ignored, using a constant lr: ${message(error)}`,
        );
      }
    }
    optimizers.push(entry);
  }
  if (params.getAll("o").length > MAX_OPTIMIZERS)
    warnings.push(`URL: at most ${MAX_OPTIMIZERS} optimizers; the rest were dropped`);
  let window: Window2 | null = null;
  const windowText = params.get("win");
  if (windowText !== null) {
    const values = numbers(windowText, 4);
    window = values === null ? null : checkedWindow(values);
    if (window === null)
      warnings.push("URL: win must be x0,x1,y0,y1 with x0 < x1 and y0 < y1; using the landscape's window");
  }
  const viewText = params.get("view") ?? "map";
  const view = (VIEWS as readonly string[]).includes(viewText) ? (viewText as View) : "map";
  if (view !== viewText) warnings.push(`URL: view must be one of ${VIEWS.join(", ")}; using map`);
  const mnist = decodeMnist(params, warnings);
  const cursorValue = Math.round(Number(params.get("k") ?? steps));
  const stabilityValue = Math.round(Number(params.get("sm") ?? 0));
  return {
    state: {
      landscape,
      start,
      steps,
      optimizers,
      window,
      view,
      arrows: params.get("arrows") === "1",
      internals: params.get("internals") === "1",
      cursor: Number.isFinite(cursorValue) ? clamp(cursorValue, 0, steps) : steps,
      stabilityOf: Number.isFinite(stabilityValue)
        ? clamp(stabilityValue, 0, Math.max(0, optimizers.length - 1))
        : 0,
      mnist,
    },
    warnings,
  };
}

/** The MNIST tab's part of a URL: mo= specs (repeated), mi= updates, ml= slice mode. Never throws. */
function decodeMnist(params: URLSearchParams, warnings: string[]): MnistSettings {
  const defaults = DEFAULT_STATE.mnist;
  let specs = defaults.specs;
  if (params.has("mo")) {
    const kept: string[] = [];
    for (const raw of params.getAll("mo").slice(0, MAX_MNIST_OPTIMIZERS)) {
      if (raw.trim() === "") continue;
      try {
        kept.push(specOf(entryFromSpec(raw.trim())));
      } catch (error) {
        warnings.push(`URL: MNIST optimizer dropped: ${message(error)}`);
      }
    }
    if (params.getAll("mo").length > MAX_MNIST_OPTIMIZERS)
      warnings.push(`URL: at most ${MAX_MNIST_OPTIMIZERS} MNIST optimizers; the rest were dropped`);
    if (kept.length > 0) specs = kept;
  }
  let iterations = defaults.iterations;
  const mi = params.get("mi");
  if (mi !== null) {
    const value = Math.round(Number(mi));
    if (Number.isFinite(value) && value >= 1) iterations = Math.min(MAX_MNIST_ITERATIONS, value);
    else warnings.push(`URL: mi must be a whole number in [1, ${MAX_MNIST_ITERATIONS}]; using ${iterations}`);
  }
  const ml = params.get("ml") ?? defaults.slice;
  const slice = (SLICE_MODES as readonly string[]).includes(ml) ? (ml as SliceModeName) : defaults.slice;
  if (slice !== ml) warnings.push(`URL: ml must be one of ${SLICE_MODES.join(", ")}; using ${slice}`);
  return { specs, iterations, slice };
}

/** The URL query string of a state (`?f=quadratic&start=-7,2&o=sgd:lr=0.95&…`). */
export function encodeState(state: PlaygroundState): string {
  const params = new URLSearchParams();
  params.set("f", state.landscape);
  if (state.start !== null) params.set("start", `${state.start[0]},${state.start[1]}`);
  params.set("steps", String(state.steps));
  if (state.optimizers.length === 0) params.set("o", "");
  for (const entry of state.optimizers)
    params.append("o", entry.label === "" ? specOf(entry) : `${specOf(entry)}@${entry.label}`);
  if (state.optimizers.some((entry) => entry.schedule !== undefined))
    for (const entry of state.optimizers)
      params.append("sch", entry.schedule === undefined ? "" : scheduleText(entry.schedule));
  if (state.window !== null) params.set("win", [...state.window.x, ...state.window.y].join(","));
  if (state.view !== "map") params.set("view", state.view);
  if (state.arrows) params.set("arrows", "1");
  if (state.internals) params.set("internals", "1");
  if (state.cursor !== state.steps) params.set("k", String(state.cursor));
  if (state.stabilityOf !== 0) params.set("sm", String(state.stabilityOf));
  const mnist = state.mnist;
  const defaults = DEFAULT_STATE.mnist;
  if (mnist.specs.join("\n") !== defaults.specs.join("\n"))
    for (const spec of mnist.specs) params.append("mo", spec);
  if (mnist.iterations !== defaults.iterations) params.set("mi", String(mnist.iterations));
  if (mnist.slice !== defaults.slice) params.set("ml", mnist.slice);
  return `?${params.toString()}`;
}

/**
 * The experiment file of a state: the figures engineer's schema (`src/lab/experiment.ts`), so the CLI's
 * `optlab experiment FILE.json` draws the same trajectories. Labels and view settings are playground-only.
 */
export function experimentOf(
  state: PlaygroundState,
  landscape: Landscape,
  figure: "trajectories" | "surface" = "trajectories",
): Experiment {
  const start = state.start ?? [landscape.start[0], landscape.start[1]];
  const window = state.window ?? { x: [...landscape.domain.x], y: [...landscape.domain.y] };
  // The file's one `schedule` drives every optimizer: cards with different schedules have no file form.
  const schedules = [
    ...new Set(
      state.optimizers.map((e) => (e.schedule === undefined ? "constant" : scheduleText(e.schedule))),
    ),
  ];
  if (schedules.length > 1) {
    throw new RangeError(
      `experiment file: one schedule drives every optimizer there, and the cards have ${schedules.length} (${schedules.join(" · ")}); give them the same one to export`,
    );
  }
  const schedule = state.optimizers[0]?.schedule;
  return parseExperiment({
    figure,
    id: "playground",
    function: state.landscape,
    start: [start[0], start[1]],
    steps: state.steps,
    optimizers: state.optimizers.map(specOf),
    layout: "overlay",
    window,
    ...(schedule === undefined ? {} : { schedule: scheduleText(schedule) }),
    ...(figure === "surface" ? { surface: { x: window.x, y: window.y, trajectories: true } } : {}),
  });
}

/**
 * A state from a loaded experiment file (parsed JSON, untrusted). Throws the validator's one-line
 * message when the file is not an experiment; clamps steps and drops what the playground cannot show.
 */
export function stateFromExperiment(
  value: unknown,
  source: string,
  current: PlaygroundState,
): { state: PlaygroundState; warnings: string[] } {
  const experiment = parseExperiment(value, source);
  const warnings: string[] = [];
  landscapeOf(experiment.function);
  const specs =
    experiment.optimizers.length > 0 ? experiment.optimizers : (experiment.variants?.[0]?.optimizers ?? []);
  if (experiment.steps > MAX_STEPS)
    warnings.push(`${source}: steps cut to ${MAX_STEPS} (the playground's limit)`);
  const steps = Math.min(experiment.steps, MAX_STEPS);
  const optimizers: OptimizerEntry[] = [];
  for (const spec of specs) {
    let entry: OptimizerEntry;
    try {
      entry = entryFromSpec(spec);
    } catch (error) {
      warnings.push(`${source}: optimizer dropped: ${message(error)}`);
      continue;
    }
    if (experiment.schedule !== undefined) {
      try {
        const schedule = checkedSchedule(experiment.schedule, optimizerOf(entry), steps);
        if (schedule !== null) entry = { ...entry, schedule };
      } catch (error) {
        warnings.push(`${source}: schedule ignored for ${entry.id}, using a constant lr: ${message(error)}`);
      }
    }
    optimizers.push(entry);
  }
  const window = experiment.window ? checkedWindow([...experiment.window.x, ...experiment.window.y]) : null;
  const view: View =
    experiment.figure === "surface"
      ? "surface"
      : current.view === "mnist" || current.view === "stability"
        ? "map"
        : current.view;
  return {
    state: {
      ...current,
      landscape: experiment.function,
      start: experiment.start ? [experiment.start[0], experiment.start[1]] : null,
      steps,
      optimizers:
        optimizers.length > 0 || experiment.figure !== "trajectories" ? optimizers : current.optimizers,
      window,
      view,
      arrows: experiment.figure === "gradient-field",
      cursor: steps,
      stabilityOf: 0,
    },
    warnings,
  };
}
