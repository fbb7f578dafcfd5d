import { decayRange, epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const ademamixMeta: OptimizerMeta = {
  id: "ademamix",
  name: "optax.contrib.ademamix",
  family: "optax",
  formula: [
    "t ← t + 1",
    "m₁ ← (1 − β₁)·g + β₁·m₁;   m₂ ← (1 − β₃)·g + β₃·m₂;   v ← (1 − β₂)·g² + β₂·v",
    "u = (m₁ / (1 − β₁ᵗ) + α·m₂) / (√(v / (1 − β₂ᵗ) + ε_root) + ε) + λ·θ",
    "θ ← θ − η·u",
  ],
  latex: [
    "t \\leftarrow t + 1",
    "m_1 \\leftarrow (1-\\beta_1) g + \\beta_1 m_1,\\ m_2 \\leftarrow (1-\\beta_3) g + \\beta_3 m_2,\\ v \\leftarrow (1-\\beta_2) g^2 + \\beta_2 v",
    "u = \\frac{m_1/(1-\\beta_1^t) + \\alpha m_2}{\\sqrt{v/(1-\\beta_2^t) + \\epsilon_{root}} + \\epsilon} + \\lambda\\theta",
    "\\theta \\leftarrow \\theta - \\eta u",
  ],
  state: {
    t: "step counter",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    m1: "fast gradient average (β₁), bias-corrected when used",
    m2: "slow gradient average (β₃), not bias-corrected",
    v: "second moment (β₂)",
  },
  hyperparameters: [
    num("lr", "η", 0.001, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the fast average m₁"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the second moment v"),
    num("beta3", "β₃", 0.9999, unitOpenRange, "decay of the slow average m₂"),
    num("alpha", "α", 5, { min: 0, scale: "linear", uiMin: 0, uiMax: 10 }, "weight of the slow average m₂"),
    num("eps", "ε", 1e-8, epsRange, "added to the root"),
    num("epsRoot", "ε_root", 0, epsRange, "added under the root"),
    num("weightDecay", "λ", 0, decayRange, "decoupled decay added to the update, multiplied by η"),
  ],
  variantNote:
    "optax 0.2.8: α and β₃ are constants (the paper warms both up with schedulers); the slow average m₂ is not " +
    "bias-corrected; `ademamix` defaults to α = 5 while `scale_by_ademamix` uses 6. optax has no default η; " +
    "optlab uses 0.001.",
  reference:
    "Pagliardini, Ablin & Grangier 2024, The AdEMAMix Optimizer: Better, Faster, Older (arXiv:2409.03137); " +
    "optax/contrib/_ademamix.py `ademamix`.",
};

export interface AdemamixOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  beta3?: number;
  alpha?: number;
  eps?: number;
  epsRoot?: number;
  weightDecay?: number;
}
export interface AdemamixState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  m1: FloatArray;
  m2: FloatArray;
  v: FloatArray;
}

export function ademamix(options: AdemamixOptions = {}): Optimizer<AdemamixState> {
  const hp = resolveHyperparameters(ademamixMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const beta3 = hp.beta3 as number;
  const alpha = hp.alpha as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const weightDecay = hp.weightDecay as number;
  return {
    id: ademamixMeta.id,
    hp,
    meta: ademamixMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      m1: zeros(n, dtype),
      m2: zeros(n, dtype),
      v: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AdemamixState) {
      const t = ++state.t;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const negativeLr = -state.lr;
      const { m1, m2, v } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        m1[i] = (1 - beta1) * g + beta1 * m1[i];
        m2[i] = (1 - beta3) * g + beta3 * m2[i];
        v[i] = (1 - beta2) * (g * g) + beta2 * v[i];
        const u =
          (m1[i] / bc1 + alpha * m2[i]) / (Math.sqrt(v[i] / bc2 + epsRoot) + eps) + weightDecay * params[i];
        params[i] += negativeLr * u;
      }
    },
  };
}
