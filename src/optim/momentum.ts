import { lrRange, momentumRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const momentumMeta: OptimizerMeta = {
  id: "momentum",
  name: "Momentum (book)",
  family: "book",
  formula: ["v ← μ·v − η·g", "θ ← θ + v"],
  latex: ["v \\leftarrow \\mu v - \\eta\\, g", "\\theta \\leftarrow \\theta + v"],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    v: "velocity (carries the learning rate), starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate"),
    num(
      "momentum",
      "μ",
      0.9,
      momentumRange,
      "momentum: the share of the velocity kept from one step to the next",
    ),
  ],
  variantNote:
    "Sutskever form (lr inside the velocity), as the book. torch.optim.SGD(momentum=μ) keeps the lr outside the " +
    "buffer (b ← μb + g; θ ← θ − ηb): the same iterates for a constant lr, different ones under an lr schedule.",
  reference:
    "Polyak 1964; Sutskever et al. 2013 (ICML); Saito, Deep Learning from Scratch, common/optimizer.py `Momentum`.",
};

export interface MomentumOptions {
  lr?: number;
  momentum?: number;
}
export interface MomentumState {
  [field: string]: number | FloatArray;
  lr: number;
  v: FloatArray;
}

export function momentum(options: MomentumOptions = {}): Optimizer<MomentumState> {
  const hp = resolveHyperparameters(momentumMeta, { ...options });
  const mu = hp.momentum as number;
  return {
    id: momentumMeta.id,
    hp,
    meta: momentumMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, v: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, { lr, v }: MomentumState) {
      for (let i = 0; i < params.length; i++) {
        v[i] = mu * v[i] - lr * grads[i];
        params[i] += v[i];
      }
    },
  };
}
