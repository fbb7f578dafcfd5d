import { epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adabeliefMeta: OptimizerMeta = {
  id: "adabelief",
  name: "optax.adabelief",
  family: "optax",
  formula: [
    "t ← t + 1",
    "m ← (1 − β₁)·g + β₁·m;   e = g − m",
    "s ← (1 − β₂)·e² + β₂·s + ε_root",
    "m̂ = m / (1 − β₁ᵗ)   (nesterov: β₁·m/(1 − β₁ᵗ⁺¹) + (1 − β₁)·g/(1 − β₁ᵗ))",
    "θ ← θ − η·m̂ / (√(s / (1 − β₂ᵗ)) + ε)",
  ],
  latex: [
    "t \\leftarrow t + 1",
    "m \\leftarrow (1-\\beta_1) g + \\beta_1 m,\\ e = g - m",
    "s \\leftarrow (1-\\beta_2) e^2 + \\beta_2 s + \\epsilon_{root}",
    "\\hat m = m/(1-\\beta_1^t)",
    "\\theta \\leftarrow \\theta - \\eta\\,\\frac{\\hat m}{\\sqrt{s/(1-\\beta_2^t)} + \\epsilon}",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    t: "step counter",
    m: "first moment, starts at 0",
    s: "moving average of the squared prediction error e² (plus ε_root each step), starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 1e-3, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the gradient average m"),
    num("beta2", "β₂", 0.999, unitOpenRange, "decay of the belief average s"),
    num("eps", "ε", 1e-16, epsRange, "added to the root"),
    num("epsRoot", "ε_root", 1e-16, epsRange, "added into the stored s every step"),
    flag("nesterov", "nesterov", false, "Nesterov form of m̂"),
  ],
  variantNote:
    "optax 0.2.8: ε = ε_root = 1e-16 (the paper uses 1e-8), ε_root accumulates in the stored s, and e uses the new m. " +
    "adabelief with eps = epsRoot = 1e-8 is the closest to the paper.",
  reference:
    "Zhuang et al. 2020, AdaBelief Optimizer (NeurIPS, arXiv:2010.07468); optax/_src/transform.py `scale_by_belief`.",
};

export interface AdabeliefOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  epsRoot?: number;
  nesterov?: boolean;
}
export interface AdabeliefState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  m: FloatArray;
  s: FloatArray;
}

export function adabelief(options: AdabeliefOptions = {}): Optimizer<AdabeliefState> {
  const hp = resolveHyperparameters(adabeliefMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const nesterov = hp.nesterov as boolean;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  return {
    id: adabeliefMeta.id,
    hp,
    meta: adabeliefMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      t: 0,
      m: zeros(n, dtype),
      s: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AdabeliefState) {
      const negativeLr = -state.lr;
      const t = ++state.t;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      // m̂ = momentShare·(m / bcMoment) + gradientShare·(g / bc1):
      // plain (1, 0, bc1); Nesterov (β₁, 1 − β₁, 1 − β₁ᵗ⁺¹).
      const momentShare = nesterov ? beta1 : 1;
      const gradientShare = nesterov ? oneMinusBeta1 : 0;
      const bcMoment = nesterov ? 1 - beta1 ** (t + 1) : bc1;
      const { m, s } = state;
      // m and s are used as stored (rounded when the state is float32), never re-read after a store: see adam.ts.
      const single = m instanceof Float32Array;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        let mi = oneMinusBeta1 * g + beta1 * m[i];
        if (single) mi = Math.fround(mi);
        const e = g - mi;
        let si = oneMinusBeta2 * (e * e) + beta2 * s[i] + epsRoot;
        if (single) si = Math.fround(si);
        m[i] = mi;
        s[i] = si;
        const mHat = momentShare * (mi / bcMoment) + gradientShare * (g / bc1);
        params[i] += negativeLr * (mHat / (Math.sqrt(si / bc2) + eps));
      }
    },
  };
}
