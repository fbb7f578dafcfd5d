import { decayRange, epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { nextD } from "./prodigy.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const dadaptAdamwMeta: OptimizerMeta = {
  id: "dadapt-adamw",
  name: "optax.contrib.dadapt_adamw",
  family: "optax",
  formula: [
    "t ← t + 1;   β̃ = √β₂;   dη = d·η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)",
    "a = Σ g·s / (√v + ε)      (the OLD s and v)",
    "m ← β₁·m + (1 − β₁)·dη·g;   v ← β₂·v + (1 − β₂)·g²",
    "s ← β̃·s + (1 − β̃)·dη·g;   N ← β̃·N + (1 − β̃)·dη·a",
    "d ← max(d, N / ((1 − β̃)·Σ|s|))   (d stays while Σ|s| = 0: no step with η > 0 yet)",
    "θ ← θ − m / (√v + ε) − λ·dη·θ",
  ],
  latex: [
    "t \\leftarrow t + 1,\\quad \\tilde\\beta = \\sqrt{\\beta_2},\\quad d\\eta = d\\,\\eta\\,\\sqrt{1-\\beta_2^t}/(1-\\beta_1^t)",
    "a = \\textstyle\\sum g\\, s/(\\sqrt{v} + \\epsilon)",
    "m \\leftarrow \\beta_1 m + (1-\\beta_1)\\, d\\eta\\, g,\\quad v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2",
    "s \\leftarrow \\tilde\\beta s + (1-\\tilde\\beta)\\, d\\eta\\, g,\\quad N \\leftarrow \\tilde\\beta N + (1-\\tilde\\beta)\\, d\\eta\\, a",
    "d \\leftarrow \\max\\left(d, N/((1-\\tilde\\beta)\\textstyle\\sum|s|)\\right)\\quad (d \\text{ stays while } \\textstyle\\sum |s| = 0)",
    "\\theta \\leftarrow \\theta - \\frac{m}{\\sqrt{v} + \\epsilon} - \\lambda\\, d\\eta\\,\\theta",
  ],
  state: {
    t: "step counter",
    lr: "learning-rate multiplier η of the next step (a schedule overwrites it)",
    d: "the running step-size estimate d (starts at d₀, never decreases)",
    N: "the weighted numerator of the estimate",
    m: "first moment, with dη inside",
    v: "second moment of g",
    s: "weighted sum of dη·g (the estimate's denominator is Σ|s|)",
  },
  hyperparameters: [
    num("lr", "η", 1, lrRange, "multiplier of the estimated step size (leave at 1; schedule it)"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of v (and β̃ = √β₂ for s and N)"),
    num("eps", "ε", 1e-8, epsRange, "added to the root"),
    num(
      "estimLr0",
      "d₀",
      1e-6,
      { min: 0, minOpen: true, scale: "log", uiMin: 1e-9, uiMax: 1 },
      "initial (under-)estimate of d",
    ),
    num("weightDecay", "λ", 0, decayRange, "decoupled decay, multiplied by dη"),
  ],
  variantNote:
    "optax 0.2.8: dη is inside m (so v is not bias-corrected separately) and the numerator's increment uses the " +
    "old s and v; d is shared by the whole parameter. D-adaptation amplifies rounding of 1 − β₂ᵗ, so agreement " +
    "with optax is ~1e-12, not 1e-16. While Σ|s| = 0 (every step so far at η = 0, as the first update of a warmup " +
    "from 0) the estimate is 0/0: optax makes d NaN, the reference dadaptation skips the update of d; here d stays, " +
    "and the step (dη = 0 inside m) is exactly zero.",
  reference:
    "Defazio & Mishchenko 2023, Learning-Rate-Free Learning by D-Adaptation (ICML, arXiv:2301.07733); " +
    "optax/contrib/_dadapt_adamw.py `dadapt_adamw`.",
  couplesCoordinates: true,
};

export interface DadaptAdamwOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  estimLr0?: number;
  weightDecay?: number;
}
export interface DadaptAdamwState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  d: number;
  N: number;
  m: FloatArray;
  v: FloatArray;
  s: FloatArray;
}

export function dadaptAdamw(options: DadaptAdamwOptions = {}): Optimizer<DadaptAdamwState> {
  const hp = resolveHyperparameters(dadaptAdamwMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const sb2 = beta2 ** 0.5;
  const eps = hp.eps as number;
  const d0 = hp.estimLr0 as number;
  const weightDecay = hp.weightDecay as number;
  return {
    id: dadaptAdamwMeta.id,
    hp,
    meta: dadaptAdamwMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      d: d0,
      N: 0,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
      s: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: DadaptAdamwState) {
      const { m, v, s } = state;
      const t = ++state.t;
      const bc = (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t);
      const dlr = state.d * state.lr * bc;
      let acc = 0;
      let sAbs = 0;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        acc += g * (s[i] / (Math.sqrt(v[i]) + eps));
        m[i] = beta1 * m[i] + (1 - beta1) * dlr * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        s[i] = sb2 * s[i] + (1 - sb2) * dlr * g;
        sAbs += Math.abs(s[i]);
      }
      state.N = sb2 * state.N + (1 - sb2) * dlr * acc;
      state.d = nextD(state.d, state.N, (1 - sb2) * sAbs);
      const decay = -(weightDecay * dlr);
      for (let i = 0; i < params.length; i++) {
        params[i] += -m[i] / (Math.sqrt(v[i]) + eps) + decay * params[i];
      }
    },
  };
}
