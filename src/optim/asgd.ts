import { decayRange, flag, lrRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const asgdMeta: OptimizerMeta = {
  id: "asgd",
  name: "torch.optim.ASGD",
  family: "torch",
  formula: [
    "t ← t + 1;   g ← ±g + wd·θ",
    "θ ← θ·(1 − λ·ηₜ)",
    "θ ← θ − ηₜ·g",
    "θ̄ ← θ̄ + μₜ·(θ − θ̄)   (θ̄ ← θ while μₜ = 1)",
    "ηₜ₊₁ = η / (1 + λ·η·t)^α;   μₜ₊₁ = 1 / max(1, t − t₀)",
  ],
  latex: [
    "t \\leftarrow t + 1,\\quad g \\leftarrow \\pm g + w_d\\,\\theta",
    "\\theta \\leftarrow \\theta\\,(1 - \\lambda\\eta_t)",
    "\\theta \\leftarrow \\theta - \\eta_t\\, g",
    "\\bar\\theta \\leftarrow \\bar\\theta + \\mu_t(\\theta - \\bar\\theta)\\quad(\\bar\\theta \\leftarrow \\theta \\text{ while } \\mu_t = 1)",
    "\\eta_{t+1} = \\eta / (1 + \\lambda\\eta t)^{\\alpha},\\quad \\mu_{t+1} = 1/\\max(1, t - t_0)",
  ],
  state: {
    lr: "learning rate η of the next step (a schedule may change it; ηₜ is recomputed from it after every step)",
    t: "step counter",
    eta: "ηₜ, the step size of the next step (η at the first step)",
    mu: "μₜ, the averaging weight of the next step (1 until t > t₀)",
    ax: "θ̄, the averaged iterate (a copy of θ until averaging starts); the evaluation point",
  },
  hyperparameters: [
    num("lr", "η", 1e-2, lrRange, "learning rate"),
    num(
      "lambda",
      "λ",
      1e-4,
      { min: 0, scale: "log", uiMin: 1e-6, uiMax: 1 },
      "decay term: shrinks θ by λ·ηₜ every step and sets how fast ηₜ decays (torch: lambd)",
    ),
    num(
      "alpha",
      "α",
      0.75,
      { min: 0, scale: "linear", uiMin: 0, uiMax: 1 },
      "power of the step-size decay ηₜ = η/(1 + λη t)^α",
    ),
    num(
      "t0",
      "t₀",
      1e6,
      { min: 0, scale: "log", uiMin: 1, uiMax: 1e6 },
      "the step after which averaging starts",
    ),
    num("weightDecay", "wd", 0, decayRange, "L2 penalty added to the gradient"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch 2.13 semantics: λ also shrinks θ by (1 − ληₜ) every step, not only in the step-size law; ηₜ and μₜ are " +
    "computed after a step and used by the next one; averaging starts after t₀ steps (default 1e6: never, so θ̄ is a " +
    "copy of θ). The trajectory keeps the plain iterates θ; θ̄ is the evaluation point. ηₜ and μₜ are doubles " +
    "(torch keeps them in its default dtype: float32 unless set to float64).",
  reference:
    "Polyak & Juditsky 1992 (averaging); Xu 2011, Towards optimal one pass large scale learning with averaged " +
    "stochastic gradient descent (arXiv:1107.2490, the step-size law); torch/optim/asgd.py (torch 2.13).",
};

export interface AsgdOptions {
  lr?: number;
  lambda?: number;
  alpha?: number;
  t0?: number;
  weightDecay?: number;
  maximize?: boolean;
}
export interface AsgdState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  eta: number;
  mu: number;
  ax: FloatArray;
}

export function asgd(options: AsgdOptions = {}): Optimizer<AsgdState> {
  const hp = resolveHyperparameters(asgdMeta, { ...options });
  const lambda = hp.lambda as number;
  const alpha = hp.alpha as number;
  const t0 = hp.t0 as number;
  const weightDecay = hp.weightDecay as number;
  const sign = hp.maximize === true ? -1 : 1;
  return {
    id: asgdMeta.id,
    hp,
    meta: asgdMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      t: 0,
      eta: hp.lr as number,
      mu: 1,
      ax: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AsgdState) {
      // torch creates η = lr with the state, at the first step (after any scheduler set the group's lr).
      if (state.t === 0) state.eta = state.lr;
      const t = ++state.t;
      const { eta, mu, ax } = state;
      const shrink = 1 - lambda * eta;
      for (let i = 0; i < params.length; i++) {
        const g = sign * grads[i] + weightDecay * params[i];
        const p = params[i] * shrink;
        params[i] = p + -eta * g;
      }
      if (mu !== 1) {
        for (let i = 0; i < params.length; i++) ax[i] = ax[i] + (params[i] - ax[i]) * mu;
      } else {
        for (let i = 0; i < params.length; i++) ax[i] = params[i];
      }
      const lr = state.lr;
      state.eta = lr / (1 + lambda * lr * t) ** alpha;
      state.mu = 1 / Math.max(1, t - t0);
    },
    evaluationPoint(params: FloatArray, state: AsgdState, out: FloatArray) {
      // Before the first step there is no average yet: the start itself.
      out.set(state.t === 0 ? params : state.ax);
    },
  };
}
