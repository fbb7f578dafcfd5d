import { decayRange, epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adanMeta: OptimizerMeta = {
  id: "adan",
  name: "optax.adan",
  family: "optax",
  formula: [
    "t ← t + 1;   Δ = (t = 1) ? 0 : g − g₋",
    "m ← (1 − β₁)·g + β₁·m",
    "v ← (1 − β₂)·Δ + β₂·v",
    "n ← (1 − β₃)·(g + (1 − β₂)·Δ)² + β₃·n",
    "u = (m̂ + (1 − β₂)·v̂) / (√(n̂ + ε_root) + ε) + λ·θ      (m̂, v̂, n̂: each divided by 1 − βᵗ of its β)",
    "θ ← θ − η·u;   g₋ ← g",
  ],
  latex: [
    "t \\leftarrow t + 1,\\quad \\Delta = g - g_{-}\\ (0 \\text{ at } t = 1)",
    "m \\leftarrow (1-\\beta_1) g + \\beta_1 m",
    "v \\leftarrow (1-\\beta_2) \\Delta + \\beta_2 v",
    "n \\leftarrow (1-\\beta_3)(g + (1-\\beta_2)\\Delta)^2 + \\beta_3 n",
    "u = \\frac{\\hat m + (1-\\beta_2) \\hat v}{\\sqrt{\\hat n + \\epsilon_{root}} + \\epsilon} + \\lambda\\theta",
    "\\theta \\leftarrow \\theta - \\eta u,\\quad g_{-} \\leftarrow g",
  ],
  state: {
    t: "step counter",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    m: "average of the gradients",
    v: "average of the gradient differences Δ",
    n: "average of the squared look-ahead gradient (g + (1 − β₂)Δ)²",
    gPrev: "the previous gradient g₋",
  },
  hyperparameters: [
    num("lr", "η", 0.001, lrRange, "learning rate"),
    num("beta1", "β₁", 0.98, unitOpenRange, "decay of m (the paper's 1 − β₁ = 0.02)"),
    num("beta2", "β₂", 0.92, unitOpenRange, "decay of v; 1 − β₂ weights Δ and v̂ (the paper's β₂ = 0.08)"),
    num("beta3", "β₃", 0.99, unitOpenRange, "decay of n (the paper's 1 − β₃ = 0.01)"),
    num("eps", "ε", 1e-8, epsRange, "added to the root"),
    num("epsRoot", "ε_root", 1e-8, epsRange, "added under the root (alias default 1e-8, scale_by_adan's 0)"),
    num("weightDecay", "λ", 0, decayRange, "decay added to the update and multiplied by η"),
  ],
  variantNote:
    "optax 0.2.8: β's are the decays (the paper writes 1 − β), all three averages are bias-corrected, and weight " +
    "decay λθ is added to the update (×η) instead of the paper's division by 1 + λη. The gradient difference Δ " +
    "and v̂ are weighted by 1 − β₂ = 0.08, where the paper and the reference code (sail-sg/Adan) weight them by " +
    "0.92 (their β₂ = 0.08, 1 − β₂ = 0.92). ε_root = 1e-8 in the alias. optax has no default η; optlab uses 0.001.",
  reference:
    "Xie et al. 2022, Adan: Adaptive Nesterov Momentum Algorithm (arXiv:2208.06677, Alg. 1); optax/_src/transform.py " +
    "`scale_by_adan`.",
};

export interface AdanOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  beta3?: number;
  eps?: number;
  epsRoot?: number;
  weightDecay?: number;
}
export interface AdanState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  m: FloatArray;
  v: FloatArray;
  n: FloatArray;
  gPrev: FloatArray;
}

export function adan(options: AdanOptions = {}): Optimizer<AdanState> {
  const hp = resolveHyperparameters(adanMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const beta3 = hp.beta3 as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const weightDecay = hp.weightDecay as number;
  return {
    id: adanMeta.id,
    hp,
    meta: adanMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
      n: zeros(n, dtype),
      gPrev: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AdanState) {
      const first = state.t === 0;
      const t = ++state.t;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const bc3 = 1 - beta3 ** t;
      const negativeLr = -state.lr;
      const { m, v, n, gPrev } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        const delta = first ? 0 : g - gPrev[i];
        m[i] = (1 - beta1) * g + beta1 * m[i];
        v[i] = (1 - beta2) * delta + beta2 * v[i];
        const ahead = g + (1 - beta2) * delta;
        n[i] = (1 - beta3) * (ahead * ahead) + beta3 * n[i];
        const direction = m[i] / bc1 + (1 - beta2) * (v[i] / bc2);
        const u = direction / (eps + Math.sqrt(epsRoot + n[i] / bc3)) + weightDecay * params[i];
        params[i] += negativeLr * u;
        gPrev[i] = g;
      }
    },
  };
}
