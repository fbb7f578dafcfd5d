import { decayRange, epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const simplifiedAdemamixMeta: OptimizerMeta = {
  id: "simplified-ademamix",
  name: "optax.contrib.simplified_ademamix",
  family: "optax",
  formula: [
    "t ← t + 1",
    "m ← g + β₁·m      (a sum, no 1 − β₁ factor)",
    "v ← (1 − β₂)·g² + β₂·v",
    "u = (m + α·g) / (√(v / (1 − β₂ᵗ) + ε_root) + ε) + λ·θ",
    "θ ← θ − η·u",
  ],
  latex: [
    "t \\leftarrow t + 1",
    "m \\leftarrow g + \\beta_1 m",
    "v \\leftarrow (1-\\beta_2) g^2 + \\beta_2 v",
    "u = \\frac{m + \\alpha g}{\\sqrt{v/(1-\\beta_2^t) + \\epsilon_{root}} + \\epsilon} + \\lambda\\theta",
    "\\theta \\leftarrow \\theta - \\eta u",
  ],
  state: {
    t: "step counter",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    m: "accumulated gradients (≈ g/(1 − β₁) for a steady g)",
    v: "second moment",
  },
  hyperparameters: [
    num("lr", "η", 1e-4, lrRange, "learning rate (about 1 − β₁ times Adam's, since m sums gradients)"),
    num("beta1", "β₁", 0.99, unitOpenRange, "decay of the gradient sum m"),
    num("beta2", "β₂", 0.95, unitOpenRange, "decay of the second moment v"),
    num("alpha", "α", 0, { min: 0, scale: "linear", uiMin: 0, uiMax: 10 }, "weight of the current gradient"),
    num("eps", "ε", 1e-8, epsRange, "added to the root"),
    num("epsRoot", "ε_root", 0, epsRange, "added under the root"),
    num("weightDecay", "λ", 0, decayRange, "decoupled decay added to the update, multiplied by η"),
  ],
  variantNote:
    "optax 0.2.8: m is an accumulator (no (1 − β₁)), so learning rates are ~1/(1 − β₁) times smaller than Adam's; " +
    "only v is bias-corrected. optax has no default η; optlab uses 1e-4.",
  reference:
    "Morwani et al. 2025, Connections between Schedule-Free Optimizers, AdEMAMix, and Accelerated SGD Variants " +
    "(arXiv:2502.02431); optax/contrib/_simplified_ademamix.py `simplified_ademamix`.",
};

export interface SimplifiedAdemamixOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  alpha?: number;
  eps?: number;
  epsRoot?: number;
  weightDecay?: number;
}
export interface SimplifiedAdemamixState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  m: FloatArray;
  v: FloatArray;
}

export function simplifiedAdemamix(
  options: SimplifiedAdemamixOptions = {},
): Optimizer<SimplifiedAdemamixState> {
  const hp = resolveHyperparameters(simplifiedAdemamixMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const alpha = hp.alpha as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const weightDecay = hp.weightDecay as number;
  return {
    id: simplifiedAdemamixMeta.id,
    hp,
    meta: simplifiedAdemamixMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: SimplifiedAdemamixState) {
      const t = ++state.t;
      const bc2 = 1 - beta2 ** t;
      const negativeLr = -state.lr;
      const { m, v } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        m[i] = g + beta1 * m[i];
        v[i] = (1 - beta2) * (g * g) + beta2 * v[i];
        const u = (m[i] + alpha * g) / (Math.sqrt(v[i] / bc2 + epsRoot) + eps) + weightDecay * params[i];
        params[i] += negativeLr * u;
      }
    },
  };
}
