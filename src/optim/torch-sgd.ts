import { decayConstants } from "./decay.js";
import {
  decayRange,
  flag,
  lrRange,
  momentumRange,
  num,
  refuse,
  resolveHyperparameters,
  unitClosedRange,
} from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const torchSgdMeta: OptimizerMeta = {
  id: "torch-sgd",
  name: "torch.optim.SGD",
  family: "torch",
  formula: [
    "g ← ±g + λ·θ",
    "b ← g  (t = 1);   b ← μ·b + (1 − τ)·g  (t > 1)",
    "d = nesterov ? g + μ·b : b",
    "θ ← θ − η·d",
  ],
  latex: [
    "g \\leftarrow \\pm g + \\lambda\\theta",
    "b \\leftarrow g\\ (t=1);\\quad b \\leftarrow \\mu b + (1-\\tau)\\, g\\ (t>1)",
    "d = g + \\mu b\\ \\text{(nesterov)}\\ \\text{or}\\ b",
    "\\theta \\leftarrow \\theta - \\eta\\, d",
  ],
  state: { t: "step counter", b: "momentum buffer (no learning rate inside); the first gradient at t = 1" },
  hyperparameters: [
    num("lr", "η", 1e-3, lrRange, "learning rate"),
    num("momentum", "μ", 0, momentumRange, "momentum factor (0: plain SGD)"),
    num(
      "dampening",
      "τ",
      0,
      unitClosedRange,
      "dampening of the gradient added to the buffer (not applied at t = 1)",
    ),
    num("weightDecay", "λ", 0, decayRange, "L2 penalty added to the gradient"),
    flag("nesterov", "nesterov", false, "Nesterov momentum (Bengio et al. 2012, eq. 7)"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch 2.13 semantics: the buffer holds no learning rate and starts at the first gradient (so dampening is skipped " +
    "at t = 1); Nesterov is θ ← θ − η(g + μb), i.e. Bengio's eq. 7 — unlike the book's Nesterov. With a constant lr " +
    "and dampening 0 the momentum iterates equal the book's Momentum.",
  reference:
    "Sutskever et al. 2013; torch/optim/sgd.py (torch 2.13, single-tensor path), " +
    "docs.pytorch.org/docs/2.13/generated/torch.optim.SGD.html.",
};

export interface TorchSgdOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}
export interface TorchSgdState {
  [field: string]: number | FloatArray;
  t: number;
  b: FloatArray;
}

export function torchSgd(options: TorchSgdOptions = {}): Optimizer<TorchSgdState> {
  const hp = resolveHyperparameters(torchSgdMeta, { ...options });
  const lr = hp.lr as number;
  const mu = hp.momentum as number;
  const dampening = hp.dampening as number;
  const nesterov = hp.nesterov as boolean;
  if (nesterov && (mu <= 0 || dampening !== 0)) {
    refuse(
      torchSgdMeta,
      `nesterov requires momentum > 0 and dampening = 0, got momentum ${mu}, dampening ${dampening}`,
    );
  }
  const { sign, coupled } = decayConstants(hp);
  // d = gradientShare·g + bufferShare·b: (1, μ) for Nesterov, (0, 1) for heavy ball.
  const gradientShare = nesterov ? 1 : 0;
  const bufferShare = nesterov ? mu : 1;
  const useBuffer = mu !== 0;
  return {
    id: torchSgdMeta.id,
    hp,
    meta: torchSgdMeta,
    init: (n: number, dtype?: DType) => ({ t: 0, b: zeros(useBuffer ? n : 0, dtype) }),
    step(params: FloatArray, grads: FloatArray, state: TorchSgdState) {
      const t = ++state.t;
      if (!useBuffer) {
        for (let i = 0; i < params.length; i++) {
          const g = sign * grads[i] + coupled * params[i];
          params[i] -= lr * g;
        }
        return;
      }
      // At t = 1 the buffer is the gradient itself: b ← 0·b + 1·g.
      const keep = t === 1 ? 0 : mu;
      const fresh = t === 1 ? 1 : 1 - dampening;
      const { b } = state;
      for (let i = 0; i < params.length; i++) {
        const g = sign * grads[i] + coupled * params[i];
        b[i] = keep * b[i] + fresh * g;
        params[i] -= lr * (gradientShare * g + bufferShare * b[i]);
      }
    },
  };
}
