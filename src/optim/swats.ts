import { epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const swatsMeta: OptimizerMeta = {
  id: "swats",
  name: "SWATS (Keskar & Socher 2017)",
  family: "paper",
  couplesCoordinates: true,
  formula: [
    "Adam phase:  m ← β₁·m + (1 − β₁)·g;   a ← β₂·a + (1 − β₂)·g²",
    "p = −η·√(1 − β₂ᵏ)/(1 − β₁ᵏ) · m / (√a + ε);   θ ← θ + p",
    "if pᵀg ≠ 0:  γ = pᵀp / (−pᵀg);   λ ← β₂·λ + (1 − β₂)·γ",
    "    if k > 1 and |λ/(1 − β₂ᵏ) − γ| < ε:  switch to SGD with Λ = λ/(1 − β₂ᵏ)",
    "SGD phase:   v ← β₁·v + g;   θ ← θ − (1 − β₁)·Λ·v",
  ],
  latex: [
    "m \\leftarrow \\beta_1 m + (1-\\beta_1) g,\\ a \\leftarrow \\beta_2 a + (1-\\beta_2) g^2",
    "p = -\\eta\\frac{\\sqrt{1-\\beta_2^k}}{1-\\beta_1^k}\\frac{m}{\\sqrt a + \\epsilon},\\ \\theta \\leftarrow \\theta + p",
    "\\gamma = \\frac{p^\\top p}{-p^\\top g},\\ \\lambda \\leftarrow \\beta_2\\lambda + (1-\\beta_2)\\gamma",
    "|\\lambda/(1-\\beta_2^k) - \\gamma| < \\epsilon \\Rightarrow \\Lambda = \\lambda/(1-\\beta_2^k)",
    "v \\leftarrow \\beta_1 v + g,\\ \\theta \\leftarrow \\theta - (1-\\beta_1)\\Lambda v",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    t: "step counter k",
    m: "Adam first moment, starts at 0",
    a: "Adam second moment, starts at 0",
    v: "SGD momentum buffer, starts at 0 at the switch",
    lambda: "λ, the running (biased) average of the projected SGD learning rate γ",
    phase: "0 while Adam runs, 1 after the switch to SGD",
    switchLr: "Λ, the SGD learning rate chosen at the switch (0 before)",
    switchStep: "the step k at which the switch happened (0 before)",
  },
  hyperparameters: [
    num("lr", "η", 1e-3, lrRange, "Adam-phase learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "Adam's β₁, and the SGD momentum after the switch"),
    num("beta2", "β₂", 0.999, unitOpenRange, "Adam's β₂, and the averaging of γ"),
    num("eps", "ε", 1e-9, epsRange, "Adam's ε (added to √a) and the switch tolerance"),
  ],
  variantNote:
    "Algorithm 1 of the paper, with one switch for the whole parameter vector (the paper's γ uses the dot products over " +
    "all parameters; implementations that switch per layer differ). The Adam phase is the ε̂ form, like the book's Adam " +
    "with ε = 1e-9; the SGD phase uses an undamped momentum buffer scaled by (1 − β₁)·Λ.",
  reference:
    "Keskar & Socher 2017, Improving Generalization Performance by Switching from Adam to SGD (arXiv:1712.07628), " +
    "Algorithm 1.",
};

export interface SwatsOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}
export interface SwatsState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  m: FloatArray;
  a: FloatArray;
  v: FloatArray;
  lambda: number;
  phase: number;
  switchLr: number;
  switchStep: number;
}

export function swats(options: SwatsOptions = {}): Optimizer<SwatsState> {
  const hp = resolveHyperparameters(swatsMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  return {
    id: swatsMeta.id,
    hp,
    meta: swatsMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      t: 0,
      m: zeros(n, dtype),
      a: zeros(n, dtype),
      v: zeros(n, dtype),
      lambda: 0,
      phase: 0,
      switchLr: 0,
      switchStep: 0,
    }),
    step(params: FloatArray, grads: FloatArray, state: SwatsState) {
      const k = ++state.t;
      if (state.phase === 1) {
        const sgdStep = oneMinusBeta1 * state.switchLr;
        const { v } = state;
        for (let i = 0; i < params.length; i++) {
          v[i] = beta1 * v[i] + grads[i];
          params[i] -= sgdStep * v[i];
        }
        return;
      }
      const lrK = (state.lr * Math.sqrt(1 - beta2 ** k)) / (1 - beta1 ** k);
      const { m, a } = state;
      let pp = 0;
      let pg = 0;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        m[i] = beta1 * m[i] + oneMinusBeta1 * g;
        a[i] = beta2 * a[i] + oneMinusBeta2 * g * g;
        const p = -(lrK * m[i]) / (Math.sqrt(a[i]) + eps);
        params[i] += p;
        pp += p * p;
        pg += p * g;
      }
      if (pg !== 0) {
        const gammaK = pp / -pg;
        state.lambda = beta2 * state.lambda + oneMinusBeta2 * gammaK;
        const corrected = state.lambda / (1 - beta2 ** k);
        if (k > 1 && Math.abs(corrected - gammaK) < eps) {
          state.phase = 1;
          state.switchLr = corrected;
          state.switchStep = k;
        }
      }
    },
  };
}
