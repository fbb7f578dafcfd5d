import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adaboundMeta: OptimizerMeta = {
  id: "adabound",
  name: "AdaBound (Luo et al. 2019)",
  family: "paper",
  formula: [
    "t ← t + 1;   g ← g + λ·θ",
    "m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²   (amsbound: v̂ ← max(v̂, v))",
    "ηₗ(t) = η* · (1 − 1/(γt + 1));   ηᵤ(t) = η* · (1 + 1/(γt))",
    "θ ← θ − clip(η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) / (√v + ε), ηₗ, ηᵤ) · m",
  ],
  latex: [
    "t \\leftarrow t + 1;\\ g \\leftarrow g + \\lambda\\theta",
    "m \\leftarrow \\beta_1 m + (1-\\beta_1) g,\\ v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2",
    "\\eta_l(t) = \\eta^*(1 - \\tfrac{1}{\\gamma t + 1}),\\ \\eta_u(t) = \\eta^*(1 + \\tfrac{1}{\\gamma t})",
    "\\theta \\leftarrow \\theta - \\operatorname{clip}\\!\\left(\\frac{\\eta\\sqrt{1-\\beta_2^t}/(1-\\beta_1^t)}{\\sqrt v + \\epsilon}, \\eta_l, \\eta_u\\right) m",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    t: "step counter",
    m: "first moment, starts at 0",
    v: "second moment, starts at 0",
    vMax: "running maximum of v (amsbound only)",
  },
  hyperparameters: [
    num("lr", "η", 1e-3, lrRange, "Adam-phase learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
    num(
      "finalLr",
      "η*",
      0.1,
      { min: 0, minOpen: true, scale: "log", uiMin: 1e-3, uiMax: 10 },
      "the SGD learning rate both bounds converge to",
    ),
    num(
      "gamma",
      "γ",
      1e-3,
      { min: 0, minOpen: true, scale: "log", uiMin: 1e-5, uiMax: 1 },
      "convergence speed of the bounds",
    ),
    num("eps", "ε", 1e-8, epsRange, "added to √v"),
    num("weightDecay", "λ", 0, decayRange, "L2 penalty added to the gradient"),
    flag("amsbound", "amsbound", false, "use the running maximum of v (AMSBound)"),
  ],
  variantNote:
    "Follows the authors' reference code (Luophanus/AdaBound `adabound.py`): Adam's bias correction folded into the " +
    "step size and no 1/√t factor, which the paper's Algorithm 2 writes. Early on the bounds are [≈0, ≈η*/(γt)] and " +
    "AdaBound is Adam (ε̂ form); as t grows both bounds tend to η* and it becomes SGD with EMA momentum, step η*·m.",
  reference:
    "Luo, Xiong, Liu & Sun 2019, Adaptive Gradient Methods with Dynamic Bound of Learning Rate (ICLR, " +
    "arXiv:1902.09843); reference implementation github.com/Luolc/AdaBound.",
};

export interface AdaboundOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  finalLr?: number;
  gamma?: number;
  eps?: number;
  weightDecay?: number;
  amsbound?: boolean;
}
export interface AdaboundState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  m: FloatArray;
  v: FloatArray;
  vMax: FloatArray;
}

export function adabound(options: AdaboundOptions = {}): Optimizer<AdaboundState> {
  const hp = resolveHyperparameters(adaboundMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const finalLr = hp.finalLr as number;
  const gamma = hp.gamma as number;
  const eps = hp.eps as number;
  const weightDecay = hp.weightDecay as number;
  const amsbound = hp.amsbound as boolean;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;

  // Step size and bounds of step t (no allocation: the loops read them from these three variables).
  let stepSize = 0;
  let lower = 0;
  let upper = 0;
  const prepare = (state: AdaboundState): void => {
    const t = ++state.t;
    stepSize = (state.lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    lower = finalLr * (1 - 1 / (gamma * t + 1));
    upper = finalLr * (1 + 1 / (gamma * t));
  };
  const plain = (params: FloatArray, grads: FloatArray, state: AdaboundState) => {
    prepare(state);
    const { m, v } = state;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i] + weightDecay * params[i];
      m[i] = beta1 * m[i] + oneMinusBeta1 * g;
      v[i] = beta2 * v[i] + oneMinusBeta2 * g * g;
      const rate = Math.min(Math.max(stepSize / (Math.sqrt(v[i]) + eps), lower), upper);
      params[i] -= rate * m[i];
    }
  };
  const withMaximum = (params: FloatArray, grads: FloatArray, state: AdaboundState) => {
    prepare(state);
    const { m, v, vMax } = state;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i] + weightDecay * params[i];
      m[i] = beta1 * m[i] + oneMinusBeta1 * g;
      v[i] = beta2 * v[i] + oneMinusBeta2 * g * g;
      vMax[i] = Math.max(vMax[i], v[i]);
      const rate = Math.min(Math.max(stepSize / (Math.sqrt(vMax[i]) + eps), lower), upper);
      params[i] -= rate * m[i];
    }
  };
  return {
    id: adaboundMeta.id,
    hp,
    meta: adaboundMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      t: 0,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
      vMax: zeros(amsbound ? n : 0, dtype),
    }),
    step: amsbound ? withMaximum : plain,
  };
}
