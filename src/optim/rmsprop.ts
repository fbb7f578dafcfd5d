import { BOOK_EPS } from "./adagrad.js";
import { lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const rmspropMeta: OptimizerMeta = {
  id: "rmsprop",
  name: "RMSprop (book)",
  family: "book",
  formula: ["h ← ρ·h + (1 − ρ)·g²", "θ ← θ − η·g / (√h + 1e-7)"],
  latex: [
    "h \\leftarrow \\rho h + (1-\\rho)\\, g^2",
    "\\theta \\leftarrow \\theta - \\frac{\\eta\\, g}{\\sqrt{h} + 10^{-7}}",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    h: "moving average of squared gradients, starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate"),
    num(
      "rho",
      "ρ",
      0.99,
      unitOpenRange,
      "decay rate of the squared-gradient average (the book's decay_rate)",
    ),
  ],
  variantNote:
    "ε = 1e-7 outside the root, no bias correction, as the book (decay_rate ρ). torch.optim.RMSprop calls ρ `alpha` " +
    "and uses ε = 1e-8 in the same place; TF/Keras/optax put ε inside the root.",
  reference:
    "Tieleman & Hinton 2012, COURSERA Neural Networks lecture 6.5; Saito, Deep Learning from Scratch, " +
    "common/optimizer.py `RMSprop`.",
};

export interface RmspropOptions {
  lr?: number;
  rho?: number;
}
export interface RmspropState {
  [field: string]: number | FloatArray;
  lr: number;
  h: FloatArray;
}

export function rmsprop(options: RmspropOptions = {}): Optimizer<RmspropState> {
  const hp = resolveHyperparameters(rmspropMeta, { ...options });
  const rho = hp.rho as number;
  const oneMinusRho = 1 - rho;
  return {
    id: rmspropMeta.id,
    hp,
    meta: rmspropMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, h: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, { lr, h }: RmspropState) {
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        h[i] *= rho;
        h[i] += oneMinusRho * g * g;
        params[i] -= (lr * g) / (Math.sqrt(h[i]) + BOOK_EPS);
      }
    },
  };
}
