import { lrRange, momentumRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const nesterovMeta: OptimizerMeta = {
  id: "nesterov",
  name: "Nesterov (book)",
  family: "book",
  formula: ["v ← μ·v − η·g", "θ ← θ + μ²·v − (1 + μ)·η·g"],
  latex: [
    "v \\leftarrow \\mu v - \\eta\\, g",
    "\\theta \\leftarrow \\theta + \\mu^2 v - (1+\\mu)\\,\\eta\\, g",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    v: "velocity, starts at 0 (already updated when θ uses it)",
  },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate"),
    num("momentum", "μ", 0.9, momentumRange, "momentum"),
  ],
  variantNote:
    "The book's own form: θ uses the velocity *after* its update, so θₜ = θₜ₋₁ + μ³vₜ₋₁ − (1+μ+μ²)ηgₜ. " +
    "The paper it cites (Bengio et al. 2012, eq. 7) and torch.optim.SGD(nesterov=True) use the previous velocity: " +
    "θₜ = θₜ₋₁ + μ²vₜ₋₁ − (1+μ)ηgₜ. No torch setting reproduces the book's rule (seed run: max |Δ| = 0.37).",
  reference:
    "Nesterov 1983; Bengio, Boulanger-Lewandowski & Pascanu 2012 (arXiv:1212.0901); " +
    "Saito, Deep Learning from Scratch, common/optimizer.py `Nesterov`.",
};

export interface NesterovOptions {
  lr?: number;
  momentum?: number;
}
export interface NesterovState {
  [field: string]: number | FloatArray;
  lr: number;
  v: FloatArray;
}

export function nesterov(options: NesterovOptions = {}): Optimizer<NesterovState> {
  const hp = resolveHyperparameters(nesterovMeta, { ...options });
  const mu = hp.momentum as number;
  // The book evaluates the scalar factors first: (μ·μ)·v and ((1 + μ)·η)·g.
  const muSquared = mu * mu;
  return {
    id: nesterovMeta.id,
    hp,
    meta: nesterovMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, v: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, { lr, v }: NesterovState) {
      const gradientFactor = (1 + mu) * lr;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        v[i] = mu * v[i] - lr * g;
        params[i] += muSquared * v[i];
        params[i] -= gradientFactor * g;
      }
    },
  };
}
