import { decayRange, lrRange, num, resolveHyperparameters, unitClosedRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const lionMeta: OptimizerMeta = {
  id: "lion",
  name: "optax.lion",
  family: "optax",
  formula: ["c = (1 − β₁)·g + β₁·m", "m ← (1 − β₂)·g + β₂·m", "θ ← θ − η·(sign(c) + λ·θ)"],
  latex: [
    "c = (1-\\beta_1)\\, g + \\beta_1 m",
    "m \\leftarrow (1-\\beta_2)\\, g + \\beta_2 m",
    "\\theta \\leftarrow \\theta - \\eta\\,(\\operatorname{sign}(c) + \\lambda\\theta)",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    m: "momentum (an average of g with β₂), starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 1e-4, lrRange, "learning rate: every coordinate moves by exactly η (plus decay)"),
    num("beta1", "β₁", 0.9, unitClosedRange, "interpolation between g and m for the sign"),
    num("beta2", "β₂", 0.99, unitClosedRange, "decay of the momentum m"),
    num("weightDecay", "λ", 1e-3, decayRange, "decoupled weight decay, multiplied by η"),
  ],
  variantNote:
    "optax 0.2.8: the sign uses the old m; sign(0) = 0; decay λ·θ is added to the sign update and multiplied by η " +
    "(default λ = 1e-3 is on, so optax.lion(η) is not plain Lion). optax has no default η; optlab uses 1e-4.",
  reference:
    "Chen et al. 2023, Symbolic Discovery of Optimization Algorithms (arXiv:2302.06675); optax/_src/alias.py `lion`.",
};

export interface LionOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  weightDecay?: number;
}
export interface LionState {
  [field: string]: number | FloatArray;
  lr: number;
  m: FloatArray;
}

export function lion(options: LionOptions = {}): Optimizer<LionState> {
  const hp = resolveHyperparameters(lionMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const weightDecay = hp.weightDecay as number;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  return {
    id: lionMeta.id,
    hp,
    meta: lionMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, m: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, { lr, m }: LionState) {
      const negativeLr = -lr;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        const direction = Math.sign(oneMinusBeta1 * g + beta1 * m[i]);
        m[i] = oneMinusBeta2 * g + beta2 * m[i];
        params[i] += negativeLr * (direction + weightDecay * params[i]);
      }
    },
  };
}
