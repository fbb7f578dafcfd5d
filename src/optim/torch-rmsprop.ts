import { decayConstants } from "./decay.js";
import {
  decayRange,
  epsRange,
  flag,
  lrRange,
  momentumRange,
  num,
  resolveHyperparameters,
  unitClosedRange,
} from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const torchRmspropMeta: OptimizerMeta = {
  id: "torch-rmsprop",
  name: "torch.optim.RMSprop",
  family: "torch",
  formula: [
    "g ← ±g + λ·θ",
    "v ← ρ·v + (1 − ρ)·g²",
    "centered: ḡ ← ḡ + (1 − ρ)·(g − ḡ);  d = √(v − ḡ²) + ε;   else d = √v + ε",
    "μ > 0: b ← μ·b + g/d;  θ ← θ − η·b;   else θ ← θ − η·g/d",
  ],
  latex: [
    "g \\leftarrow \\pm g + \\lambda\\theta",
    "v \\leftarrow \\rho v + (1-\\rho)\\, g^2",
    "d = \\sqrt{v - \\bar g^2} + \\epsilon\\ \\text{(centered, } \\bar g \\leftarrow \\bar g + (1-\\rho)(g-\\bar g)\\text{)}\\ \\text{or}\\ \\sqrt{v} + \\epsilon",
    "b \\leftarrow \\mu b + g/d,\\ \\theta \\leftarrow \\theta - \\eta b\\ \\ (\\mu>0);\\quad \\theta \\leftarrow \\theta - \\eta\\, g/d",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    momentum: "μ of the next step (torch CyclicLR / OneCycleLR cycle it)",
    v: "moving average of g², starts at 0",
    gAvg: "moving average of g (ḡ, centered only), starts at 0",
    b: "momentum buffer of g/d (used while μ > 0), starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 1e-2, lrRange, "learning rate"),
    num("rho", "ρ", 0.99, unitClosedRange, "smoothing constant of the averages (torch's alpha)"),
    num("eps", "ε", 1e-8, epsRange, "added to the root (outside it)"),
    num("weightDecay", "λ", 0, decayRange, "L2 penalty added to the gradient"),
    num("momentum", "μ", 0, momentumRange, "momentum on the normalised step"),
    flag("centered", "centered", false, "normalise by the estimated variance v − ḡ² instead of v"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch 2.13: ε outside the root, no bias correction (first step ≈ η/√(1−ρ)), momentum buffer zero-initialised and " +
    "accumulating g/d (lr outside). TF/Keras/optax put ε inside the root; the book uses ε = 1e-7 in torch's place.",
  reference:
    "Tieleman & Hinton 2012 (lecture 6.5); Graves 2013 (arXiv:1308.0850) for the centered form; " +
    "torch/optim/rmsprop.py (torch 2.13).",
};

export interface TorchRmspropOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}
export interface TorchRmspropState {
  [field: string]: number | FloatArray;
  lr: number;
  momentum: number;
  v: FloatArray;
  gAvg: FloatArray;
  b: FloatArray;
}

export function torchRmsprop(options: TorchRmspropOptions = {}): Optimizer<TorchRmspropState> {
  const hp = resolveHyperparameters(torchRmspropMeta, { ...options });
  const rho = hp.rho as number;
  const oneMinusRho = 1 - rho;
  const eps = hp.eps as number;
  const mu = hp.momentum as number;
  const centered = hp.centered as boolean;
  const { sign, coupled } = decayConstants(hp);

  // One loop per combination of the two structural options, chosen once here.
  type Loop = (params: FloatArray, grads: FloatArray, state: TorchRmspropState) => void;
  const plain: Loop = (params, grads, { lr, v }) => {
    const negativeLr = -lr;
    for (let i = 0; i < params.length; i++) {
      const g = sign * grads[i] + coupled * params[i];
      v[i] = rho * v[i] + oneMinusRho * g * g;
      params[i] += (negativeLr * g) / (Math.sqrt(v[i]) + eps);
    }
  };
  const withMomentum: Loop = (params, grads, { lr, momentum: mu, v, b }) => {
    const negativeLr = -lr;
    for (let i = 0; i < params.length; i++) {
      const g = sign * grads[i] + coupled * params[i];
      v[i] = rho * v[i] + oneMinusRho * g * g;
      b[i] = mu * b[i] + g / (Math.sqrt(v[i]) + eps);
      params[i] += negativeLr * b[i];
    }
  };
  const centeredPlain: Loop = (params, grads, { lr, v, gAvg }) => {
    const negativeLr = -lr;
    for (let i = 0; i < params.length; i++) {
      const g = sign * grads[i] + coupled * params[i];
      v[i] = rho * v[i] + oneMinusRho * g * g;
      gAvg[i] += oneMinusRho * (g - gAvg[i]);
      const a = gAvg[i];
      params[i] += (negativeLr * g) / (Math.sqrt(v[i] - a * a) + eps);
    }
  };
  const centeredMomentum: Loop = (params, grads, { lr, momentum: mu, v, gAvg, b }) => {
    const negativeLr = -lr;
    for (let i = 0; i < params.length; i++) {
      const g = sign * grads[i] + coupled * params[i];
      v[i] = rho * v[i] + oneMinusRho * g * g;
      gAvg[i] += oneMinusRho * (g - gAvg[i]);
      const a = gAvg[i];
      b[i] = mu * b[i] + g / (Math.sqrt(v[i] - a * a) + eps);
      params[i] += negativeLr * b[i];
    }
  };
  // torch chooses per step (`if momentum > 0`), so a scheduler that cycles μ switches between the loops.
  const loop: Loop = centered
    ? (params, grads, state) => (state.momentum > 0 ? centeredMomentum : centeredPlain)(params, grads, state)
    : (params, grads, state) => (state.momentum > 0 ? withMomentum : plain)(params, grads, state);

  return {
    id: torchRmspropMeta.id,
    hp,
    meta: torchRmspropMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      momentum: mu,
      v: zeros(n, dtype),
      gAvg: zeros(centered ? n : 0, dtype),
      // Allocated even for μ = 0: a CyclicLR / OneCycleLR may give the optimizer a momentum (as in torch).
      b: zeros(n, dtype),
    }),
    step: loop,
  };
}
