import { decayConstants, shrinkFor } from "./decay.js";
import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const radamMeta: OptimizerMeta = {
  id: "radam",
  name: "torch.optim.RAdam",
  family: "torch",
  formula: [
    "t ← t + 1;  θ ← θ·(1 − η·λ) (decoupled)  or  g ← ±g + λ·θ",
    "m ← m + (1 − β₁)·(g − m);   v ← β₂·v + (1 − β₂)·g²;   m̂ = m / (1 − β₁ᵗ)",
    "ρ∞ = 2/(1 − β₂) − 1;   ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)",
    "ρₜ > 5:  r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ));  θ ← θ − η·m̂·√(1 − β₂ᵗ)/(√v + ε)·r",
    "else:    θ ← θ − η·m̂",
  ],
  latex: [
    "t \\leftarrow t+1;\\ \\theta \\leftarrow \\theta(1-\\eta\\lambda)\\ \\text{or}\\ g \\leftarrow \\pm g + \\lambda\\theta",
    "m \\leftarrow m + (1-\\beta_1)(g-m),\\ v \\leftarrow \\beta_2 v + (1-\\beta_2)g^2,\\ \\hat m = m/(1-\\beta_1^t)",
    "\\rho_\\infty = \\frac{2}{1-\\beta_2} - 1,\\ \\rho_t = \\rho_\\infty - \\frac{2t\\beta_2^t}{1-\\beta_2^t}",
    "\\rho_t > 5:\\ \\theta \\leftarrow \\theta - \\eta\\,\\hat m\\,\\frac{\\sqrt{1-\\beta_2^t}}{\\sqrt v + \\epsilon}\\, r_t",
    "\\text{else: } \\theta \\leftarrow \\theta - \\eta\\,\\hat m",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    beta1: "β₁ of the next step (torch CyclicLR / OneCycleLR cycle it)",
    t: "step counter",
    m: "first moment, starts at 0",
    v: "second moment, starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 1e-3, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
    num("eps", "ε", 1e-8, epsRange, "added to the uncorrected √v"),
    num("weightDecay", "λ", 0, decayRange, "weight decay (L2 on the gradient, or decoupled)"),
    flag("decoupledWeightDecay", "decoupled", false, "decay θ directly instead of adding λθ to g"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch 2.13: rectification when ρₜ > 5 (paper: > 4, optax: ≥ 5), so the first five steps are plain bias-corrected " +
    "momentum with step η·m̂ — the lr must be safe for that; ε is added to the uncorrected √v (optax: to √v̂).",
  reference:
    "Liu et al. 2020, On the Variance of the Adaptive Learning Rate and Beyond (ICLR); torch/optim/radam.py.",
};

export interface RadamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
  maximize?: boolean;
}
export interface RadamState {
  [field: string]: number | FloatArray;
  lr: number;
  beta1: number;
  t: number;
  m: FloatArray;
  v: FloatArray;
}

export function radam(options: RadamOptions = {}): Optimizer<RadamState> {
  const hp = resolveHyperparameters(radamMeta, { ...options });
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const oneMinusBeta2 = 1 - beta2;
  const rhoInfinity = 2 / (1 - beta2) - 1;
  const decay = decayConstants(hp);
  const { sign, coupled } = decay;
  return {
    id: radamMeta.id,
    hp,
    meta: radamMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      beta1: hp.beta1 as number,
      t: 0,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: RadamState) {
      const { lr, beta1 } = state;
      const oneMinusBeta1 = 1 - beta1;
      const shrink = shrinkFor(decay, lr);
      const t = ++state.t;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const rhoT = rhoInfinity - (2 * t * beta2 ** t) / bc2;
      const { m, v } = state;
      if (rhoT > 5) {
        const rect = Math.sqrt(
          ((rhoT - 4) * (rhoT - 2) * rhoInfinity) / ((rhoInfinity - 4) * (rhoInfinity - 2) * rhoT),
        );
        const bc2Sqrt = Math.sqrt(bc2);
        for (let i = 0; i < params.length; i++) {
          const p = params[i];
          const g = sign * grads[i] + coupled * p;
          m[i] += oneMinusBeta1 * (g - m[i]);
          v[i] = beta2 * v[i] + oneMinusBeta2 * g * g;
          const adaptive = bc2Sqrt / (Math.sqrt(v[i]) + eps);
          params[i] = p * shrink - (m[i] / bc1) * lr * adaptive * rect;
        }
      } else {
        for (let i = 0; i < params.length; i++) {
          const p = params[i];
          const g = sign * grads[i] + coupled * p;
          m[i] += oneMinusBeta1 * (g - m[i]);
          v[i] = beta2 * v[i] + oneMinusBeta2 * g * g;
          params[i] = p * shrink - (m[i] / bc1) * lr;
        }
      }
    },
  };
}
