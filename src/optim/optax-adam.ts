import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

const formula = [
  "t ← t + 1",
  "m ← (1 − β₁)·g + β₁·m;   v ← (1 − β₂)·g² + β₂·v",
  "m̂ = m / (1 − β₁ᵗ)   (nesterov: β₁·m/(1 − β₁ᵗ⁺¹) + (1 − β₁)·g/(1 − β₁ᵗ));   v̂ = v / (1 − β₂ᵗ)",
  "θ ← θ − η·(m̂ / (√(v̂ + ε_root) + ε) + λ·θ)",
];
const latex = [
  "t \\leftarrow t + 1",
  "m \\leftarrow (1-\\beta_1) g + \\beta_1 m,\\quad v \\leftarrow (1-\\beta_2) g^2 + \\beta_2 v",
  "\\hat m = m/(1-\\beta_1^t),\\quad \\hat v = v/(1-\\beta_2^t)",
  "\\theta \\leftarrow \\theta - \\eta\\left(\\frac{\\hat m}{\\sqrt{\\hat v + \\epsilon_{root}} + \\epsilon} + \\lambda\\theta\\right)",
];
const state = {
  t: "step counter",
  lr: "learning rate η of the next step (a schedule overwrites it)",
  m: "first moment, starts at 0",
  v: "second moment, starts at 0",
};
const common = [
  num("lr", "η", 0.001, lrRange, "learning rate"),
  num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
  num("beta2", "β₂", 0.999, unitOpenRange, "decay of the squared-gradient average v"),
  num("eps", "ε", 1e-8, epsRange, "added to the root"),
  num("epsRoot", "ε_root", 0, epsRange, "added under the root"),
];

export const optaxAdamMeta: OptimizerMeta = {
  id: "optax-adam",
  name: "optax.adam",
  family: "optax",
  formula: formula.map((line) => line.replace(" + λ·θ", "")),
  latex: latex.map((line) => line.replace(" + \\lambda\\theta", "")),
  state,
  hyperparameters: [...common, flag("nesterov", "nesterov", false, "Nesterov form of m̂ (NAdam-style)")],
  variantNote:
    "optax 0.2.8 (`scale_by_adam` then `scale_by_learning_rate`): the same rule as torch.optim.Adam written in " +
    "another order (√(v̂ + ε_root) + ε on the bias-corrected v̂; torch divides √v by √(1 − β₂ᵗ)), so the two agree " +
    "to rounding; ε_root and the Nesterov form are optax's. optax has no default η; optlab uses 0.001.",
  reference:
    "Kingma & Ba 2015, Adam: A Method for Stochastic Optimization (arXiv:1412.6980); optax/_src/alias.py `adam`, " +
    "transform.py `scale_by_adam`.",
};

export const optaxAdamwMeta: OptimizerMeta = {
  id: "optax-adamw",
  name: "optax.adamw",
  family: "optax",
  formula,
  latex,
  state,
  hyperparameters: [
    ...common,
    num("weightDecay", "λ", 1e-4, decayRange, "decoupled decay added to the update, multiplied by η"),
    flag("nesterov", "nesterov", false, "Nesterov form of m̂ (NAdam-style)"),
  ],
  variantNote:
    "optax 0.2.8 (`scale_by_adam`, `add_decayed_weights`, `scale_by_learning_rate`): decay λθ is added to the Adam " +
    "direction and multiplied by η — the same step as torch.optim.AdamW's θ(1 − ηλ) up to rounding — but optax's " +
    "default λ is 1e-4 where torch's is 1e-2. optax has no default η; optlab uses 0.001.",
  reference:
    "Loshchilov & Hutter 2019, Decoupled Weight Decay Regularization (arXiv:1711.05101); optax/_src/alias.py `adamw`.",
};

export interface OptaxAdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  epsRoot?: number;
  weightDecay?: number;
  nesterov?: boolean;
}
export interface OptaxAdamState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  m: FloatArray;
  v: FloatArray;
}

function make(meta: OptimizerMeta, options: OptaxAdamOptions): Optimizer<OptaxAdamState> {
  const hp = resolveHyperparameters(meta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const weightDecay = (hp.weightDecay as number | undefined) ?? 0;
  const nesterov = hp.nesterov as boolean;
  return {
    id: meta.id,
    hp,
    meta,
    init: (n: number, dtype?: DType) => ({
      t: 0,
      lr: hp.lr as number,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: OptaxAdamState) {
      const t = ++state.t;
      const bc1 = 1 - beta1 ** t;
      const bc1Next = 1 - beta1 ** (t + 1);
      const bc2 = 1 - beta2 ** t;
      const negativeLr = -state.lr;
      const { m, v } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        m[i] = (1 - beta1) * g + beta1 * m[i];
        v[i] = (1 - beta2) * (g * g) + beta2 * v[i];
        const mHat = nesterov ? beta1 * (m[i] / bc1Next) + (1 - beta1) * (g / bc1) : m[i] / bc1;
        const u = mHat / (Math.sqrt(v[i] / bc2 + epsRoot) + eps) + weightDecay * params[i];
        params[i] += negativeLr * u;
      }
    },
  };
}

export function optaxAdam(options: Omit<OptaxAdamOptions, "weightDecay"> = {}): Optimizer<OptaxAdamState> {
  return make(optaxAdamMeta, options);
}

export function optaxAdamw(options: OptaxAdamOptions = {}): Optimizer<OptaxAdamState> {
  return make(optaxAdamwMeta, options);
}
