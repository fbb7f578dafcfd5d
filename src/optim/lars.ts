import { decayRange, epsRange, flag, lrRange, momentumRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const larsMeta: OptimizerMeta = {
  id: "lars",
  name: "optax.lars",
  family: "optax",
  formula: [
    "u = g + λ·θ",
    "u ← −η·(c·‖θ‖ / (‖u‖ + ε))·u      (ratio 1 if either norm is 0; norms over the whole parameter)",
    "T ← u + μ·T",
    "θ ← θ + (nesterov ? u + μ·T : T)",
  ],
  latex: [
    "u = g + \\lambda\\theta",
    "u \\leftarrow -\\eta\\,\\frac{c\\,\\lVert\\theta\\rVert}{\\lVert u\\rVert + \\epsilon}\\,u",
    "T \\leftarrow u + \\mu T",
    "\\theta \\leftarrow \\theta + (\\text{nesterov}\\ ?\\ u + \\mu T : T)",
  ],
  state: {
    lr: "learning rate η of the next step (a schedule overwrites it)",
    T: "momentum trace of the lr-scaled updates, starts at 0",
    u: "scratch: this step's decayed gradient",
  },
  hyperparameters: [
    num("lr", "η", 0.1, lrRange, "learning rate (inside the momentum trace)"),
    num("weightDecay", "λ", 0, decayRange, "L2 decay added to the gradient before the trust ratio"),
    num("trustCoefficient", "c", 0.001, { min: 0, scale: "log", uiMin: 1e-4, uiMax: 1 }, "trust coefficient"),
    num("eps", "ε", 0, epsRange, "added to ‖u‖ in the trust ratio"),
    num("momentum", "μ", 0.9, momentumRange, "decay of the trace T"),
    flag("nesterov", "nesterov", false, "apply the trace once more (u + μ·T)"),
  ],
  variantNote:
    "optax 0.2.8: the learning rate is applied before the momentum trace (lr inside the buffer), the trust " +
    "ratio c·‖θ‖/(‖u‖ + ε) uses the decayed gradient u and is 1 when a norm is 0, and weight decay and the trust " +
    "ratio apply to every parameter (optax's masks at their defaults). The Nesterov option is not in the paper. " +
    "With c = 0.001 the step is tiny (≈ 0.001·η·‖θ‖). optax has no default η; optlab uses 0.1.",
  reference:
    "You, Gitman & Ginsburg 2017, Large Batch Training of Convolutional Networks (arXiv:1708.03888); " +
    "optax/_src/alias.py `lars`.",
  couplesCoordinates: true,
};

export interface LarsOptions {
  lr?: number;
  weightDecay?: number;
  trustCoefficient?: number;
  eps?: number;
  momentum?: number;
  nesterov?: boolean;
}
export interface LarsState {
  [field: string]: number | FloatArray;
  lr: number;
  T: FloatArray;
  u: FloatArray;
}

export function lars(options: LarsOptions = {}): Optimizer<LarsState> {
  const hp = resolveHyperparameters(larsMeta, { ...options });
  const weightDecay = hp.weightDecay as number;
  const trust = hp.trustCoefficient as number;
  const eps = hp.eps as number;
  const mu = hp.momentum as number;
  const nesterov = hp.nesterov as boolean;
  return {
    id: larsMeta.id,
    hp,
    meta: larsMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, T: zeros(n, dtype), u: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, state: LarsState) {
      const { T, u } = state;
      let paramSquares = 0;
      let updateSquares = 0;
      for (let i = 0; i < params.length; i++) {
        u[i] = grads[i] + weightDecay * params[i];
        paramSquares += params[i] * params[i];
        updateSquares += u[i] * u[i];
      }
      const paramNorm = Math.sqrt(paramSquares);
      const updateNorm = Math.sqrt(updateSquares);
      const ratio = paramNorm === 0 || updateNorm === 0 ? 1 : (trust * paramNorm) / (updateNorm + eps);
      const negativeLr = -state.lr;
      for (let i = 0; i < params.length; i++) {
        const step = negativeLr * (u[i] * ratio);
        T[i] = step + mu * T[i];
        params[i] += nesterov ? step + mu * T[i] : T[i];
      }
    },
  };
}
