import { flag, lrRange, momentumRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const optaxSgdMeta: OptimizerMeta = {
  id: "optax-sgd",
  name: "optax.sgd",
  family: "optax",
  formula: ["T ← g + μ·T", "θ ← θ − η·(nesterov ? g + μ·T : T)"],
  latex: [
    "T \\leftarrow g + \\mu T",
    "\\theta \\leftarrow \\theta - \\eta\\,(\\text{nesterov}\\ ?\\ g + \\mu T : T)",
  ],
  state: {
    lr: "learning rate η of the next step (a schedule overwrites it)",
    T: "momentum trace of the gradients (lr outside), starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate"),
    num("momentum", "μ", 0, momentumRange, "decay of the trace T (0 is optax's None: plain SGD)"),
    flag("nesterov", "nesterov", false, "apply the trace once more (g + μ·T)"),
  ],
  variantNote:
    "optax 0.2.8 (`trace` then `scale_by_learning_rate`): the lr stays outside the trace, as torch.optim.SGD with " +
    "dampening 0 (`torch-sgd`); under a schedule this differs from the book's Momentum (lr inside the velocity). " +
    "optax has no default η; optlab uses 0.01.",
  reference:
    "Sutskever et al. 2013, On the importance of initialization and momentum in deep learning (ICML, proceedings.mlr.press/v28/sutskever13); optax/_src/alias.py `sgd`.",
};

export interface OptaxSgdOptions {
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
}
export interface OptaxSgdState {
  [field: string]: number | FloatArray;
  lr: number;
  T: FloatArray;
}

export function optaxSgd(options: OptaxSgdOptions = {}): Optimizer<OptaxSgdState> {
  const hp = resolveHyperparameters(optaxSgdMeta, { ...options });
  const mu = hp.momentum as number;
  const nesterov = hp.nesterov as boolean;
  return {
    id: optaxSgdMeta.id,
    hp,
    meta: optaxSgdMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, T: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, state: OptaxSgdState) {
      const negativeLr = -state.lr;
      const { T } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        T[i] = g + mu * T[i];
        params[i] += negativeLr * (nesterov ? g + mu * T[i] : T[i]);
      }
    },
  };
}
