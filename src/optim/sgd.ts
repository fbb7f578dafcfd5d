import { lrRange, num, resolveHyperparameters } from "./hyper.js";
import type { DType, FloatArray, Optimizer, OptimizerMeta } from "./types.js";

export const sgdMeta: OptimizerMeta = {
  id: "sgd",
  name: "SGD (book)",
  family: "book",
  formula: ["θ ← θ − η·g"],
  latex: ["\\theta \\leftarrow \\theta - \\eta\\, g"],
  state: { lr: "learning rate of the next step (a schedule may change it)" },
  hyperparameters: [num("lr", "η", 0.01, lrRange, "learning rate: the step is η times the gradient")],
  variantNote:
    "Plain gradient descent, as `common/optimizer.py` of Deep Learning from Scratch. Identical to torch.optim.SGD " +
    "without momentum (whose default lr is 1e-3 instead of 0.01).",
  reference:
    "Robbins & Monro 1951; Saito, Deep Learning from Scratch (2016), ch. 6, common/optimizer.py `SGD`.",
};

export interface SgdOptions {
  lr?: number;
}
export interface SgdState {
  [field: string]: number;
  lr: number;
}

export function sgd(options: SgdOptions = {}): Optimizer<SgdState> {
  const hp = resolveHyperparameters(sgdMeta, { ...options });
  return {
    id: sgdMeta.id,
    hp,
    meta: sgdMeta,
    init: (_n: number, _dtype?: DType) => ({ lr: hp.lr as number }),
    step(params: FloatArray, grads: FloatArray, state: SgdState) {
      const lr = state.lr;
      for (let i = 0; i < params.length; i++) params[i] -= lr * grads[i];
    },
  };
}
