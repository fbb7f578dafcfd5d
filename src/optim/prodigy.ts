import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const prodigyMeta: OptimizerMeta = {
  id: "prodigy",
  name: "optax.contrib.prodigy",
  family: "optax",
  formula: [
    "t ← t + 1;   dη = d·η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)",
    "a = Σ g·(θ₀ − θ)",
    "m ← β₁·m + (1 − β₁)·d·g;   v ← β₂·v + (1 − β₂)·(d·g)²",
    "s ← β₃·s + (safeguard ? d : dη)·d·g / d₀",
    "N ← β₃·N + (d / d₀)·dη·a",
    "d' = max(d, κ·N / Σ|s|)   (d' = d while Σ|s| = 0: no step with η > 0 yet)",
    "θ ← θ − λ·dη·θ − dη·m / (√v + d'·ε);   d ← d'",
  ],
  latex: [
    "t \\leftarrow t + 1,\\quad d\\eta = d\\,\\eta\\,\\sqrt{1-\\beta_2^t}/(1-\\beta_1^t)",
    "a = \\textstyle\\sum g\\,(\\theta_0 - \\theta)",
    "m \\leftarrow \\beta_1 m + (1-\\beta_1)\\,d g,\\quad v \\leftarrow \\beta_2 v + (1-\\beta_2)(d g)^2",
    "s \\leftarrow \\beta_3 s + (\\text{safeguard}\\ ?\\ d : d\\eta)\\, d g / d_0",
    "N \\leftarrow \\beta_3 N + (d/d_0)\\, d\\eta\\, a",
    "d' = \\max(d, \\kappa N / \\textstyle\\sum |s|)\\quad (d' = d \\text{ while } \\textstyle\\sum |s| = 0)",
    "\\theta \\leftarrow \\theta - \\lambda\\, d\\eta\\,\\theta - d\\eta\\,\\frac{m}{\\sqrt{v} + d'\\epsilon}",
  ],
  state: {
    t: "step counter",
    lr: "learning-rate multiplier η of the next step (a schedule overwrites it)",
    d: "the running step-size estimate d (starts at d₀, never decreases)",
    N: "the weighted numerator of the estimate",
    m: "first moment of d·g",
    v: "second moment of d·g",
    s: "weighted sum of the scaled gradients (the estimate's denominator is Σ|s|)",
    theta0: "the initial parameters θ₀ (copied at the first step)",
  },
  hyperparameters: [
    num("lr", "η", 1, lrRange, "multiplier of the estimated step size (leave at 1; schedule it)"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of v"),
    num(
      "beta3",
      "β₃",
      0,
      { min: 0, max: 1, maxOpen: true, scale: "linear", uiMin: 0, uiMax: 0.999 },
      "decay of s and N; 0 means √β₂ (optax's None)",
    ),
    num("eps", "ε", 1e-8, epsRange, "added to the root, times the new d"),
    num(
      "estimLr0",
      "d₀",
      1e-6,
      { min: 0, minOpen: true, scale: "log", uiMin: 1e-9, uiMax: 1 },
      "initial (under-)estimate of d",
    ),
    num(
      "estimLrCoef",
      "κ",
      1,
      { min: 0, minOpen: true, scale: "log", uiMin: 0.1, uiMax: 10 },
      "multiplies every estimate of d",
    ),
    num("weightDecay", "λ", 0, decayRange, "decoupled decay, multiplied by dη"),
    flag(
      "safeguardWarmup",
      "safeguard",
      false,
      "use d instead of dη in s (avoids overestimating d during warmup)",
    ),
  ],
  variantNote:
    "optax 0.2.8: the ε term uses the new d while dη uses the old one (as the reference code); d is shared by the " +
    "whole parameter. The reference prodigyopt also has growth_rate and d_coef (optax: estim_lr_coef) and makes " +
    "the bias correction optional (off by default there, always on here). While Σ|s| = 0 (every step so far at " +
    "η = 0, as the first update of a warmup from 0, or zero gradients) the estimate is 0/0: optax's jnp.maximum " +
    "makes d NaN, the reference prodigyopt returns before touching d (`if d_denom == 0`); here d stays, the moments " +
    "update as in optax, and the step, dη = 0, is exactly zero. D-adaptation amplifies rounding of " +
    "1 − β₂ᵗ (optax's XLA pow is not correctly rounded), so agreement with optax is ~1e-12, not 1e-16.",
  reference:
    "Mishchenko & Defazio 2023, Prodigy: An Expeditiously Adaptive Parameter-Free Learner (arXiv:2306.06101); " +
    "optax/contrib/_prodigy.py `prodigy`.",
  couplesCoordinates: true,
};

export interface ProdigyOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  beta3?: number;
  eps?: number;
  estimLr0?: number;
  estimLrCoef?: number;
  weightDecay?: number;
  safeguardWarmup?: boolean;
}
export interface ProdigyState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  d: number;
  N: number;
  m: FloatArray;
  v: FloatArray;
  s: FloatArray;
  theta0: FloatArray;
}

/** jnp.maximum: NaN wins. */
function maximum(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
}

/**
 * d' = max(d, numerator / denominator), D-adaptation's estimate; d itself while the denominator (Σ|s|, every s
 * weighted by d·η) is 0 — no step with η > 0 yet, or zero gradients — where optax's 0/0 would make d NaN and the
 * reference implementations skip the update of d. Shared by Prodigy and D-Adaptation AdamW (and their SIMD steps).
 */
export function nextD(d: number, numerator: number, denominator: number): number {
  return denominator === 0 ? d : maximum(d, numerator / denominator);
}

export function prodigy(options: ProdigyOptions = {}): Optimizer<ProdigyState> {
  const hp = resolveHyperparameters(prodigyMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const beta3 = (hp.beta3 as number) === 0 ? Math.sqrt(beta2) : (hp.beta3 as number);
  const eps = hp.eps as number;
  const d0 = hp.estimLr0 as number;
  const coef = hp.estimLrCoef as number;
  const weightDecay = hp.weightDecay as number;
  const safeguard = hp.safeguardWarmup as boolean;
  return {
    id: prodigyMeta.id,
    hp,
    meta: prodigyMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      d: d0,
      N: 0,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
      s: zeros(n, dtype),
      theta0: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: ProdigyState) {
      const { m, v, s, theta0 } = state;
      if (state.t === 0) theta0.set(params);
      const t = ++state.t;
      const d = state.d;
      const bc = (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t);
      const dlr = d * state.lr * bc;
      const sWeight = safeguard ? d : dlr;
      let acc = 0;
      let sAbs = 0;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        acc += g * (theta0[i] - params[i]);
        const dg = d * g;
        m[i] = beta1 * m[i] + (1 - beta1) * dg;
        v[i] = beta2 * v[i] + (1 - beta2) * dg * dg;
        s[i] = beta3 * s[i] + (sWeight * dg) / d0;
        sAbs += Math.abs(s[i]);
      }
      state.N = beta3 * state.N + (d / d0) * dlr * acc;
      const dNext = nextD(d, coef * state.N, sAbs);
      state.d = dNext;
      const epsTerm = dNext * eps;
      const decay = -weightDecay * dlr;
      for (let i = 0; i < params.length; i++) {
        params[i] += decay * params[i] - (dlr * m[i]) / (Math.sqrt(v[i]) + epsTerm);
      }
    },
  };
}
