import { decayConstants, shrinkFor } from "./decay.js";
import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const nadamMeta: OptimizerMeta = {
  id: "nadam",
  name: "torch.optim.NAdam",
  family: "torch",
  formula: [
    "t ← t + 1;  θ ← θ·(1 − η·λ) (decoupled)  or  g ← ±g + λ·θ",
    "μₜ = β₁·(1 − ½·0.96^(t·ψ));   μₜ₊₁ = β₁·(1 − ½·0.96^((t+1)·ψ));   Π ← Π·μₜ",
    "m ← m + (1 − β₁)·(g − m);   v ← β₂·v + (1 − β₂)·g²",
    "d = √(v / (1 − β₂ᵗ)) + ε",
    "θ ← θ − η·(1 − μₜ)/(1 − Π)·g/d − η·μₜ₊₁/(1 − Π·μₜ₊₁)·m/d",
  ],
  latex: [
    "t \\leftarrow t+1;\\ \\theta \\leftarrow \\theta(1-\\eta\\lambda)\\ \\text{or}\\ g \\leftarrow \\pm g + \\lambda\\theta",
    "\\mu_t = \\beta_1(1 - \\tfrac12 0.96^{t\\psi}),\\ \\Pi \\leftarrow \\Pi\\,\\mu_t",
    "m \\leftarrow m + (1-\\beta_1)(g-m),\\ v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2",
    "d = \\sqrt{v/(1-\\beta_2^t)} + \\epsilon",
    "\\theta \\leftarrow \\theta - \\eta\\frac{1-\\mu_t}{1-\\Pi}\\frac{g}{d} - \\eta\\frac{\\mu_{t+1}}{1-\\Pi\\mu_{t+1}}\\frac{m}{d}",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    beta1: "β₁ of the next step (torch CyclicLR / OneCycleLR cycle it)",
    t: "step counter",
    muProduct: "Π, the product of the momentum schedule μ₁…μₜ (kept in double), starts at 1",
    m: "first moment, starts at 0",
    v: "second moment, starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 2e-3, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "base momentum of the schedule μₜ"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
    num("eps", "ε", 1e-8, epsRange, "added after bias correction of √v"),
    num("weightDecay", "λ", 0, decayRange, "weight decay (L2 on the gradient, or decoupled)"),
    num("momentumDecay", "ψ", 4e-3, { min: 0, scale: "log", uiMin: 1e-4, uiMax: 1 }, "warm-up speed of μₜ"),
    flag("decoupledWeightDecay", "decoupled", false, "decay θ directly instead of adding λθ to g"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "Dozat's NAdam with the TF2-era Keras momentum schedule (0.96^(tψ), ψ = 0.004) and the running product Π kept in " +
    "double; only v is bias-corrected. Keras 3 uses 0.96^t (ψ = 1); optax `nadam` is Adam with a Nesterov term and no " +
    "schedule — both give other iterates.",
  reference:
    "Dozat 2016, Incorporating Nesterov Momentum into Adam (ICLR workshop); torch/optim/nadam.py (torch 2.13).",
};

export interface NadamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  momentumDecay?: number;
  decoupledWeightDecay?: boolean;
  maximize?: boolean;
}
export interface NadamState {
  [field: string]: number | FloatArray;
  lr: number;
  beta1: number;
  t: number;
  muProduct: number;
  m: FloatArray;
  v: FloatArray;
}

export function nadam(options: NadamOptions = {}): Optimizer<NadamState> {
  const hp = resolveHyperparameters(nadamMeta, { ...options });
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const psi = hp.momentumDecay as number;
  const oneMinusBeta2 = 1 - beta2;
  const decay = decayConstants(hp);
  const { sign, coupled } = decay;
  return {
    id: nadamMeta.id,
    hp,
    meta: nadamMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      beta1: hp.beta1 as number,
      t: 0,
      muProduct: 1,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: NadamState) {
      const { lr, beta1 } = state;
      const oneMinusBeta1 = 1 - beta1;
      const shrink = shrinkFor(decay, lr);
      const t = ++state.t;
      const bc2 = 1 - beta2 ** t;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
      const muProduct = (state.muProduct *= mu);
      const gradientFactor = (-lr * (1 - mu)) / (1 - muProduct);
      const momentFactor = (-lr * muNext) / (1 - muProduct * muNext);
      const { m, v } = state;
      // m and v are used as stored (rounded when the state is float32), never re-read after a store: see adam.ts.
      const single = m instanceof Float32Array;
      for (let i = 0; i < params.length; i++) {
        const p = params[i];
        const g = sign * grads[i] + coupled * p;
        let mi = m[i] + oneMinusBeta1 * (g - m[i]);
        let vi = beta2 * v[i] + oneMinusBeta2 * g * g;
        if (single) {
          mi = Math.fround(mi);
          vi = Math.fround(vi);
        }
        m[i] = mi;
        v[i] = vi;
        const d = Math.sqrt(vi / bc2) + eps;
        params[i] = p * shrink + (gradientFactor * g) / d + (momentFactor * mi) / d;
      }
    },
  };
}
