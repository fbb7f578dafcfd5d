import { decayConstants } from "./decay.js";
import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, filled, type Optimizer, type OptimizerMeta } from "./types.js";

export const torchAdagradMeta: OptimizerMeta = {
  id: "torch-adagrad",
  name: "torch.optim.Adagrad",
  family: "torch",
  formula: ["t ← t + 1", "g ← ±g + λ·θ", "η̃ = η / (1 + (t − 1)·κ)", "s ← s + g²", "θ ← θ − η̃·g / (√s + ε)"],
  latex: [
    "t \\leftarrow t + 1",
    "g \\leftarrow \\pm g + \\lambda\\theta",
    "\\tilde\\eta = \\eta / (1 + (t-1)\\kappa)",
    "s \\leftarrow s + g^2",
    "\\theta \\leftarrow \\theta - \\frac{\\tilde\\eta\\, g}{\\sqrt{s} + \\epsilon}",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    t: "step counter",
    s: "sum of squared gradients, starts at initialAccumulatorValue",
  },
  hyperparameters: [
    num("lr", "η", 1e-2, lrRange, "learning rate"),
    num("lrDecay", "κ", 0, decayRange, "inverse-time decay of the learning rate"),
    num("weightDecay", "λ", 0, decayRange, "L2 penalty added to the gradient"),
    num(
      "initialAccumulatorValue",
      "s₀",
      0,
      { min: 0, scale: "linear", uiMin: 0, uiMax: 1 },
      "starting value of s",
    ),
    num("eps", "ε", 1e-10, epsRange, "added to √s (outside the root)"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "ε = 1e-10 outside the root, s₀ = 0 (TF/Keras/optax: s₀ = 0.1, ε inside the root). With eps = 1e-7 it equals the " +
    "book's AdaGrad up to rounding.",
  reference: "Duchi, Hazan & Singer 2011 (JMLR); torch/optim/adagrad.py (torch 2.13).",
};

export interface TorchAdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}
export interface TorchAdagradState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  s: FloatArray;
}

export function torchAdagrad(options: TorchAdagradOptions = {}): Optimizer<TorchAdagradState> {
  const hp = resolveHyperparameters(torchAdagradMeta, { ...options });
  const lrDecay = hp.lrDecay as number;
  const s0 = hp.initialAccumulatorValue as number;
  const eps = hp.eps as number;
  const { sign, coupled } = decayConstants(hp);
  return {
    id: torchAdagradMeta.id,
    hp,
    meta: torchAdagradMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, t: 0, s: filled(n, s0, dtype) }),
    step(params: FloatArray, grads: FloatArray, state: TorchAdagradState) {
      const t = ++state.t;
      const negativeClr = -(state.lr / (1 + (t - 1) * lrDecay));
      const { s } = state;
      for (let i = 0; i < params.length; i++) {
        const g = sign * grads[i] + coupled * params[i];
        s[i] += g * g;
        params[i] += (negativeClr * g) / (Math.sqrt(s[i]) + eps);
      }
    },
  };
}
