import { BOOK_EPS } from "./adagrad.js";
import { lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adamMeta: OptimizerMeta = {
  id: "adam",
  name: "Adam (book)",
  family: "book",
  formula: [
    "t ← t + 1",
    "ηₜ = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)",
    "m ← m + (1 − β₁)·(g − m)",
    "v ← v + (1 − β₂)·(g² − v)",
    "θ ← θ − ηₜ·m / (√v + 1e-7)",
  ],
  latex: [
    "t \\leftarrow t + 1",
    "\\eta_t = \\eta\\,\\sqrt{1-\\beta_2^t}\\,/\\,(1-\\beta_1^t)",
    "m \\leftarrow m + (1-\\beta_1)(g - m)",
    "v \\leftarrow v + (1-\\beta_2)(g^2 - v)",
    "\\theta \\leftarrow \\theta - \\frac{\\eta_t\\, m}{\\sqrt{v} + 10^{-7}}",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    t: "step counter",
    m: "first moment (mean of g), starts at 0",
    v: "second moment (mean of g²), starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 0.001, lrRange, "learning rate (the largest step per coordinate, roughly)"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
  ],
  variantNote:
    "The book's ε̂ form (end of section 2 of the Adam paper, as Keras/TF): ε = 1e-7 is added to the *uncorrected* √v " +
    "and the bias correction is folded into ηₜ. torch.optim.Adam adds ε (1e-8) after bias correction, m̂/(√v̂ + ε); the " +
    "two differ by an ε that changes with t (seed run lr 0.3: max |Δ| ≈ 9e-6).",
  reference:
    "Kingma & Ba 2015, Adam: A Method for Stochastic Optimization (arXiv:1412.6980); " +
    "Saito, Deep Learning from Scratch, common/optimizer.py `Adam`.",
};

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
}
export interface AdamState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  m: FloatArray;
  v: FloatArray;
}

export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  const hp = resolveHyperparameters(adamMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  return {
    id: adamMeta.id,
    hp,
    meta: adamMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      t: 0,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AdamState) {
      const lr = state.lr;
      const t = ++state.t;
      const lrT = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      const { m, v } = state;
      // m and v are used as stored: rounded to float32 when the state is float32 (what re-reading them would give),
      // without re-reading them after the stores (V8 cannot tell the arrays apart, so it would load them again).
      const single = m instanceof Float32Array;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        let mi = m[i] + oneMinusBeta1 * (g - m[i]);
        let vi = v[i] + oneMinusBeta2 * (g * g - v[i]);
        if (single) {
          mi = Math.fround(mi);
          vi = Math.fround(vi);
        }
        m[i] = mi;
        v[i] = vi;
        params[i] -= (lrT * mi) / (Math.sqrt(vi) + BOOK_EPS);
      }
    },
  };
}
