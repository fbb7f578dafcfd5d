import {
  decayRange,
  epsRange,
  lrRange,
  num,
  resolveHyperparameters,
  unitClosedRange,
  unitOpenRange,
} from "./hyper.js";
import { averageStep, averagingWeight, scheduleFreeEvaluationPoint, warmupLr } from "./schedule-free.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const scheduleFreeAdamwMeta: OptimizerMeta = {
  id: "schedule-free-adamw",
  name: "optax.contrib.schedule_free_adamw",
  family: "optax",
  formula: [
    "ηₖ = warmup(η, k);   M ← max(M, η_{k+1});   w = M^p;   S ← S + w;   c = w / S",
    "v ← (1 − β₂)·g² + β₂·v      (g = ∇f(y))",
    "x₋ = (y − (1 − β₁)·z) / β₁",
    "z ← z − ηₖ·(g / (√(v / (1 − β₂^{k+1})) + ε) + λ·y)",
    "x ← (1 − c)·x₋ + c·z",
    "y ← β₁·x + (1 − β₁)·z      (train at y, evaluate at x)",
  ],
  latex: [
    "\\eta_k = \\operatorname{warmup}(\\eta, k),\\ M \\leftarrow \\max(M, \\eta_{k+1}),\\ w = M^p,\\ S \\leftarrow S + w,\\ c = w/S",
    "v \\leftarrow (1-\\beta_2) g^2 + \\beta_2 v",
    "x_- = (y - (1-\\beta_1) z)/\\beta_1",
    "z \\leftarrow z - \\eta_k\\left(\\frac{g}{\\sqrt{v/(1-\\beta_2^{k+1})} + \\epsilon} + \\lambda y\\right)",
    "x \\leftarrow (1-c)\\,x_- + c\\,z",
    "y \\leftarrow \\beta_1 x + (1-\\beta_1) z",
  ],
  state: {
    k: "steps taken (the base optimizer's 0-based count)",
    lr: "peak learning rate η (a schedule overwrites it)",
    lrNext: "the schedule's value one count ahead, for the averaging weight (NaN: use lr)",
    weightSum: "S, the sum of the averaging weights",
    maxLr: "M, the largest lr seen by the averaging",
    v: "second moment of the gradients at y",
    z: "the base iterate (starts at θ₀)",
    x: "the averaged sequence: the point to evaluate (starts at θ₀)",
    u: "scratch: this step's update of z",
  },
  hyperparameters: [
    num("lr", "η", 0.0025, lrRange, "learning rate (1–10× AdamW's)"),
    num("beta1", "β₁", 0.9, unitClosedRange, "interpolation between x and z for the gradient point y"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the second moment v"),
    num("eps", "ε", 1e-8, epsRange, "added to the root"),
    num(
      "warmupSteps",
      "W",
      0,
      { min: 0, integer: true, scale: "linear", uiMin: 0, uiMax: 100 },
      "linear warmup length (0: none)",
    ),
    num("weightDecay", "λ", 0, decayRange, "decoupled decay at y, multiplied by η"),
    num(
      "weightLrPower",
      "p",
      2,
      { min: 0, scale: "linear", uiMin: 0, uiMax: 4 },
      "averaging weight = (max lr)^p",
    ),
  ],
  variantNote:
    "optax 0.2.8: the base is RMSprop with Adam's bias correction of v (no first moment), ε outside the root and " +
    "decay at y; the averaging weight uses the lr at count k + 1, the base at count k (with warmup the first step " +
    "moves nothing). facebookresearch/schedule_free instead scales the step by √(1 − β₂ᵗ) and warms up inside the " +
    "optimizer. optax requires β₁ > 0; optlab also allows β₁ = 0 (y = z, x their weighted average). Under an " +
    "external schedule, state.lr drives the base step and state.lrNext (the schedule one count ahead, as optax) the " +
    "averaging weight when a runner writes it. `evaluationPoint` gives x.",
  reference:
    "Defazio et al. 2024, The Road Less Scheduled (arXiv:2405.15682); optax/contrib/_schedule_free.py " +
    "`schedule_free_adamw`.",
};

export interface ScheduleFreeAdamwOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  warmupSteps?: number;
  weightDecay?: number;
  weightLrPower?: number;
}
export interface ScheduleFreeAdamwState {
  [field: string]: number | FloatArray;
  k: number;
  lr: number;
  lrNext: number;
  weightSum: number;
  maxLr: number;
  v: FloatArray;
  z: FloatArray;
  x: FloatArray;
  u: FloatArray;
}

export function scheduleFreeAdamw(options: ScheduleFreeAdamwOptions = {}): Optimizer<ScheduleFreeAdamwState> {
  const hp = resolveHyperparameters(scheduleFreeAdamwMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const warmupSteps = hp.warmupSteps as number;
  const weightDecay = hp.weightDecay as number;
  const weightLrPower = hp.weightLrPower as number;
  return {
    id: scheduleFreeAdamwMeta.id,
    hp,
    meta: scheduleFreeAdamwMeta,
    init: (n: number, dtype?: DType) => ({
      k: 0,
      lr: hp.lr as number,
      lrNext: Number.NaN,
      weightSum: 0,
      maxLr: 0,
      v: zeros(n, dtype),
      z: zeros(n, dtype),
      x: zeros(n, dtype),
      u: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: ScheduleFreeAdamwState) {
      if (state.k === 0) {
        state.z.set(params);
        state.x.set(params);
      }
      const ck = averagingWeight(state, warmupSteps, weightLrPower);
      const negativeLr = -warmupLr(state.lr, warmupSteps, state.k);
      const bc2 = 1 - beta2 ** (state.k + 1);
      const { u, v } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        v[i] = (1 - beta2) * (g * g) + beta2 * v[i];
        u[i] = negativeLr * (g / (Math.sqrt(v[i] / bc2) + eps) + weightDecay * params[i]);
      }
      averageStep(params, u, state, beta1, ck);
    },
    evaluationPoint(params: FloatArray, state: ScheduleFreeAdamwState, out: FloatArray) {
      if (state.k === 0) out.set(params);
      else scheduleFreeEvaluationPoint(params, state, beta1, out);
    },
  };
}
