import { getLandscape } from "../landscapes/index.js";
import type { Landscape } from "../landscapes/types.js";
import {
  createSchedule,
  type Schedule,
  type ScheduleSpec,
  type ScheduleState,
} from "../optim/schedules/index.js";
import type { DType, FloatArray, Optimizer, OptimizerState } from "../optim/types.js";
import { InputRangeError, InputTypeError, show } from "../util/errors.js";

/** Most steps a trajectory may have. */
export const MAX_TRAJECTORY_STEPS = 1_000_000;
/** Most numbers `(steps + 1) · dim` the iterates of one trajectory may hold (80 MB of float64). */
export const MAX_TRAJECTORY_VALUES = 10_000_000;
/** The default bound is this many times the larger side of the landscape's plotting window. */
export const DEFAULT_BOUND_FACTOR = 1e6;

/** Why a trajectory stopped early. */
export interface Divergence {
  /** The step k (1-based) whose iterate x_k was rejected; the trajectory keeps x_0 … x_{k−1}. */
  readonly step: number;
  readonly reason: "non-finite" | "out-of-bound";
  /** The offending number: the first bad coordinate of x_k, or f(x_k) when `coordinate` is null. */
  readonly value: number;
  /** Index of the offending coordinate, or null when the coordinates were fine but f(x_k) was not finite. */
  readonly coordinate: number | null;
}

/**
 * An optimizer's path on a landscape. All arrays hold only accepted iterates, k = 0 … stepsRun, so a
 * plot never meets NaN coordinates; when `divergence` is set, the run stopped at step
 * `divergence.step = stepsRun + 1` and the plot can mark "diverged at step k" at the last iterate.
 */
export interface Trajectory {
  readonly landscapeId: string;
  readonly optimizerId: string;
  readonly dim: number;
  readonly dtype: DType;
  /** Steps requested. */
  readonly steps: number;
  /** Steps whose iterate was accepted (= steps unless the run diverged). */
  readonly stepsRun: number;
  /** Iterate k at `iterates[k·dim … k·dim + dim − 1]`; iterate 0 is the start (after rounding to dtype). */
  readonly iterates: Float64Array;
  /** loss[k] = f(x_k), evaluated in float64 on the (possibly float32) iterate. */
  readonly loss: Float64Array;
  /** gradNorm[k] = ‖∇f(x_k)‖₂ of the gradient handed to the optimizer at step k + 1 (in dtype). */
  readonly gradNorm: Float64Array;
  readonly divergence: Divergence | null;
  /** The |coordinate| limit that was in force. */
  readonly bound: number;
  /** The schedule that drove the run (`{ id, options }`, complete), or null for a constant lr. */
  readonly schedule?: { readonly id: string; readonly options: Readonly<Record<string, unknown>> } | null;
  /** With a schedule: lr[k − 1] is the learning rate step k used (stepsRun numbers); null without one. */
  readonly lr?: Float64Array | null;
  /** With a schedule that cycles it (CyclicLR, OneCycleLR): the momentum (torch SGD) or β₁ (Adam) of step k. */
  readonly momentum?: Float64Array | null;
  /**
   * For optimizers whose answer is not the training iterate (ASGD's average, Schedule-Free's x): the evaluation
   * points k = 0 … stepsRun (point 0 is the start) and f there — the loss to report. Null for the others.
   */
  readonly evaluation?: { readonly iterates: Float64Array; readonly loss: Float64Array } | null;
  /**
   * For optimizers that evaluate the objective themselves (L-BFGS): evaluations[k − 1] is how many (f, ∇f)
   * evaluations step k made (stepsRun numbers) — what "steps to tolerance" must count. Null for the others,
   * which use exactly one gradient per step.
   */
  readonly evaluations?: Float64Array | null;
}

export interface TrajectoryOptions {
  readonly optimizer: Optimizer;
  /** A landscape, or an id or formula for `getLandscape`. */
  readonly landscape: Landscape | string;
  /** Start point; default `landscape.start`. */
  readonly start?: ArrayLike<number>;
  /** Number of optimizer steps, a whole number in 1 … 1e6. */
  readonly steps: number;
  /** Precision of the parameters, gradients and optimizer state; default "float64". */
  readonly dtype?: DType;
  /**
   * A learning-rate schedule (a spec, its CLI string `warmup-cosine:warmup=100`, or a built schedule). Options it
   * leaves out that default to the run take the optimizer's lr (peak values, torch's base lr) and `steps` (lengths).
   * Before every step it writes the optimizer state's lr (and momentum / β₁ for CyclicLR and OneCycleLR); after it
   * advances — ReduceLROnPlateau with the loss at the iterate the step started from (negated in mode "max").
   */
  readonly schedule?: Schedule | ScheduleSpec | string;
  /** The parameter's matrix shape for matrix-aware optimizers (Muon, Adafactor); default: the landscape's `shape`. */
  readonly shape?: readonly number[];
  /**
   * An iterate with a coordinate of absolute value above `bound` ends the run as "out-of-bound".
   * Default: 1e6 × the larger side of the landscape's plotting window (2e7 for the book's [-10, 10]²).
   * `Infinity` disables the check (non-finite iterates still end the run).
   */
  readonly bound?: number;
}

/** 1e6 × the larger side of the landscape's plotting window. */
export function defaultBound(landscape: Pick<Landscape, "domain">): number {
  const { x, y } = landscape.domain;
  return DEFAULT_BOUND_FACTOR * Math.max(x[1] - x[0], y[1] - y[0]);
}

interface Checked {
  readonly optimizer: Optimizer;
  readonly landscape: Landscape;
  readonly start: ArrayLike<number>;
  readonly steps: number;
  readonly dtype: DType;
  readonly bound: number;
  readonly schedule: Schedule | null;
  readonly shape: readonly number[] | undefined;
}

function isSchedule(value: unknown): value is Schedule {
  return value !== null && typeof value === "object" && typeof (value as Schedule).advance === "function";
}

function check(options: TrajectoryOptions): Checked {
  if (options === null || typeof options !== "object") {
    throw new InputTypeError(`trajectory: options must be an object, got ${show(options)}`);
  }
  const { optimizer } = options;
  if (optimizer === null || typeof optimizer !== "object" || typeof optimizer.step !== "function") {
    throw new InputTypeError(`trajectory: optimizer must be an optimizer instance, got ${show(optimizer)}`);
  }
  const landscape =
    typeof options.landscape === "string" ? getLandscape(options.landscape) : options.landscape;
  if (landscape === null || typeof landscape !== "object" || typeof landscape.grad !== "function") {
    throw new InputTypeError(
      `trajectory: landscape must be a landscape, an id or a formula, got ${show(landscape)}`,
    );
  }
  const { steps } = options;
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= MAX_TRAJECTORY_STEPS)) {
    throw new InputRangeError(
      `trajectory: steps must be a whole number in [1, ${MAX_TRAJECTORY_STEPS}], got ${show(steps)}`,
    );
  }
  if ((steps + 1) * landscape.dim > MAX_TRAJECTORY_VALUES) {
    throw new InputRangeError(
      `trajectory: (steps + 1) × dim must be at most ${MAX_TRAJECTORY_VALUES}, got ${(steps + 1) * landscape.dim} (${landscape.id} has ${landscape.dim} coordinates)`,
    );
  }
  const dtype = options.dtype ?? "float64";
  if (dtype !== "float64" && dtype !== "float32") {
    throw new InputRangeError(`trajectory: dtype must be "float64" or "float32", got ${show(dtype)}`);
  }
  const bound = options.bound ?? defaultBound(landscape);
  if (!(typeof bound === "number" && bound > 0)) {
    throw new InputRangeError(`trajectory: bound must be a number > 0, got ${show(bound)}`);
  }
  const start = options.start ?? landscape.start;
  if (start === null || typeof start !== "object" || typeof start.length !== "number") {
    throw new InputTypeError(
      `trajectory: start must be an array of ${landscape.dim} numbers, got ${show(start)}`,
    );
  }
  if (start.length !== landscape.dim) {
    throw new InputRangeError(
      `trajectory: start must have ${landscape.dim} coordinates for ${landscape.id}, got ${start.length}`,
    );
  }
  for (let i = 0; i < start.length; i++) {
    const v = start[i];
    if (!(typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= bound)) {
      throw new InputRangeError(
        `trajectory: start[${i}] must be a finite number within ±${show(bound)}, got ${show(v)}`,
      );
    }
  }
  const given = options.schedule;
  const schedule =
    given === undefined || given === null
      ? null
      : isSchedule(given)
        ? given
        : createSchedule(given, { lr: optimizer.hp.lr as number, steps });
  const shape = options.shape ?? (landscape as { shape?: readonly number[] }).shape;
  return { optimizer, landscape, start, steps, dtype, bound, schedule, shape };
}

/** Preallocated storage for one trajectory of up to `capacity` steps. */
interface Buffers {
  iterates: Float64Array;
  loss: Float64Array;
  gradNorm: Float64Array;
  params: FloatArray;
  grads: FloatArray;
  /** Per step: lr, momentum / β₁, objective evaluations (used only when the run has them). */
  lr: Float64Array;
  momentum: Float64Array;
  evaluations: Float64Array;
  /** Evaluation points and their losses (sized only for optimizers with an evaluation point). */
  evalIterates: Float64Array;
  evalLoss: Float64Array;
  point: FloatArray;
}

function makeParams(dim: number, dtype: DType): FloatArray {
  return dtype === "float32" ? new Float32Array(dim) : new Float64Array(dim);
}

function allocate(steps: number, dim: number, dtype: DType, withEvaluation = false): Buffers {
  return {
    iterates: new Float64Array((steps + 1) * dim),
    loss: new Float64Array(steps + 1),
    gradNorm: new Float64Array(steps + 1),
    params: makeParams(dim, dtype),
    grads: makeParams(dim, dtype),
    lr: new Float64Array(steps),
    momentum: new Float64Array(steps),
    evaluations: new Float64Array(steps),
    evalIterates: new Float64Array(withEvaluation ? (steps + 1) * dim : 0),
    evalLoss: new Float64Array(withEvaluation ? steps + 1 : 0),
    point: makeParams(withEvaluation ? dim : 0, dtype),
  };
}

function norm(g: FloatArray, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/**
 * The protocol of golden-trajectories.json: for k in 1..steps, g = ∇f(x_{k−1}); optimizer.step(x, g, state) —
 * with a schedule, its values are written into the state first and it advances after the step; an optimizer that
 * evaluates the objective itself (L-BFGS) takes one closure step instead, and its evaluations are counted.
 * Writes into `b` (sized for at least `c.steps`) and returns the number of accepted steps and the divergence.
 */
function simulate(c: Checked, b: Buffers): { stepsRun: number; divergence: Divergence | null } {
  const { landscape, optimizer, steps, bound, schedule } = c;
  const dim = landscape.dim;
  const { iterates, loss, gradNorm, params: p, grads: g } = b;
  for (let i = 0; i < dim; i++) p[i] = c.start[i];
  const state: OptimizerState = optimizer.init(dim, c.dtype, c.shape);
  const scheduleState: ScheduleState | null = schedule === null ? null : schedule.init(state);
  const momentumField = typeof state.beta1 === "number" ? "beta1" : "momentum";
  const withEvaluation = optimizer.evaluationPoint !== undefined;
  const closure = optimizer.stepWithObjective;
  const evaluate = (point: FloatArray, gradient: FloatArray) => {
    landscape.grad(point, gradient);
    return landscape.f(point);
  };
  for (let i = 0; i < dim; i++) iterates[i] = p[i];
  loss[0] = landscape.f(p);
  if (withEvaluation) {
    for (let i = 0; i < dim; i++) b.evalIterates[i] = p[i];
    b.evalLoss[0] = loss[0];
  }
  landscape.grad(p, g);
  gradNorm[0] = norm(g, dim);
  for (let k = 1; k <= steps; k++) {
    if (schedule !== null && scheduleState !== null) {
      schedule.apply(scheduleState, state);
      b.lr[k - 1] = state.lr as number;
      if (schedule.cyclesMomentum) b.momentum[k - 1] = state[momentumField] as number;
    }
    if (closure !== undefined) b.evaluations[k - 1] = closure.call(optimizer, p, evaluate, state);
    else optimizer.step(p, g, state);
    for (let i = 0; i < dim; i++) {
      const v = p[i];
      if (!Number.isFinite(v))
        return { stepsRun: k - 1, divergence: { step: k, reason: "non-finite", value: v, coordinate: i } };
      if (Math.abs(v) > bound) {
        return { stepsRun: k - 1, divergence: { step: k, reason: "out-of-bound", value: v, coordinate: i } };
      }
    }
    const value = landscape.f(p);
    if (!Number.isFinite(value)) {
      return { stepsRun: k - 1, divergence: { step: k, reason: "non-finite", value, coordinate: null } };
    }
    const offset = k * dim;
    for (let i = 0; i < dim; i++) iterates[offset + i] = p[i];
    loss[k] = value;
    if (withEvaluation) {
      optimizer.evaluationPoint?.(p, state, b.point);
      for (let i = 0; i < dim; i++) b.evalIterates[offset + i] = b.point[i];
      b.evalLoss[k] = landscape.f(b.point);
    }
    landscape.grad(p, g);
    gradNorm[k] = norm(g, dim);
    if (schedule !== null && scheduleState !== null) {
      // ReduceLROnPlateau: the training loss of step k, f(x_{k−1}) (its negative when the metric should rise).
      const metric = schedule.mode === "max" ? -loss[k - 1] : loss[k - 1];
      schedule.advance(scheduleState, metric);
    }
  }
  return { stepsRun: steps, divergence: null };
}

/**
 * Runs `optimizer` on `landscape` from `start` for `steps` steps and records every iterate, loss and
 * gradient norm. Never throws on divergence: the first iterate that is non-finite, has a coordinate
 * beyond ±bound, or has a non-finite loss ends the run and is reported in `divergence`; the arrays are
 * cut to the accepted iterates. Invalid inputs throw InputRangeError/InputTypeError.
 */
export function runTrajectory(options: TrajectoryOptions): Trajectory {
  const c = check(options);
  const dim = c.landscape.dim;
  const b = allocate(c.steps, dim, c.dtype, c.optimizer.evaluationPoint !== undefined);
  const { stepsRun, divergence } = simulate(c, b);
  // Cut to the accepted iterates by copying, so the result owns exactly its data.
  const cut = (a: Float64Array, n: number) => (stepsRun < c.steps ? a.slice(0, n) : a);
  return assemble(c, b, stepsRun, divergence, cut);
}

/** The Trajectory of a finished simulation, its arrays cut to the accepted iterates by `cut` (copy or view). */
function assemble(
  c: Checked,
  b: Buffers,
  stepsRun: number,
  divergence: Divergence | null,
  cut: (array: Float64Array, length: number) => Float64Array,
): Trajectory {
  const dim = c.landscape.dim;
  return {
    landscapeId: c.landscape.id,
    optimizerId: c.optimizer.id,
    dim,
    dtype: c.dtype,
    steps: c.steps,
    stepsRun,
    iterates: cut(b.iterates, (stepsRun + 1) * dim),
    loss: cut(b.loss, stepsRun + 1),
    gradNorm: cut(b.gradNorm, stepsRun + 1),
    divergence,
    bound: c.bound,
    schedule: c.schedule === null ? null : c.schedule.spec,
    lr: c.schedule === null ? null : cut(b.lr, stepsRun),
    momentum: c.schedule?.cyclesMomentum === true ? cut(b.momentum, stepsRun) : null,
    evaluation:
      c.optimizer.evaluationPoint === undefined
        ? null
        : { iterates: cut(b.evalIterates, (stepsRun + 1) * dim), loss: cut(b.evalLoss, stepsRun + 1) },
    evaluations: c.optimizer.stepWithObjective === undefined ? null : cut(b.evaluations, stepsRun),
  };
}

/** Runs trajectories into buffers it keeps, for interactive re-runs (see `createTrajectoryRunner`). */
export interface TrajectoryRunner {
  /** Same contract as `runTrajectory`, but the returned arrays are views that the next `run` overwrites. */
  run(options: TrajectoryOptions): Trajectory;
}

/**
 * A runner that keeps its buffers between runs, for the playground (6 optimizers × 300 steps on every
 * slider change): use one runner per displayed trajectory and copy a result if you need to keep it.
 * Buffers grow when a run needs more steps, coordinates or another dtype, and are reused otherwise.
 */
export function createTrajectoryRunner(): TrajectoryRunner {
  let buffers: Buffers | null = null;
  let capacitySteps = 0;
  let capacityDim = 0;
  let bufferDtype: DType = "float64";
  return {
    run(options) {
      const c = check(options);
      const dim = c.landscape.dim;
      const withEvaluation = c.optimizer.evaluationPoint !== undefined;
      if (
        buffers === null ||
        c.steps > capacitySteps ||
        dim !== capacityDim ||
        c.dtype !== bufferDtype ||
        (withEvaluation && buffers.evalLoss.length < c.steps + 1)
      ) {
        capacitySteps = Math.max(c.steps, dim === capacityDim ? capacitySteps : 0);
        capacityDim = dim;
        bufferDtype = c.dtype;
        buffers = allocate(capacitySteps, dim, c.dtype, withEvaluation);
      }
      const { stepsRun, divergence } = simulate(c, buffers);
      return assemble(c, buffers, stepsRun, divergence, (a, n) => a.subarray(0, n));
    },
  };
}

/** Iterate k of a trajectory as a plain array (for plotting or printing). */
export function iterateAt(
  trajectory: Pick<Trajectory, "iterates" | "dim" | "stepsRun">,
  k: number,
): number[] {
  if (!(Number.isInteger(k) && k >= 0 && k <= trajectory.stepsRun)) {
    throw new InputRangeError(
      `trajectory: iterate index must be a whole number in [0, ${trajectory.stepsRun}], got ${show(k)}`,
    );
  }
  return Array.from(trajectory.iterates.subarray(k * trajectory.dim, (k + 1) * trajectory.dim));
}
