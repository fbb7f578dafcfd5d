import { decayConstants } from "./decay.js";
import {
  decayRange,
  epsRange,
  flag,
  lrRange,
  num,
  resolveHyperparameters,
  unitClosedRange,
} from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adadeltaMeta: OptimizerMeta = {
  id: "adadelta",
  name: "torch.optim.Adadelta",
  family: "torch",
  formula: [
    "g ← ±g + λ·θ",
    "v ← ρ·v + (1 − ρ)·g²",
    "Δ = √(u + ε) / √(v + ε) · g",
    "u ← ρ·u + (1 − ρ)·Δ²",
    "θ ← θ − η·Δ",
  ],
  latex: [
    "g \\leftarrow \\pm g + \\lambda\\theta",
    "v \\leftarrow \\rho v + (1-\\rho)\\, g^2",
    "\\Delta = \\frac{\\sqrt{u+\\epsilon}}{\\sqrt{v+\\epsilon}}\\, g",
    "u \\leftarrow \\rho u + (1-\\rho)\\,\\Delta^2",
    "\\theta \\leftarrow \\theta - \\eta\\,\\Delta",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    v: "moving average of g², starts at 0",
    u: "moving average of Δ², starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 1, lrRange, "multiplier of the step (the paper has none: η = 1)"),
    num("rho", "ρ", 0.9, unitClosedRange, "decay of both averages"),
    num("eps", "ε", 1e-6, epsRange, "inside both roots; sets the size of the first steps"),
    num("weightDecay", "λ", 0, decayRange, "L2 penalty added to the gradient"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch/optax/Keras divide by the new average v; TF.js divides by the previous one (its first step is η·g whatever ρ). " +
    "Defaults differ: torch lr 1.0, ρ 0.9, ε 1e-6; Keras/TF.js lr 1e-3, ρ 0.95, ε 1e-7. optax's adadelta with its " +
    "default learning_rate=None ascends.",
  reference:
    "Zeiler 2012, ADADELTA: An Adaptive Learning Rate Method (arXiv:1212.5701); torch/optim/adadelta.py.",
};

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}
export interface AdadeltaState {
  [field: string]: number | FloatArray;
  lr: number;
  v: FloatArray;
  u: FloatArray;
}

export function adadelta(options: AdadeltaOptions = {}): Optimizer<AdadeltaState> {
  const hp = resolveHyperparameters(adadeltaMeta, { ...options });
  const rho = hp.rho as number;
  const oneMinusRho = 1 - rho;
  const eps = hp.eps as number;
  const { sign, coupled } = decayConstants(hp);
  return {
    id: adadeltaMeta.id,
    hp,
    meta: adadeltaMeta,
    init: (n: number, dtype?: DType) => ({ lr: hp.lr as number, v: zeros(n, dtype), u: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, { lr, v, u }: AdadeltaState) {
      const negativeLr = -lr;
      for (let i = 0; i < params.length; i++) {
        const g = sign * grads[i] + coupled * params[i];
        v[i] = rho * v[i] + oneMinusRho * g * g;
        const delta = (Math.sqrt(u[i] + eps) / Math.sqrt(v[i] + eps)) * g;
        u[i] = rho * u[i] + oneMinusRho * delta * delta;
        params[i] += negativeLr * delta;
      }
    },
  };
}
