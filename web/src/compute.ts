/**
 * Runs the current optimizers on the current landscape with the library's own trajectory runner
 * (`createTrajectoryRunner`: buffers reused between runs, so a slider drag allocates almost nothing).
 */
import {
  createTrajectoryRunner,
  distancesToNearestMinimum,
  matrixNote,
  type Trajectory,
  type TrajectoryRunner,
} from "../../src/lab/index.js";
import type { Landscape } from "../../src/landscapes/index.js";
import { type Optimizer, optimizerLabel, type Schedule } from "../../src/optim/index.js";
import { optimizerStyles, type SeriesStyle } from "../../src/plot/index.js";
import { type OptimizerEntry, optimizerOf, scheduleOf } from "./state.js";

export interface PathRun {
  readonly index: number;
  readonly entry: OptimizerEntry;
  /** null when the optimizer's settings are invalid (`error` says why; a refused schedule keeps the optimizer). */
  readonly optimizer: Optimizer | null;
  readonly error: string | null;
  readonly label: string;
  readonly color: string;
  readonly dash: readonly number[];
  /** The optimizer's one look (`optimizerStyle`): colour, marker, dash. */
  readonly style: SeriesStyle;
  /** Views into the runner's buffers: valid until the next `run`. */
  readonly trajectory: Trajectory | null;
  /** ‖x_k − nearest known minimum‖ per step, or null when the landscape has no known minimum. */
  readonly distance: Float64Array | null;
  /** The schedule that drove the run (null: a constant lr); its lr per step is `trajectory.lr`. */
  readonly schedule: Schedule | null;
  /** How the run was made, as the CLI's settings line says it (Muon: "(x, y) as a 1×2 matrix"), or null. */
  readonly note: string | null;
}

/** A style's dash pattern as canvas `setLineDash` numbers. */
export function dashOf(style: SeriesStyle): number[] {
  return style.dash === "none" ? [] : style.dash.split(" ").map(Number);
}

export class Simulation {
  private readonly runners: TrajectoryRunner[] = [];

  /** Runs every entry from `start` for `steps` steps. Invalid entries come back with `error` set. */
  run(
    landscape: Landscape,
    start: readonly [number, number],
    steps: number,
    entries: readonly OptimizerEntry[],
  ): PathRun[] {
    const looks = optimizerStyles(entries.map((entry) => entry.id));
    return entries.map((entry, index) => {
      const style = { color: looks[index].color, dash: dashOf(looks[index]), style: looks[index] };
      const note = matrixNote(entry.id, landscape);
      let optimizer: Optimizer | null = null;
      let schedule: Schedule | null = null;
      let trajectory: Trajectory;
      try {
        optimizer = optimizerOf(entry);
        // The schedule is built here (not by the runner) so internals can replay it; the runner's own check of a
        // built schedule is the same `createSchedule` with the optimizer's lr and the run's steps, as on the CLI.
        schedule = entry.schedule === undefined ? null : scheduleOf(entry.schedule, optimizer, steps);
        this.runners[index] ??= createTrajectoryRunner();
        trajectory = this.runners[index].run({
          optimizer,
          landscape,
          start,
          steps,
          schedule: schedule ?? undefined,
        });
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return {
          index,
          entry,
          optimizer,
          error: text,
          label: entry.label || entry.id,
          ...style,
          trajectory: null,
          distance: null,
          schedule: null,
          note,
        };
      }
      const distance = distancesToNearestMinimum(trajectory, landscape.minima);
      // A generated label names the schedule: two Adams, one with warmup-cosine, read apart in the legend.
      const label = entry.label || `${optimizerLabel(optimizer)}${schedule ? ` @ ${schedule.id}` : ""}`;
      return { index, entry, optimizer, error: null, label, ...style, trajectory, distance, schedule, note };
    });
  }
}

/** What an optimizer holds at step k: the iterate, the gradient there, its state and the step it takes next. */
export interface Internals {
  readonly point: readonly [number, number];
  readonly gradient: readonly [number, number];
  /** x_{k+1} − x_k, or null when step k + 1 diverges. */
  readonly step: readonly [number, number] | null;
  /** Per-coordinate effective learning rate (x_{k+1} − x_k) / (−g_k). */
  readonly effectiveRate: readonly [number, number] | null;
  /** State vectors (2 coordinates each) and scalars, by the formula's letters; Adam also gets m̂ and √v̂. */
  readonly vectors: readonly { readonly name: string; readonly value: readonly [number, number] }[];
  readonly scalars: readonly { readonly name: string; readonly value: number }[];
}

/**
 * Replays an optimizer for k steps (≤ 2000 two-coordinate steps: microseconds) and reads its internals. With a
 * schedule, the replay follows the trajectory runner's protocol: before each step the schedule writes its lr into
 * the state, after it advances (ReduceLROnPlateau with f at the iterate the step started from).
 */
export function internalsAt(
  landscape: Landscape,
  optimizer: Optimizer,
  start: readonly [number, number],
  k: number,
  schedule: Schedule | null = null,
): Internals | null {
  const p = new Float64Array(start);
  const g = new Float64Array(2);
  const state = optimizer.init(2);
  const scheduleState = schedule?.init(state) ?? null;
  for (let i = 0; i < k; i++) {
    landscape.grad(p, g);
    const before = landscape.f(p);
    if (schedule !== null && scheduleState !== null) schedule.apply(scheduleState, state);
    optimizer.step(p, g, state);
    if (!(Number.isFinite(p[0]) && Number.isFinite(p[1]))) return null;
    if (schedule !== null && scheduleState !== null)
      schedule.advance(scheduleState, schedule.mode === "max" ? -before : before);
  }
  if (schedule !== null && scheduleState !== null) schedule.apply(scheduleState, state);
  landscape.grad(p, g);
  const point: [number, number] = [p[0], p[1]];
  const gradient: [number, number] = [g[0], g[1]];
  const vectors: { name: string; value: [number, number] }[] = [];
  const scalars: { name: string; value: number }[] = [];
  for (const [name, value] of Object.entries(state)) {
    if (typeof value === "number") scalars.push({ name, value });
    else if (value.length === 2) vectors.push({ name, value: [value[0], value[1]] });
  }
  const t = state.t;
  const { beta1, beta2 } = optimizer.hp;
  const m = state.m;
  const v = state.v;
  if (
    typeof t === "number" &&
    t > 0 &&
    typeof beta1 === "number" &&
    typeof beta2 === "number" &&
    typeof m === "object" &&
    typeof v === "object"
  ) {
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    vectors.push({ name: "m̂", value: [m[0] / c1, m[1] / c1] });
    vectors.push({ name: "√v̂", value: [Math.sqrt(v[0] / c2), Math.sqrt(v[1] / c2)] });
  }
  const before = [p[0], p[1]];
  optimizer.step(p, g, state);
  const ok = Number.isFinite(p[0]) && Number.isFinite(p[1]);
  const step: [number, number] | null = ok ? [p[0] - before[0], p[1] - before[1]] : null;
  const effectiveRate: [number, number] | null = step
    ? [g[0] === 0 ? 0 : -step[0] / g[0], g[1] === 0 ? 0 : -step[1] / g[1]]
    : null;
  return { point, gradient, step, effectiveRate, vectors, scalars };
}
