import { decayRange, lrRange, num, resolveHyperparameters, unitClosedRange } from "./hyper.js";
import { averageStep, averagingWeight, scheduleFreeEvaluationPoint, warmupLr } from "./schedule-free.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const scheduleFreeSgdMeta: OptimizerMeta = {
  id: "schedule-free-sgd",
  name: "optax.contrib.schedule_free_sgd",
  family: "optax",
  formula: [
    "ηₖ = warmup(η, k)   (linear 0 → η over W counts; constant without warmup)",
    "M ← max(M, η_{k+1});   w = M^p;   S ← S + w;   c = w / S",
    "x₋ = (y − (1 − β)·z) / β",
    "z ← z − ηₖ·(∇f(y) + λ·y)",
    "x ← (1 − c)·x₋ + c·z",
    "y ← β·x + (1 − β)·z      (train at y, evaluate at x)",
  ],
  latex: [
    "\\eta_k = \\operatorname{warmup}(\\eta, k)",
    "M \\leftarrow \\max(M, \\eta_{k+1}),\\ w = M^p,\\ S \\leftarrow S + w,\\ c = w/S",
    "x_- = (y - (1-\\beta) z)/\\beta",
    "z \\leftarrow z - \\eta_k(\\nabla f(y) + \\lambda y)",
    "x \\leftarrow (1-c)\\,x_- + c\\,z",
    "y \\leftarrow \\beta x + (1-\\beta) z",
  ],
  state: {
    k: "steps taken (the base optimizer's 0-based count)",
    lr: "peak learning rate η (a schedule overwrites it)",
    lrNext: "the schedule's value one count ahead, for the averaging weight (NaN: use lr)",
    weightSum: "S, the sum of the averaging weights",
    maxLr: "M, the largest lr seen by the averaging",
    z: "the base SGD iterate (starts at θ₀)",
    x: "the averaged sequence: the point to evaluate (starts at θ₀)",
    u: "scratch: this step's update of z",
  },
  hyperparameters: [
    num("lr", "η", 1, lrRange, "learning rate (Schedule-Free SGD wants 10–50× the classical one)"),
    num("beta1", "β", 0.9, unitClosedRange, "interpolation between x and z for the gradient point y"),
    num(
      "warmupSteps",
      "W",
      0,
      { min: 0, integer: true, scale: "linear", uiMin: 0, uiMax: 100 },
      "linear warmup length (0: none)",
    ),
    num("weightDecay", "λ", 0, decayRange, "L2 decay at y, multiplied by η"),
    num(
      "weightLrPower",
      "p",
      2,
      { min: 0, scale: "linear", uiMin: 0, uiMax: 4 },
      "averaging weight = (max lr)^p",
    ),
  ],
  variantNote:
    "optax 0.2.8: the averaging weight uses the lr at count k + 1 while the base SGD uses count k, so with warmup " +
    "the first step moves nothing (η₀ = 0) although it already has weight; decay is taken at y. optax requires " +
    "β > 0; optlab also allows β = 0 (y = z: plain SGD, with x its weighted average). Under an external schedule, " +
    "state.lr drives the base step and state.lrNext (the schedule one count ahead, as optax) the averaging weight " +
    "when a runner writes it. The reference (facebookresearch/schedule_free) warms up inside the optimizer. `evaluationPoint` gives x.",
  reference:
    "Defazio et al. 2024, The Road Less Scheduled (arXiv:2405.15682); optax/contrib/_schedule_free.py " +
    "`schedule_free_sgd`.",
};

export interface ScheduleFreeSgdOptions {
  lr?: number;
  beta1?: number;
  warmupSteps?: number;
  weightDecay?: number;
  weightLrPower?: number;
}
export interface ScheduleFreeSgdState {
  [field: string]: number | FloatArray;
  k: number;
  lr: number;
  lrNext: number;
  weightSum: number;
  maxLr: number;
  z: FloatArray;
  x: FloatArray;
  u: FloatArray;
}

export function scheduleFreeSgd(options: ScheduleFreeSgdOptions = {}): Optimizer<ScheduleFreeSgdState> {
  const hp = resolveHyperparameters(scheduleFreeSgdMeta, { ...options });
  const beta = hp.beta1 as number;
  const warmupSteps = hp.warmupSteps as number;
  const weightDecay = hp.weightDecay as number;
  const weightLrPower = hp.weightLrPower as number;
  return {
    id: scheduleFreeSgdMeta.id,
    hp,
    meta: scheduleFreeSgdMeta,
    init: (n: number, dtype?: DType) => ({
      k: 0,
      lr: hp.lr as number,
      lrNext: Number.NaN,
      weightSum: 0,
      maxLr: 0,
      z: zeros(n, dtype),
      x: zeros(n, dtype),
      u: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: ScheduleFreeSgdState) {
      if (state.k === 0) {
        state.z.set(params);
        state.x.set(params);
      }
      const ck = averagingWeight(state, warmupSteps, weightLrPower);
      const negativeLr = -warmupLr(state.lr, warmupSteps, state.k);
      const { u } = state;
      for (let i = 0; i < params.length; i++) u[i] = negativeLr * (grads[i] + weightDecay * params[i]);
      averageStep(params, u, state, beta, ck);
    },
    evaluationPoint(params: FloatArray, state: ScheduleFreeSgdState, out: FloatArray) {
      if (state.k === 0) out.set(params);
      else scheduleFreeEvaluationPoint(params, state, beta, out);
    },
  };
}
