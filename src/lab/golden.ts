import { beale } from "../landscapes/beale.js";
import { himmelblau } from "../landscapes/himmelblau.js";
import { createLeastSquares } from "../landscapes/least-squares.js";
import { quadratic } from "../landscapes/quadratic.js";
import { createQuadratic50 } from "../landscapes/quadratic50.js";
import { rosenbrock } from "../landscapes/rosenbrock.js";
import { saddle } from "../landscapes/saddle.js";
import type { Landscape } from "../landscapes/types.js";
import { createOptimizer } from "../optim/index.js";
import {
  createSchedule,
  type Schedule,
  type ScheduleState,
  scheduleValues,
} from "../optim/schedules/index.js";
import { foreignOptimizerNames } from "../optim/spelling.js";
import type { FloatArray, Optimizer, OptimizerState } from "../optim/types.js";
import { InputTypeError, show, unknownNameMessage } from "../util/errors.js";

/**
 * Documents in the golden-trajectory format (`shared/reference/README.md`, v2: `README-v2.md`): one case = one
 * optimizer with its complete options, one objective, a start, and the `steps + 1` iterates with their losses — or,
 * in v2, a schedule's value sequence (`kind: "schedule"`), and per-step fields a case lists in `checked`.
 */
export interface GoldenCase {
  id: string;
  family: string;
  /** v2: "trajectory" (default) or "schedule". */
  kind?: string;
  /** The class or function name (null in schedule cases). */
  optimizer: string;
  options: Record<string, unknown>;
  overrides?: Record<string, unknown>;
  /** v2 torch-sched: the torch scheduler `{ name, options, schedulers? }`. */
  scheduler?: Record<string, unknown>;
  /** v2 schedule cases: the optax schedule `{ schedule, options }`. */
  schedule?: Record<string, unknown>;
  /** The objective (null in schedule cases). */
  function: string;
  start?: number[];
  /** v2 matrix cases: `[rows, cols]` of the (flat row-major) parameter. */
  shape?: number[];
  steps: number;
  params?: number[][] | null;
  loss?: number[] | null;
  checked?: string[];
  error?: string;
  [key: string]: unknown;
}

/** The per-case fields a replay computes (v1: params and loss; v2 also the fields a case's `checked` names). */
export const REPLAYED_FIELDS = [
  "params",
  "loss",
  "values",
  "lr",
  "momentum",
  "beta1",
  "metric",
  "ax",
  "evals",
  "z",
  "x",
  "loss_x",
] as const;
export type ReplayedField = (typeof REPLAYED_FIELDS)[number];

/** What `replayCase` returns: `params` and `loss` for trajectories, `values` for schedules, and the v2 extras. */
export interface Replayed {
  params: number[][];
  loss: number[];
  values?: number[];
  /** lr[k − 1]: the learning rate optimizer step k used. */
  lr?: number[];
  momentum?: number[];
  beta1?: number[];
  /** ReduceLROnPlateau: the metric fed after step k. */
  metric?: number[];
  /** ASGD's averaged iterate after step k. */
  ax?: number[][];
  /** L-BFGS: objective evaluations of step k. */
  evals?: number[];
  /** Schedule-free: the base iterate z and the evaluation point x, k = 0 … steps, and f(x). */
  z?: number[][];
  x?: number[][];
  loss_x?: number[];
}

export interface GoldenDocument {
  format?: string;
  functions?: Record<string, { a?: number[]; [key: string]: unknown }>;
  cases: GoldenCase[];
  [key: string]: unknown;
}

/** The reference objectives by the names golden documents use; `quadratic50` and the `lsq*` matrices take the document's data. */
function objectiveFor(name: string, functions: GoldenDocument["functions"]): Landscape {
  const fixed: Record<string, Landscape> = { quadratic, rosenbrock, beale, himmelblau, saddle };
  if (name in fixed) return fixed[name];
  if (name === "quadratic50") {
    const a = functions?.quadratic50?.a;
    return a === undefined ? createQuadratic50() : createQuadratic50(a);
  }
  const data = functions?.[name];
  if (data !== undefined && data.kind === "matrix_least_squares") {
    return createLeastSquares(name, data as { X: unknown; Y: unknown; W0: unknown });
  }
  const known = [...Object.keys(fixed), "quadratic50"];
  for (const [key, value] of Object.entries(functions ?? {}))
    if (value.kind === "matrix_least_squares") known.push(key);
  throw new InputTypeError(unknownNameMessage("function", name, known));
}

/** Golden families → the optimizer table of their library (the -sched families use the same optimizers). */
const familyTables: Readonly<Record<string, string>> = { "torch-sched": "torch", "optax-sched": "optax" };

/** The optlab id for a case's family and class name (`torch`/`Adam` → `torch-adam`). */
export function optimizerIdFor(family: string, name: string): string {
  const table = foreignOptimizerNames[familyTables[family] ?? family];
  if (table === undefined) {
    throw new InputTypeError(
      unknownNameMessage("family", family, [
        ...Object.keys(foreignOptimizerNames),
        ...Object.keys(familyTables),
      ]),
    );
  }
  const id = table[name];
  if (id === undefined)
    throw new InputTypeError(unknownNameMessage(`${family} optimizer`, name, Object.keys(table)));
  return id;
}

function isScheduleObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "schedule" in value;
}

/**
 * The optimizer and the schedule of a trajectory case: optax's `learning_rate` may be a schedule (passed directly or
 * through `inject_hyperparams`: the same values), torch-sched cases name a scheduler.
 */
function optimizerAndSchedule(
  testCase: GoldenCase,
  steps: number,
): { optimizer: Optimizer; schedule: Schedule | null } {
  const id = optimizerIdFor(testCase.family, testCase.optimizer ?? "");
  const options: Record<string, unknown> = { ...(testCase.options ?? {}) };
  let scheduleSpec: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(options)) {
    if (!isScheduleObject(value)) continue;
    if (key !== "learning_rate") {
      throw new InputTypeError(`${id}: only learning_rate may be a schedule, got one for ${key}`);
    }
    scheduleSpec = value;
    delete options[key];
  }
  if (testCase.scheduler !== undefined && testCase.scheduler !== null) {
    if (scheduleSpec !== null)
      throw new InputTypeError(`${id}: a case has either a scheduler or a schedule lr, not both`);
    scheduleSpec = testCase.scheduler;
  }
  if (scheduleSpec === null) return { optimizer: createOptimizer({ id, hp: options }), schedule: null };
  if (isScheduleObject(scheduleSpec)) {
    // optax: the optimizer's lr is the schedule; its value at count 0 stands in as the constant.
    const schedule = createSchedule(scheduleSpec, { steps });
    const optimizer = createOptimizer({ id, hp: { ...options, lr: schedule.value?.(0) } });
    return { optimizer, schedule };
  }
  const optimizer = createOptimizer({ id, hp: options });
  return { optimizer, schedule: createSchedule(scheduleSpec, { lr: optimizer.hp.lr as number, steps }) };
}

/**
 * Recomputes one case exactly as the generator did: p = start; for each step, (schedule values written into the
 * optimizer state and recorded), g = ∇f(p), then the optimizer's step (L-BFGS: a closure step that evaluates f and
 * ∇f itself), (the averaged / evaluation iterates recorded), then the schedule advances (ReduceLROnPlateau with the
 * metric f(p_{k−1}), negated in max mode). Schedule cases give the value sequence. Throws a user error when optlab
 * cannot run the case (unknown optimizer, option, schedule or function, malformed start).
 */
export function replayCase(testCase: GoldenCase, functions: GoldenDocument["functions"]): Replayed {
  const { steps } = testCase;
  if (!Number.isInteger(steps) || steps < 0 || steps > 1_000_000) {
    throw new InputTypeError(`steps must be a whole number in [0, 1000000], got ${show(steps)}`);
  }
  if (testCase.kind === "schedule") {
    const schedule = createSchedule(testCase.schedule ?? {});
    return { params: [], loss: [], values: scheduleValues(schedule, steps) };
  }
  const objective = objectiveFor(testCase.function ?? "", functions);
  const { optimizer, schedule } = optimizerAndSchedule(testCase, steps);
  const { start } = testCase;
  if (!Array.isArray(start) || start.length !== objective.dim || !start.every((x) => typeof x === "number")) {
    throw new InputTypeError(
      `start must be ${objective.dim} numbers for ${testCase.function}, got ${show(start)}`,
    );
  }
  const shape = testCase.shape;
  if (
    shape !== undefined &&
    !(Array.isArray(shape) && shape.length === 2 && shape[0] * shape[1] === start.length)
  ) {
    throw new InputTypeError(
      `shape must be [rows, cols] with rows·cols = ${start.length}, got ${show(shape)}`,
    );
  }
  const checked = new Set(testCase.checked ?? []);
  const p = Float64Array.from(start);
  const g = new Float64Array(p.length);
  const state: OptimizerState = optimizer.init(p.length, "float64", shape);
  const params = [Array.from(p)];
  const loss = [objective.f(p)];
  const out: Replayed = { params, loss };
  const record = (field: "lr" | "momentum" | "beta1" | "metric" | "evals" | "loss_x", value: number) => {
    const list = out[field] ?? [];
    out[field] = list;
    list.push(value);
  };
  const recordPoint = (field: "ax" | "z" | "x", point: ArrayLike<number>) => {
    const list = out[field] ?? [];
    out[field] = list;
    list.push(Array.from(point));
  };
  const evaluation = new Float64Array(p.length);
  const wantsPoint = checked.has("x") || checked.has("loss_x");
  if (wantsPoint) {
    recordPoint("x", p);
    record("loss_x", loss[0]);
  }
  if (checked.has("z")) recordPoint("z", p);
  const scheduleState: ScheduleState | null = schedule === null ? null : schedule.init(state);
  const evaluate = (point: FloatArray, gradient: FloatArray) => {
    objective.grad(point, gradient);
    return objective.f(point);
  };
  for (let k = 1; k <= steps; k++) {
    if (schedule !== null && scheduleState !== null) schedule.apply(scheduleState, state);
    if (checked.has("lr")) record("lr", state.lr as number);
    if (checked.has("momentum")) record("momentum", state.momentum as number);
    if (checked.has("beta1")) record("beta1", state.beta1 as number);
    if (optimizer.stepWithObjective !== undefined) {
      const evaluations = optimizer.stepWithObjective(p, evaluate, state);
      if (checked.has("evals")) record("evals", evaluations);
    } else {
      objective.grad(p, g);
      optimizer.step(p, g, state);
    }
    params.push(Array.from(p));
    loss.push(objective.f(p));
    if (checked.has("ax") && optimizer.evaluationPoint !== undefined) {
      optimizer.evaluationPoint(p, state, evaluation);
      recordPoint("ax", evaluation);
    }
    if (wantsPoint && optimizer.evaluationPoint !== undefined) {
      optimizer.evaluationPoint(p, state, evaluation);
      recordPoint("x", evaluation);
      record("loss_x", objective.f(evaluation));
    }
    if (checked.has("z") && state.z !== undefined) recordPoint("z", state.z as FloatArray);
    if (schedule !== null && scheduleState !== null) {
      const metric = schedule.needsMetric
        ? schedule.mode === "max"
          ? -loss[k - 1]
          : loss[k - 1]
        : Number.NaN;
      if (schedule.needsMetric) record("metric", metric);
      schedule.advance(scheduleState, metric);
    }
  }
  return out;
}

/**
 * Replays every case of a document (v1 or v2). Each case that cannot run keeps going for the others and gets an
 * `error` field (its stored numbers are removed so no stale ones remain); a replayed case carries every field it
 * computed (v1: params, loss; v2: also values, lr, momentum, beta1, metric, ax, evals, z, x, loss_x as checked).
 */
export function replayDocument(document: GoldenDocument): { document: GoldenDocument; failed: number } {
  let failed = 0;
  const cases = document.cases.map((testCase): GoldenCase => {
    if (testCase === null || typeof testCase !== "object" || Array.isArray(testCase)) {
      failed++;
      return { error: `case must be an object, got ${show(testCase)}` } as GoldenCase;
    }
    const rest: GoldenCase = { ...testCase };
    for (const field of [...REPLAYED_FIELDS, "error"]) delete rest[field];
    try {
      const replayed = replayCase(testCase, document.functions);
      const fields: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(replayed)) {
        // A schedule case has no iterates; a trajectory case keeps params and loss as in v1.
        if (testCase.kind === "schedule" && (field === "params" || field === "loss")) continue;
        if (value !== undefined) fields[field] = value;
      }
      return { ...rest, ...fields };
    } catch (error) {
      failed++;
      return { ...rest, error: error instanceof Error ? error.message : String(error) };
    }
  });
  return { document: { ...document, cases }, failed };
}

/** How a replayed case compares with the reference numbers it was replayed from. */
export interface CaseMatch {
  /** The fields compared (the case's `checked`, or params and loss for v1 documents). */
  readonly fields: readonly string[];
  /** The worst |optlab − reference| / (rtol·|reference| + atol) over every number compared; ≤ 1 matches. */
  readonly worst: number;
  readonly matched: boolean;
}

function flatNumbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === "number") out.push(value);
  else if (value === null) out.push(Number.NaN);
  else if (Array.isArray(value)) for (const v of value) flatNumbers(v, out);
  return out;
}

/**
 * Compares a replayed case with the reference case it came from, field by field, with the document's tolerance
 * rule |a − e| ≤ rtol·|e| + atol. Null when the reference holds no numbers to compare (nothing to match).
 */
export function matchReference(
  reference: GoldenCase,
  replayed: GoldenCase,
  tolerance: { rtol: number; atol: number } = { rtol: 1e-9, atol: 1e-12 },
): CaseMatch | null {
  if (reference === null || typeof reference !== "object" || Array.isArray(reference)) return null;
  if (replayed === null || typeof replayed !== "object") return null;
  const named: unknown[] = Array.isArray(reference.checked) ? reference.checked : ["params", "loss"];
  const fields = named.filter(
    (field): field is string =>
      typeof field === "string" && reference[field] !== undefined && reference[field] !== null,
  );
  if (fields.length === 0 || replayed.error !== undefined) return null;
  let worst = 0;
  for (const field of fields) {
    const expected = flatNumbers(reference[field]);
    const actual = flatNumbers(replayed[field]);
    if (actual.length !== expected.length) return { fields, worst: Number.POSITIVE_INFINITY, matched: false };
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const a = actual[i];
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      const ratio = Math.abs(a - e) / (tolerance.rtol * Math.abs(e) + tolerance.atol);
      worst = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : Math.max(worst, ratio);
    }
  }
  return { fields, worst, matched: worst <= 1 };
}
