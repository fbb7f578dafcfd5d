import { decayConstants } from "./decay.js";
import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adamaxMeta: OptimizerMeta = {
  id: "adamax",
  name: "torch.optim.Adamax",
  family: "torch",
  formula: [
    "t ← t + 1;  g ← ±g + λ·θ",
    "m ← m + (1 − β₁)·(g − m)",
    "u ← max(β₂·u, |g| + ε)",
    "θ ← θ − (η / (1 − β₁ᵗ))·m / u",
  ],
  latex: [
    "t \\leftarrow t+1;\\ g \\leftarrow \\pm g + \\lambda\\theta",
    "m \\leftarrow m + (1-\\beta_1)(g-m)",
    "u \\leftarrow \\max(\\beta_2 u, |g| + \\epsilon)",
    "\\theta \\leftarrow \\theta - \\frac{\\eta}{1-\\beta_1^t}\\,\\frac{m}{u}",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    beta1: "β₁ of the next step (torch CyclicLR / OneCycleLR cycle it)",
    t: "step counter",
    m: "first moment, starts at 0",
    u: "exponentially weighted infinity norm, starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 2e-3, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the infinity norm u"),
    num("eps", "ε", 1e-8, epsRange, "added to |g| inside the maximum (never in the division)"),
    num("weightDecay", "λ", 0, decayRange, "L2 penalty added to the gradient"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch/optax: ε inside the maximum, none in the division. TF.js and Keras take max(β₂u, |g|) and divide by u + ε.",
  reference: "Kingma & Ba 2015, section 7.1 (AdaMax); torch/optim/adamax.py (torch 2.13).",
};

export interface AdamaxOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}
export interface AdamaxState {
  [field: string]: number | FloatArray;
  lr: number;
  beta1: number;
  t: number;
  m: FloatArray;
  u: FloatArray;
}

export function adamax(options: AdamaxOptions = {}): Optimizer<AdamaxState> {
  const hp = resolveHyperparameters(adamaxMeta, { ...options });
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const { sign, coupled } = decayConstants(hp);
  return {
    id: adamaxMeta.id,
    hp,
    meta: adamaxMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      beta1: hp.beta1 as number,
      t: 0,
      m: zeros(n, dtype),
      u: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AdamaxState) {
      const t = ++state.t;
      const { beta1 } = state;
      const oneMinusBeta1 = 1 - beta1;
      const negativeClr = -(state.lr / (1 - beta1 ** t));
      const { m, u } = state;
      for (let i = 0; i < params.length; i++) {
        const g = sign * grads[i] + coupled * params[i];
        m[i] += oneMinusBeta1 * (g - m[i]);
        u[i] = Math.max(beta2 * u[i], Math.abs(g) + eps);
        params[i] += (negativeClr * m[i]) / u[i];
      }
    },
  };
}
