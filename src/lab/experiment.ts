/**
 * Experiment files: one figure's settings as JSON a user can keep, diff and share, e.g.
 *
 * ```json
 * {
 *   "figure": "trajectories",
 *   "function": "quadratic",
 *   "start": [-7, 2],
 *   "steps": 30,
 *   "optimizers": ["sgd:lr=0.95", "momentum:lr=0.1", "adagrad:lr=1.5", { "id": "adam", "hp": { "lr": 0.3 } }],
 *   "window": { "x": [-10, 10], "y": [-10, 10] },
 *   "contour": { "x": [-10, 10], "y": [-5, 5], "step": 0.05, "maskAbove": 7 }
 * }
 * ```
 *
 * Fields (all but `figure` and `function` optional):
 * - `figure`: one of FIGURE_KINDS.
 * - `id`: output file name without extension (letters, digits, `-`, `_`, `.`); default the figure kind.
 * - `title`: replaces the generated title (the settings line is always added).
 * - `function`: a landscape id (`quadratic`, `rosenbrock`, …) or a formula in x and y.
 * - `start`: [x, y]; default the landscape's canonical start.
 * - `steps`: optimizer steps, 1 … 100 000; default 30.
 * - `optimizers`: specs as `createOptimizer` reads them (`"adam:lr=0.3"`, `"torch.optim.Adam"`,
 *   `{ "id": "adam", "hp": { "lr": 0.3 } }`); required for trajectories, losses and variants.
 * - `variants`: for the `variants` figure, `[{ "label": "every lr 0.01", "optimizers": [...] }, …]`.
 * - `layout`: `"panels"` (one panel per optimizer, the default) or `"overlay"` (all on one panel).
 * - `columns`: panels per row.
 * - `window`: `{ "x": [lo, hi], "y": [lo, hi] }` drawn; default the landscape's domain.
 * - `contour`: `{ "x", "y", "step", "maskAbove", "levels" }`: the grid whose contours are drawn
 *   (default: the window, 200 cells along x), levels above `maskAbove` not drawn, or explicit levels.
 * - `surface`: `{ "x", "y", "n", "trajectories" }`: the 3D surface's window, n × n nodes (default
 *   100), and whether the optimizers' paths are drawn on it.
 * - `arrows`: arrows per side of the gradient field (default 17).
 * - `pairs`: for an overlay of trajectories, pairs of optimizer indices `[[0, 1], [2, 3]]` whose
 *   iterates are compared step by step in a second panel (‖x_k − x'_k‖, e.g. book against torch).
 * - `schedule`: a learning-rate schedule for every optimizer, as text (`"warmup-cosine:warmup=10"`) or
 *   `{ "id", "options" }`; lengths default to `steps`, peaks to each optimizer's lr. The lr of every step is in
 *   the trajectory (and the figure's JSON).
 *
 * Muon and optax's Muon update matrices: on a 2-D landscape they treat the parameter (x, y) as a 1×2 matrix,
 * and the settings line (the figure's subtitle) says so.
 *
 * This module has no `node:` or DOM imports: the CLI reads the file, the playground could too.
 */
import { getLandscape } from "../landscapes/index.js";
import type { Landscape } from "../landscapes/types.js";
import { createOptimizer } from "../optim/index.js";
import { createSchedule, type ScheduleSpec } from "../optim/schedules/index.js";
import type { Hyperparameters, Optimizer } from "../optim/types.js";
import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../util/errors.js";
import { distancesToNearestMinimum } from "./metrics.js";
import { runTrajectory, type Trajectory } from "./trajectory.js";

export const FIGURE_KINDS = ["surface", "gradient-field", "trajectories", "losses", "variants"] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

/** An optimizer as `createOptimizer` reads it. */
export type OptimizerSpecInput =
  | string
  | { readonly id: string; readonly hp?: Readonly<Record<string, unknown>> };

export interface Range2 {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

export interface VariantSetting {
  readonly label: string;
  readonly optimizers: readonly OptimizerSpecInput[];
}

export interface ContourSettings {
  readonly x?: readonly [number, number];
  readonly y?: readonly [number, number];
  readonly step?: number;
  readonly maskAbove?: number;
  readonly levels?: readonly number[];
}

export interface SurfaceSettings {
  readonly x?: readonly [number, number];
  readonly y?: readonly [number, number];
  readonly n?: number;
  readonly trajectories?: boolean;
}

export interface Experiment {
  readonly figure: FigureKind;
  readonly id: string;
  readonly title?: string;
  readonly function: string;
  readonly start?: readonly [number, number];
  readonly steps: number;
  readonly optimizers: readonly OptimizerSpecInput[];
  readonly variants?: readonly VariantSetting[];
  readonly layout: "panels" | "overlay";
  readonly columns?: number;
  readonly window?: Range2;
  readonly contour?: ContourSettings;
  readonly surface?: SurfaceSettings;
  readonly arrows?: number;
  readonly pairs?: readonly (readonly [number, number])[];
  /** A learning-rate schedule for every optimizer (text or `{ id, options }`), checked when parsed. */
  readonly schedule?: string | ScheduleSpec;
}

export const MAX_EXPERIMENT_STEPS = 100_000;
/**
 * Most rows of a variants figure: each row is a panel of up to 12 optimizers; 24 rows already make a figure
 * taller than any screen (≈ 7 000 px), and the variants figure once took 5 GB with many rows × long runs.
 */
export const MAX_EXPERIMENT_VARIANTS = 24;
/**
 * Most iterates one figure may compute and draw, Σ over its runs of (steps + 1). Each iterate costs about
 * 100 bytes kept (the trajectory, the [x, y] pair, its distance) plus its share of the SVG path: 10⁶ iterates are
 * ≈ 100 MB of heap and a 15 MB SVG that resvg still renders in seconds — 10 optimizers × 100 000 steps.
 */
export const MAX_FIGURE_POINTS = 1_000_000;
const KEYS = [
  "$schema",
  "figure",
  "id",
  "title",
  "function",
  "start",
  "steps",
  "optimizers",
  "variants",
  "layout",
  "columns",
  "window",
  "contour",
  "surface",
  "arrows",
  "pairs",
  "schedule",
] as const;

function fail(where: string, rule: string, value: unknown, kind: "range" | "type" = "range"): never {
  const message = `${where} ${rule}, got ${show(value)}`;
  throw kind === "type" ? new InputTypeError(message) : new InputRangeError(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkKeys(where: string, object: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) throw new InputRangeError(`${where}: ${unknownNameMessage("key", key, known)}`);
  }
}

function finite(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(where, "must be a finite number", value, "type");
  return value;
}

function wholeNumber(where: string, value: unknown, min: number, max: number): number {
  if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)) {
    fail(where, `must be a whole number in [${min}, ${max}]`, value);
  }
  return value;
}

function interval(where: string, value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) fail(where, "must be [low, high]", value, "type");
  const [lo, hi] = [finite(`${where}[0]`, value[0]), finite(`${where}[1]`, value[1])];
  if (!(lo < hi)) fail(where, "must be [low, high] with low < high", value);
  return [lo, hi];
}

function point(where: string, value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2)
    fail(where, "must be [x, y], two finite numbers", value, "type");
  return [finite(`${where}[0]`, value[0]), finite(`${where}[1]`, value[1])];
}

function range2(where: string, value: unknown): Range2 {
  if (!isRecord(value)) fail(where, 'must be an object { "x": [lo, hi], "y": [lo, hi] }', value, "type");
  checkKeys(where, value, ["x", "y"]);
  return { x: interval(`${where}.x`, value.x), y: interval(`${where}.y`, value.y) };
}

function optimizerList(where: string, value: unknown): OptimizerSpecInput[] {
  if (!Array.isArray(value))
    fail(where, 'must be a list of optimizers such as ["adam:lr=0.3"]', value, "type");
  if (value.length > 12) fail(where, "must hold at most 12 optimizers", value.length);
  return value.map((entry, i) => {
    if (typeof entry === "string" && entry.trim() !== "") return entry;
    if (isRecord(entry) && typeof entry.id === "string") {
      checkKeys(`${where}[${i}]`, entry, ["id", "hp"]);
      if (entry.hp !== undefined && !isRecord(entry.hp)) {
        fail(`${where}[${i}].hp`, "must be an object of name → value", entry.hp, "type");
      }
      return entry as OptimizerSpecInput;
    }
    return fail(`${where}[${i}]`, 'must be "name:key=value,…" or { "id": name, "hp": { … } }', entry, "type");
  });
}

/**
 * Checks an experiment document (parsed JSON) and fills in defaults. `source` names the file in
 * messages (`lr.json: steps must be a whole number in [1, 100000], got 0`); "" leaves it out.
 */
export function parseExperiment(value: unknown, source = "experiment"): Experiment {
  if (!isRecord(value))
    fail(source, "must be a JSON object with at least figure and function", value, "type");
  checkKeys(source === "" ? "experiment" : source, value, KEYS);
  // An empty source (the CLI's flags) gives messages without a file name.
  const at = (key: string) => (source === "" ? key : `${source}: ${key}`);
  if (!FIGURE_KINDS.includes(value.figure as FigureKind)) {
    throw new InputRangeError(at(unknownNameMessage("figure", String(value.figure ?? ""), FIGURE_KINDS)));
  }
  const figure = value.figure as FigureKind;
  const id = value.id ?? figure;
  if (typeof id !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(id)) {
    fail(at("id"), "must be a file name of letters, digits, '.', '-' and '_' (at most 80)", id);
  }
  if (value.title !== undefined && typeof value.title !== "string")
    fail(at("title"), "must be a string", value.title, "type");
  if (typeof value.function !== "string" || value.function.trim() === "") {
    fail(at("function"), "must be a landscape id or a formula in x and y", value.function, "type");
  }
  const steps =
    value.steps === undefined ? 30 : wholeNumber(at("steps"), value.steps, 1, MAX_EXPERIMENT_STEPS);
  const optimizers = value.optimizers === undefined ? [] : optimizerList(at("optimizers"), value.optimizers);
  let variants: VariantSetting[] | undefined;
  if (value.variants !== undefined) {
    if (!Array.isArray(value.variants) || value.variants.length === 0) {
      fail(at("variants"), 'must be a non-empty list of { "label", "optimizers" }', value.variants, "type");
    }
    variants = value.variants.map((entry, i) => {
      const where = at(`variants[${i}]`);
      if (!isRecord(entry)) fail(where, 'must be { "label": text, "optimizers": [...] }', entry, "type");
      checkKeys(where, entry, ["label", "optimizers"]);
      if (typeof entry.label !== "string") fail(`${where}.label`, "must be a string", entry.label, "type");
      return { label: entry.label, optimizers: optimizerList(`${where}.optimizers`, entry.optimizers) };
    });
  }
  if (variants !== undefined && variants.length > MAX_EXPERIMENT_VARIANTS)
    fail(at("variants"), `must hold at most ${MAX_EXPERIMENT_VARIANTS} rows`, variants.length);
  const runs = optimizers.length + (variants ?? []).reduce((n, variant) => n + variant.optimizers.length, 0);
  if (runs * (steps + 1) > MAX_FIGURE_POINTS) {
    fail(
      at("steps"),
      `× runs must stay within the figure budget of ${MAX_FIGURE_POINTS} iterates (${runs} runs × ${steps + 1} iterates)`,
      steps,
    );
  }
  if ((figure === "trajectories" || figure === "losses") && optimizers.length === 0) {
    fail(at("optimizers"), `must name at least one optimizer for the ${figure} figure`, value.optimizers);
  }
  if (figure === "variants" && variants === undefined) {
    if (optimizers.length === 0)
      fail(at("variants"), "must list the settings to compare (or give optimizers)", value.variants);
    variants = [{ label: "settings", optimizers }];
  }
  const layout = value.layout ?? "panels";
  if (layout !== "panels" && layout !== "overlay")
    fail(at("layout"), 'must be "panels" or "overlay"', layout);
  const columns = value.columns === undefined ? undefined : wholeNumber(at("columns"), value.columns, 1, 12);
  const arrows = value.arrows === undefined ? undefined : wholeNumber(at("arrows"), value.arrows, 2, 60);

  let pairs: [number, number][] | undefined;
  if (value.pairs !== undefined) {
    if (!Array.isArray(value.pairs))
      fail(at("pairs"), "must be a list of [i, j] optimizer indices", value.pairs, "type");
    pairs = value.pairs.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) fail(at(`pairs[${i}]`), "must be [i, j]", pair, "type");
      const a = wholeNumber(at(`pairs[${i}][0]`), pair[0], 0, Math.max(0, optimizers.length - 1));
      const b = wholeNumber(at(`pairs[${i}][1]`), pair[1], 0, Math.max(0, optimizers.length - 1));
      return [a, b];
    });
  }
  let contour: ContourSettings | undefined;
  if (value.contour !== undefined) {
    const c = value.contour;
    if (!isRecord(c)) fail(at("contour"), "must be an object", c, "type");
    checkKeys(at("contour"), c, ["x", "y", "step", "maskAbove", "levels"]);
    const step = c.step === undefined ? undefined : finite(at("contour.step"), c.step);
    if (step !== undefined && !(step > 0)) fail(at("contour.step"), "must be > 0", step);
    let levels: number[] | undefined;
    if (c.levels !== undefined) {
      if (!Array.isArray(c.levels) || c.levels.length > 50)
        fail(at("contour.levels"), "must be a list of at most 50 numbers", c.levels, "type");
      levels = c.levels.map((v, i) => finite(at(`contour.levels[${i}]`), v));
    }
    contour = {
      x: c.x === undefined ? undefined : interval(at("contour.x"), c.x),
      y: c.y === undefined ? undefined : interval(at("contour.y"), c.y),
      step,
      maskAbove: c.maskAbove === undefined ? undefined : finite(at("contour.maskAbove"), c.maskAbove),
      levels,
    };
  }
  let surface: SurfaceSettings | undefined;
  if (value.surface !== undefined) {
    const s = value.surface;
    if (!isRecord(s)) fail(at("surface"), "must be an object", s, "type");
    checkKeys(at("surface"), s, ["x", "y", "n", "trajectories"]);
    if (s.trajectories !== undefined && typeof s.trajectories !== "boolean") {
      fail(at("surface.trajectories"), "must be true or false", s.trajectories, "type");
    }
    surface = {
      x: s.x === undefined ? undefined : interval(at("surface.x"), s.x),
      y: s.y === undefined ? undefined : interval(at("surface.y"), s.y),
      n: s.n === undefined ? undefined : wholeNumber(at("surface.n"), s.n, 2, 200),
      trajectories: s.trajectories as boolean | undefined,
    };
  }
  let schedule: string | ScheduleSpec | undefined;
  if (value.schedule !== undefined) {
    if (typeof value.schedule !== "string" && !isRecord(value.schedule)) {
      fail(
        at("schedule"),
        'must be a schedule such as "warmup-cosine:warmup=10" or { "id", "options" }',
        value.schedule,
        "type",
      );
    }
    try {
      createSchedule(value.schedule as string | ScheduleSpec, { lr: 1, steps });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw error instanceof InputTypeError
        ? new InputTypeError(`${at("schedule")}: ${message}`)
        : new InputRangeError(`${at("schedule")}: ${message}`);
    }
    schedule = value.schedule as string | ScheduleSpec;
  }
  return {
    schedule,
    figure,
    id,
    title: value.title as string | undefined,
    function: (value.function as string).trim(),
    start: value.start === undefined ? undefined : point(at("start"), value.start),
    steps,
    optimizers,
    variants,
    layout,
    columns,
    window: value.window === undefined ? undefined : range2(at("window"), value.window),
    contour,
    surface,
    arrows,
    pairs,
  };
}

/** The grid a contour plot samples: at most this many cells, whatever step is asked for. */
export const MAX_CONTOUR_CELLS = 1_000_000;

/** One optimizer's run inside an experiment. */
export interface OptimizerRun {
  readonly optimizerId: string;
  /** The optimizer's display name, e.g. "Adam (book)". */
  readonly name: string;
  /** Every hyperparameter in effect (defaults filled in). */
  readonly hp: Hyperparameters;
  /** Short label: name plus the hyperparameters that differ from the defaults. */
  readonly label: string;
  /** Full settings: `adam: lr=0.3, beta1=0.9, beta2=0.999`. */
  readonly settings: string;
  readonly trajectory: Trajectory;
  /** Iterates as [x, y] (accepted ones only; see trajectory.divergence). */
  readonly points: readonly (readonly [number, number])[];
  /** Distance from each iterate to the nearest known minimum (NaN when none is known). */
  readonly distance: readonly number[];
}

export interface ExperimentRun {
  readonly experiment: Experiment;
  readonly landscape: Landscape;
  readonly start: readonly [number, number];
  readonly window: Range2;
  readonly runs: readonly OptimizerRun[];
  readonly variants: readonly { readonly label: string; readonly runs: readonly OptimizerRun[] }[];
}

function formatHp(value: number | boolean): string {
  return typeof value === "number" ? String(Number(value.toPrecision(12))) : String(value);
}

/** `adam: lr=0.3, beta1=0.9, beta2=0.999` — every hyperparameter in effect. */
export function settingsText(optimizer: Optimizer): string {
  const entries = optimizer.meta.hyperparameters.map(
    (spec) => `${spec.name}=${formatHp(optimizer.hp[spec.name])}`,
  );
  return entries.length === 0 ? optimizer.id : `${optimizer.id}: ${entries.join(", ")}`;
}

/** `Adam (book) lr=0.3` — the name, the learning rate and whatever else differs from the defaults. */
export function shortLabel(optimizer: Optimizer): string {
  const changed = optimizer.meta.hyperparameters
    .filter((spec) => spec.name === "lr" || optimizer.hp[spec.name] !== spec.default)
    .map((spec) => `${spec.name}=${formatHp(optimizer.hp[spec.name])}`);
  return changed.length === 0 ? optimizer.meta.name : `${optimizer.meta.name} ${changed.join(" ")}`;
}

/** Optimizers that update 2-D matrices: on a landscape of n coordinates they see one 1×n matrix. */
const MATRIX_OPTIMIZERS = new Set(["muon", "optax-muon"]);

/**
 * `(x, y) as a 1×2 matrix` when a matrix-aware optimizer (Muon, optax's Muon) runs on a landscape without a matrix
 * shape of its own, else null: the settings line's note, which the playground's card shows too.
 */
export function matrixNote(optimizerId: string, landscape: Pick<Landscape, "dim">): string | null {
  if (!MATRIX_OPTIMIZERS.has(optimizerId)) return null;
  if ((landscape as { shape?: readonly number[] }).shape !== undefined) return null;
  return `(x, y) as a 1×${landscape.dim} matrix`;
}

/** What the settings line adds about how the run was made: the 1×2 matrix of Muon, the schedule. */
function runNotes(
  optimizer: Optimizer,
  landscape: Landscape,
  schedule: string | ScheduleSpec | undefined,
): string {
  const notes: string[] = [];
  const matrix = matrixNote(optimizer.id, landscape);
  if (matrix !== null) notes.push(matrix);
  if (schedule !== undefined) {
    notes.push(`schedule ${typeof schedule === "string" ? schedule.trim() : JSON.stringify(schedule)}`);
  }
  return notes.length === 0 ? "" : ` (${notes.join("; ")})`;
}

/** Runs one optimizer spec on the experiment's landscape (under `schedule` when given). */
export function runOptimizer(
  landscape: Landscape,
  spec: OptimizerSpecInput,
  start: readonly [number, number],
  steps: number,
  schedule?: string | ScheduleSpec,
): OptimizerRun {
  const optimizer = createOptimizer(spec);
  const trajectory = runTrajectory({ optimizer, landscape, start, steps, schedule });
  const points: [number, number][] = [];
  for (let k = 0; k <= trajectory.stepsRun; k++)
    points.push([trajectory.iterates[2 * k], trajectory.iterates[2 * k + 1]]);
  const distances = distancesToNearestMinimum(trajectory, landscape.minima);
  const distance = distances ? Array.from(distances) : points.map(() => Number.NaN);
  return {
    optimizerId: optimizer.id,
    name: optimizer.meta.name,
    hp: optimizer.hp,
    label: shortLabel(optimizer),
    settings: settingsText(optimizer) + runNotes(optimizer, landscape, schedule),
    trajectory,
    points,
    distance,
  };
}

/**
 * Runs every optimizer of an experiment (and of each variant) from the same start. Needs a 2D
 * landscape: the figures are planar.
 */
export function runExperiment(experiment: Experiment): ExperimentRun {
  const landscape = getLandscape(experiment.function);
  if (landscape.dim !== 2) {
    throw new InputRangeError(
      `experiment: function must be two-dimensional for figures, got ${show(experiment.function)} with ${landscape.dim} coordinates`,
    );
  }
  const start: [number, number] = experiment.start
    ? [...experiment.start]
    : [landscape.start[0], landscape.start[1]];
  const window = experiment.window ?? landscape.domain;
  const run = (spec: OptimizerSpecInput) =>
    runOptimizer(landscape, spec, start, experiment.steps, experiment.schedule);
  return {
    experiment,
    landscape,
    start,
    window,
    runs: experiment.optimizers.map(run),
    variants: (experiment.variants ?? []).map((variant) => ({
      label: variant.label,
      runs: variant.optimizers.map(run),
    })),
  };
}
