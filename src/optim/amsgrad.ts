import { epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const amsgradMeta: OptimizerMeta = {
  id: "amsgrad",
  name: "optax.amsgrad",
  family: "optax",
  formula: [
    "t ← t + 1",
    "m ← (1 − β₁)·g + β₁·m;   v ← (1 − β₂)·g² + β₂·v",
    "m̂ = m / (1 − β₁ᵗ);   v̂ = v / (1 − β₂ᵗ)   (each correction can be switched off)",
    "v̂ₘₐₓ ← max(v̂ₘₐₓ, v̂)",
    "θ ← θ − η·m̂ / (√(v̂ₘₐₓ + ε_root) + ε)",
  ],
  latex: [
    "t \\leftarrow t + 1",
    "m \\leftarrow (1-\\beta_1) g + \\beta_1 m,\\quad v \\leftarrow (1-\\beta_2) g^2 + \\beta_2 v",
    "\\hat m = m/(1-\\beta_1^t),\\quad \\hat v = v/(1-\\beta_2^t)",
    "\\hat v_{max} \\leftarrow \\max(\\hat v_{max}, \\hat v)",
    "\\theta \\leftarrow \\theta - \\eta\\,\\frac{\\hat m}{\\sqrt{\\hat v_{max} + \\epsilon_{root}} + \\epsilon}",
  ],
  state: {
    t: "step counter",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    m: "first moment, starts at 0",
    v: "second moment, starts at 0",
    vMax: "running maximum of the (bias-corrected) second moment v̂, starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 0.001, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
    num("eps", "ε", 1e-8, epsRange, "added to the root"),
    num("epsRoot", "ε_root", 0, epsRange, "added under the root"),
    flag("biasCorrectionMu", "m̂", true, "divide m by 1 − β₁ᵗ"),
    flag("biasCorrectionNu", "v̂", true, "divide v by 1 − β₂ᵗ before taking the maximum"),
  ],
  variantNote:
    "optax 0.2.8 takes the maximum of the bias-corrected v̂; torch.optim.Adam(amsgrad=True) takes the maximum of " +
    "the raw v and bias-corrects afterwards, so the two differ while 1 − β₂ᵗ is still changing. optax has no " +
    "default η; optlab uses 0.001.",
  reference:
    "Reddi, Kale & Kumar 2018, On the Convergence of Adam and Beyond (ICLR, arXiv:1904.09237); optax/_src/transform.py `scale_by_amsgrad`.",
};

export interface AmsgradOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  epsRoot?: number;
  biasCorrectionMu?: boolean;
  biasCorrectionNu?: boolean;
}
export interface AmsgradState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  m: FloatArray;
  v: FloatArray;
  vMax: FloatArray;
}

export function amsgrad(options: AmsgradOptions = {}): Optimizer<AmsgradState> {
  const hp = resolveHyperparameters(amsgradMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const correctMu = hp.biasCorrectionMu as boolean;
  const correctNu = hp.biasCorrectionNu as boolean;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  return {
    id: amsgradMeta.id,
    hp,
    meta: amsgradMeta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
      vMax: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AmsgradState) {
      const t = ++state.t;
      const negativeLr = -state.lr;
      // Dividing by 1 is exact, so a switched-off correction is a division by 1.
      const bc1 = correctMu ? 1 - beta1 ** t : 1;
      const bc2 = correctNu ? 1 - beta2 ** t : 1;
      const { m, v, vMax } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        m[i] = oneMinusBeta1 * g + beta1 * m[i];
        v[i] = oneMinusBeta2 * (g * g) + beta2 * v[i];
        const vHat = v[i] / bc2;
        if (vHat > vMax[i] || Number.isNaN(vHat)) vMax[i] = vHat;
        params[i] += negativeLr * (m[i] / bc1 / (Math.sqrt(vMax[i] + epsRoot) + eps));
      }
    },
  };
}
