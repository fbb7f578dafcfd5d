/**
 * The Schedule-Free averaging shared by `schedule-free-sgd` and `schedule-free-adamw` (optax
 * `contrib.schedule_free`): the base optimizer moves z, the averaged sequence x is where the loss should be
 * evaluated, and the parameters the user trains with are y = β·x + (1 − β)·z.
 */
import type { FloatArray } from "./types.js";

/** optax's `warmup_constant_schedule(0, peak, W)` at count `c` (W = 0: no warmup). */
export function warmupLr(peak: number, warmupSteps: number, c: number): number {
  if (warmupSteps <= 0 || c >= warmupSteps) return peak;
  const k = Math.min(Math.max(c, 0), warmupSteps);
  return (0 - peak) * (1 - k / warmupSteps) + peak;
}

/** State fields of the averaging; the base optimizer adds its own. */
export interface ScheduleFreeFields {
  k: number;
  lr: number;
  lrNext: number;
  weightSum: number;
  maxLr: number;
  z: FloatArray;
  x: FloatArray;
}

/**
 * The averaging weight cₖ of this step (optax evaluates the lr for it at count k + 1, one ahead of the base
 * optimizer) and the updated running sums.
 */
export function averagingWeight(
  state: ScheduleFreeFields,
  warmupSteps: number,
  weightLrPower: number,
): number {
  // optax evaluates a learning-rate schedule at count k + 1 here: a schedule runner that knows it writes lrNext.
  const lr = warmupLr(Number.isNaN(state.lrNext) ? state.lr : state.lrNext, warmupSteps, state.k + 1);
  const maxLr = Math.max(state.maxLr, lr);
  const weight = maxLr ** weightLrPower;
  const total = state.weightSum + weight;
  state.maxLr = maxLr;
  state.weightSum = total;
  if (Number.isNaN(weight) || Number.isNaN(total)) return Number.NaN;
  const ck = weight / total;
  return Number.isNaN(ck) ? 0 : ck;
}

/**
 * One averaging step, given y (`params`) and the base optimizer's update `u` of z (in `state.x`'s place is the
 * new x): x_prev = (y − (1 − β)·z)/β (β > 0; the stored x when β = 0), z ← z + u, x ← (1 − c)·x_prev + c·z,
 * y ← β·x + (1 − β)·z.
 */
export function averageStep(
  params: FloatArray,
  update: FloatArray,
  state: ScheduleFreeFields,
  beta: number,
  ck: number,
): void {
  const { z, x } = state;
  for (let i = 0; i < params.length; i++) {
    const y = params[i];
    const xPrev = beta > 0 ? (y - (1 - beta) * z[i]) / beta : x[i];
    const zNext = z[i] + update[i];
    const xNext = (1 - ck) * xPrev + ck * zNext;
    const yNext = beta * xNext + (1 - beta) * zNext;
    z[i] = zNext;
    x[i] = xNext;
    // optax returns y' − y and apply_updates adds it back (y + (y' − y)); writing y' itself differs by at most
    // a rounding and keeps β = 0 exactly plain SGD/AdamW.
    params[i] = yNext;
  }
  state.k++;
}

/** x from y and z as optax's `schedule_free_eval_params` computes it (the stored x when β = 0). */
export function scheduleFreeEvaluationPoint(
  params: FloatArray,
  state: ScheduleFreeFields,
  beta: number,
  out: FloatArray,
): void {
  const { z, x } = state;
  for (let i = 0; i < params.length; i++) out[i] = beta > 0 ? (params[i] - (1 - beta) * z[i]) / beta : x[i];
}
