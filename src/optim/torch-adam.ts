import { decayConstants, shrinkFor } from "./decay.js";
import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import type { DType, FloatArray, HpValue, Optimizer, OptimizerMeta } from "./types.js";
import { zeros } from "./types.js";

const adamFormula = [
  "t ← t + 1",
  "θ ← θ·(1 − η·λ) (decoupled)   or   g ← ±g + λ·θ (L2)",
  "m ← m + (1 − β₁)·(g − m)",
  "v ← β₂·v + (1 − β₂)·g²",
  "amsgrad: v̂max ← max(v̂max, v)",
  "θ ← θ − (η / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε)",
];
const adamLatex = [
  "t \\leftarrow t + 1",
  "\\theta \\leftarrow \\theta(1 - \\eta\\lambda)\\ \\text{(decoupled) or } g \\leftarrow \\pm g + \\lambda\\theta",
  "m \\leftarrow m + (1-\\beta_1)(g - m)",
  "v \\leftarrow \\beta_2 v + (1-\\beta_2)\\, g^2",
  "\\text{amsgrad: } v_{\\max} \\leftarrow \\max(v_{\\max}, v)",
  "\\theta \\leftarrow \\theta - \\frac{\\eta}{1-\\beta_1^t}\\,\\frac{m}{\\sqrt{v}/\\sqrt{1-\\beta_2^t} + \\epsilon}",
];
const adamState = {
  lr: "learning rate of the next step (a schedule may change it)",
  beta1: "β₁ of the next step (CyclicLR / OneCycleLR cycle it)",
  t: "step counter",
  m: "first moment, starts at 0",
  v: "second moment, starts at 0",
  vMax: "running maximum of the raw v (amsgrad only)",
};
const adamReference =
  "Kingma & Ba 2015 (arXiv:1412.6980) Algorithm 1; Reddi et al. 2018 (AMSGrad); Loshchilov & Hutter 2019 " +
  "(arXiv:1711.05101, decoupled weight decay); torch/optim/adam.py and adamw.py (torch 2.13).";
const commonHps = [
  num("lr", "η", 1e-3, lrRange, "learning rate"),
  num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
  num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
  num("eps", "ε", 1e-8, epsRange, "added after bias correction of √v"),
];

export const torchAdamMeta: OptimizerMeta = {
  id: "torch-adam",
  name: "torch.optim.Adam",
  family: "torch",
  formula: adamFormula,
  latex: adamLatex,
  state: adamState,
  hyperparameters: [
    ...commonHps,
    num("weightDecay", "λ", 0, decayRange, "weight decay (L2 on the gradient, or decoupled)"),
    flag("amsgrad", "amsgrad", false, "use the running maximum of the raw v (Reddi et al.)"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
    flag("decoupledWeightDecay", "decoupled", false, "decay θ directly (AdamW) instead of adding λθ to g"),
  ],
  variantNote:
    "Algorithm 1 of the paper: ε (1e-8) after bias correction, m̂/(√v̂ + ε). The book (and Keras) add ε̂ = 1e-7 to " +
    "the uncorrected √v instead. AMSGrad takes the maximum of the raw v and bias-corrects it afterwards (optax takes the " +
    "maximum of v̂ by default).",
  reference: adamReference,
};

export const adamwMeta: OptimizerMeta = {
  id: "adamw",
  name: "torch.optim.AdamW",
  family: "torch",
  formula: adamFormula,
  latex: adamLatex,
  state: adamState,
  hyperparameters: [
    ...commonHps,
    num("weightDecay", "λ", 1e-2, decayRange, "decoupled weight decay: θ shrinks by η·λ per step"),
    flag("amsgrad", "amsgrad", false, "use the running maximum of the raw v (Reddi et al.)"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "Adam with decoupled weight decay, default λ = 1e-2, multiplied by the learning rate (θ ← θ(1 − ηλ)) as torch, " +
    "optax and Keras do; Loshchilov & Hutter multiply by the schedule factor only. Identical to " +
    "torch-adam with decoupledWeightDecay.",
  reference: adamReference,
};

export interface TorchAdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  decoupledWeightDecay?: boolean;
}
export type AdamwOptions = Omit<TorchAdamOptions, "decoupledWeightDecay">;
export interface TorchAdamState {
  [field: string]: number | FloatArray;
  lr: number;
  beta1: number;
  t: number;
  m: FloatArray;
  v: FloatArray;
  vMax: FloatArray;
}

function adamCore(
  meta: OptimizerMeta,
  hp: Record<string, HpValue>,
  alwaysDecoupled: boolean,
): Optimizer<TorchAdamState> {
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const amsgrad = hp.amsgrad as boolean;
  const oneMinusBeta2 = 1 - beta2;
  const decay = decayConstants(hp, alwaysDecoupled);
  const { sign, coupled } = decay;

  const plain = (params: FloatArray, grads: FloatArray, state: TorchAdamState) => {
    const { lr, beta1 } = state;
    const oneMinusBeta1 = 1 - beta1;
    const shrink = shrinkFor(decay, lr);
    const t = ++state.t;
    const negativeStepSize = -(lr / (1 - beta1 ** t));
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
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
      params[i] = p * shrink + (negativeStepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
    }
  };
  const withMaximum = (params: FloatArray, grads: FloatArray, state: TorchAdamState) => {
    const { lr, beta1 } = state;
    const oneMinusBeta1 = 1 - beta1;
    const shrink = shrinkFor(decay, lr);
    const t = ++state.t;
    const negativeStepSize = -(lr / (1 - beta1 ** t));
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    const { m, v, vMax } = state;
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
      const top = Math.max(vMax[i], vi);
      m[i] = mi;
      v[i] = vi;
      vMax[i] = top;
      params[i] = p * shrink + (negativeStepSize * mi) / (Math.sqrt(top) / bc2Sqrt + eps);
    }
  };
  return {
    id: meta.id,
    hp,
    meta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      beta1: hp.beta1 as number,
      t: 0,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
      vMax: zeros(amsgrad ? n : 0, dtype),
    }),
    step: amsgrad ? withMaximum : plain,
  };
}

export function torchAdam(options: TorchAdamOptions = {}): Optimizer<TorchAdamState> {
  return adamCore(torchAdamMeta, resolveHyperparameters(torchAdamMeta, { ...options }), false);
}

export function adamw(options: AdamwOptions = {}): Optimizer<TorchAdamState> {
  return adamCore(adamwMeta, resolveHyperparameters(adamwMeta, { ...options }), true);
}
