import { lrRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

/** The book hard-codes this ε (it is not an option in `common/optimizer.py`). */
export const BOOK_EPS = 1e-7;

export const adagradMeta: OptimizerMeta = {
  id: "adagrad",
  name: "AdaGrad (book)",
  family: "book",
  formula: ["h ← h + g²", "θ ← θ − η·g / (√h + 1e-7)"],
  latex: ["h \\leftarrow h + g^2", "\\theta \\leftarrow \\theta - \\frac{\\eta\\, g}{\\sqrt{h} + 10^{-7}}"],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    h: "sum of squared gradients, starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate (divided by the root of the summed squares)"),
  ],
  variantNote:
    "ε = 1e-7 outside the root, accumulator starting at 0, as the book. torch.optim.Adagrad uses ε = 1e-10 " +
    "(same form; with eps=1e-7 it matches the book); TF/Keras/optax start at 0.1 and put ε inside the root.",
  reference:
    "Duchi, Hazan & Singer 2011 (JMLR); Saito, Deep Learning from Scratch, common/optimizer.py `AdaGrad`.",
};

export interface AdagradOptions {
  lr?: number;
}
export interface AdagradState {
  [field: string]: number | FloatArray;
  lr: number;
  h: FloatArray;
}

export function adagrad(options: AdagradOptions = {}): Optimizer<AdagradState> {
  const hp = resolveHyperparameters(adagradMeta, { ...options });
  return {
    id: adagradMeta.id,
    hp,
    meta: adagradMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, h: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, { lr, h }: AdagradState) {
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        h[i] += g * g;
        params[i] -= (lr * g) / (Math.sqrt(h[i]) + BOOK_EPS);
      }
    },
  };
}
