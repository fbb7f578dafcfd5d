import { decayRange, epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const lambMeta: OptimizerMeta = {
  id: "lamb",
  name: "optax.lamb",
  family: "optax",
  formula: [
    "t ← t + 1",
    "m ← (1 − β₁)·g + β₁·m;   v ← (1 − β₂)·g² + β₂·v",
    "r = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ) + ε_root) + ε) + λ·θ",
    "θ ← θ − η·(‖θ‖ / ‖r‖)·r      (ratio 1 if either norm is 0; norms over the whole parameter)",
  ],
  latex: [
    "t \\leftarrow t + 1",
    "m \\leftarrow (1-\\beta_1) g + \\beta_1 m,\\quad v \\leftarrow (1-\\beta_2) g^2 + \\beta_2 v",
    "r = \\frac{m/(1-\\beta_1^t)}{\\sqrt{v/(1-\\beta_2^t) + \\epsilon_{root}} + \\epsilon} + \\lambda\\theta",
    "\\theta \\leftarrow \\theta - \\eta\\,\\frac{\\lVert\\theta\\rVert}{\\lVert r\\rVert}\\, r",
  ],
  state: {
    t: "step counter",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    m: "first moment, starts at 0",
    v: "second moment, starts at 0",
    r: "scratch: this step's update before the trust ratio",
  },
  hyperparameters: [
    num("lr", "η", 0.001, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
    num("eps", "ε", 1e-6, epsRange, "added to the root (LAMB's default 1e-6, Adam's is 1e-8)"),
    num("epsRoot", "ε_root", 0, epsRange, "added under the root"),
    num(
      "weightDecay",
      "λ",
      0,
      decayRange,
      "decoupled decay added to the Adam direction before the trust ratio",
    ),
  ],
  variantNote:
    "optax 0.2.8: the trust ratio is ‖θ‖/‖r‖ of the whole parameter with no clipping function φ (the paper " +
    "allows φ(‖θ‖)); it is 1 when either norm is 0. ε = 1e-6. optax has no default η; optlab uses 0.001.",
  reference:
    "You et al. 2020, Large Batch Optimization for Deep Learning: Training BERT in 76 minutes (ICLR, " +
    "arXiv:1904.00962); optax/_src/alias.py `lamb`, transform.py `scale_by_trust_ratio`.",
  couplesCoordinates: true,
};

export interface LambOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  epsRoot?: number;
  weightDecay?: number;
}
export interface LambState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  m: FloatArray;
  v: FloatArray;
  r: FloatArray;
}

export function lamb(options: LambOptions = {}): Optimizer<LambState> {
  const hp = resolveHyperparameters(lambMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const weightDecay = hp.weightDecay as number;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  return {
    id: lambMeta.id,
    hp,
    meta: lambMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
      r: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: LambState) {
      const t = ++state.t;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const { m, v, r } = state;
      let paramSquares = 0;
      let updateSquares = 0;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        m[i] = oneMinusBeta1 * g + beta1 * m[i];
        v[i] = oneMinusBeta2 * (g * g) + beta2 * v[i];
        r[i] = m[i] / bc1 / (Math.sqrt(v[i] / bc2 + epsRoot) + eps) + weightDecay * params[i];
        paramSquares += params[i] * params[i];
        updateSquares += r[i] * r[i];
      }
      const paramNorm = Math.sqrt(paramSquares);
      const updateNorm = Math.sqrt(updateSquares);
      const ratio = paramNorm === 0 || updateNorm === 0 ? 1 : paramNorm / updateNorm;
      const negativeLr = -state.lr;
      for (let i = 0; i < params.length; i++) params[i] += negativeLr * (r[i] * ratio);
    },
  };
}
