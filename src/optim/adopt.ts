import { epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adoptMeta: OptimizerMeta = {
  id: "adopt",
  name: "optax.contrib.adopt",
  family: "optax",
  formula: [
    "c = number of earlier steps (0 on the first);   β₁' = c > 0 ? β₁ : 1;   β₂' = c > 0 ? β₂ : 0",
    "q = g / max(√v, ε)      (the OLD v)",
    "q ← clip(q, −c^¼, c^¼)      (if clipping)",
    "v ← (1 − β₂')·g² + β₂'·v",
    "m ← (1 − β₁')·q + β₁'·m",
    "θ ← θ − η·(nesterov ? (1 − β₁')·q + β₁'·m : m)",
  ],
  latex: [
    "\\beta_1' = c > 0\\ ?\\ \\beta_1 : 1,\\quad \\beta_2' = c > 0\\ ?\\ \\beta_2 : 0",
    "q = g / \\max(\\sqrt{v}, \\epsilon)",
    "q \\leftarrow \\operatorname{clip}(q, -c^{1/4}, c^{1/4})",
    "v \\leftarrow (1-\\beta_2') g^2 + \\beta_2' v",
    "m \\leftarrow (1-\\beta_1') q + \\beta_1' m",
    "\\theta \\leftarrow \\theta - \\eta\\,(\\text{nesterov}\\ ?\\ (1-\\beta_1') q + \\beta_1' m : m)",
  ],
  state: {
    c: "number of earlier steps (optax's 0-based count)",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    m: "momentum of the normalised gradients, starts at 0",
    v: "second moment, g² of the first step, then an average; used before it is updated",
  },
  hyperparameters: [
    num("lr", "η", 0.001, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the momentum m"),
    num("beta2", "β₂", 0.9999, unitOpenRange, "decay of the second moment v (ADOPT's default 0.9999)"),
    num("eps", "ε", 1e-6, epsRange, "floor of √v (ADOPT's default 1e-6)"),
    flag("nesterov", "nesterov", false, "Nesterov form of the momentum"),
    flag("useClipping", "clip", true, "clip the normalised gradient to ±c^¼"),
  ],
  variantNote:
    "optax 0.2.8: the first step only initialises v = g² (θ does not move); the normalisation uses v from before " +
    "this step, floored as max(√v, ε); the clip bound c^¼ uses the 0-based count (1, 2^¼, … on steps 2, 3, …). " +
    "clip_value_fn is fixed at count**0.25. optax's docstring links arXiv:2403.00855, a different paper. optax has " +
    "no default η; optlab uses 0.001.",
  reference:
    "Taniguchi et al. 2024, ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal Rate (NeurIPS, " +
    "arXiv:2411.02853); optax/contrib/_adopt.py `scale_by_adopt`.",
};

export interface AdoptOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  nesterov?: boolean;
  useClipping?: boolean;
}
export interface AdoptState {
  [field: string]: number | FloatArray;
  c: number;
  lr: number;
  m: FloatArray;
  v: FloatArray;
}

export function adopt(options: AdoptOptions = {}): Optimizer<AdoptState> {
  const hp = resolveHyperparameters(adoptMeta, { ...options });
  const eps = hp.eps as number;
  const nesterov = hp.nesterov as boolean;
  const useClipping = hp.useClipping as boolean;
  return {
    id: adoptMeta.id,
    hp,
    meta: adoptMeta,
    init: (n: number, dtype?: DType) => ({
      c: 0,
      lr: hp.lr as number,
      m: zeros(n, dtype),
      v: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: AdoptState) {
      const c = state.c;
      const beta1 = c > 0 ? (hp.beta1 as number) : 1;
      const beta2 = c > 0 ? (hp.beta2 as number) : 0;
      const bound = useClipping ? c ** 0.25 : Number.POSITIVE_INFINITY;
      const negativeLr = -state.lr;
      const { m, v } = state;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        let q = g / Math.max(Math.sqrt(v[i]), eps);
        if (useClipping) q = Math.min(Math.max(q, -bound), bound);
        v[i] = (1 - beta2) * (g * g) + beta2 * v[i];
        m[i] = (1 - beta1) * q + beta1 * m[i];
        const u = nesterov ? (1 - beta1) * q + beta1 * m[i] : m[i];
        params[i] += negativeLr * u;
      }
      state.c = c + 1;
    },
  };
}
