import { epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, filled, type Optimizer, type OptimizerMeta } from "./types.js";

/** optax's `initial_accumulator_value` of `scale_by_yogi` (not exposed by `optax.yogi`). */
const INITIAL_ACCUMULATOR = 1e-6;

export const yogiMeta: OptimizerMeta = {
  id: "yogi",
  name: "optax.yogi",
  family: "optax",
  formula: [
    "t ← t + 1",
    "m ← (1 − β₁)·g + β₁·m",
    "v ← v − (1 − β₂)·sign(v − g²)·g²",
    "θ ← θ − η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)",
  ],
  latex: [
    "t \\leftarrow t + 1",
    "m \\leftarrow (1-\\beta_1)\\,g + \\beta_1 m",
    "v \\leftarrow v - (1-\\beta_2)\\operatorname{sign}(v - g^2)\\,g^2",
    "\\theta \\leftarrow \\theta - \\eta\\,\\frac{m/(1-\\beta_1^t)}{\\sqrt{v/(1-\\beta_2^t)} + \\epsilon}",
  ],
  state: {
    t: "step counter",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    m: "first moment, starts at 1e-6",
    v: "second moment, moved additively towards g², starts at 1e-6",
  },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "rate of the additive change of v"),
    num("eps", "ε", 1e-3, epsRange, "added to the root (Yogi's default is large: 1e-3)"),
  ],
  variantNote:
    "optax 0.2.8: m and v both start at 1e-6 (scale_by_yogi's initial_accumulator_value) and are still " +
    "bias-corrected; the paper (Zaheer et al.) has no bias correction. v changes by (1 − β₂)·g² towards g² " +
    "instead of Adam's multiplicative average. optax has no default η; optlab uses 0.01.",
  reference:
    "Zaheer et al. 2018, Adaptive Methods for Nonconvex Optimization (NeurIPS); optax/_src/transform.py `scale_by_yogi`.",
};

export interface YogiOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}
export interface YogiState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  m: FloatArray;
  v: FloatArray;
}

export function yogi(options: YogiOptions = {}): Optimizer<YogiState> {
  const hp = resolveHyperparameters(yogiMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  return {
    id: yogiMeta.id,
    hp,
    meta: yogiMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      m: filled(n, INITIAL_ACCUMULATOR, dtype),
      v: filled(n, INITIAL_ACCUMULATOR, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: YogiState) {
      const t = ++state.t;
      const negativeLr = -state.lr;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const { m, v } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        const g2 = g * g;
        m[i] = oneMinusBeta1 * g + beta1 * m[i];
        v[i] = v[i] - oneMinusBeta2 * Math.sign(v[i] - g2) * g2;
        params[i] += negativeLr * (m[i] / bc1 / (Math.sqrt(v[i] / bc2) + eps));
      }
    },
  };
}
