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
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    momentum: "μ of the next step (CyclicLR / OneCycleLR cycle it)",
    t: "step counter",
    tb: "number of steps that used the buffer (steps with μ ≠ 0)",
    b: "momentum buffer (no learning rate inside); the first gradient of the first step with μ ≠ 0",
  },
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
  lr: number;
  momentum: number;
  t: number;
  tb: number;
  b: FloatArray;
}

export function torchSgd(options: TorchSgdOptions = {}): Optimizer<TorchSgdState> {
  const hp = resolveHyperparameters(torchSgdMeta, { ...options });
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
  const gradientShare = nesterov ? 1 : 0;
  return {
    id: torchSgdMeta.id,
    hp,
    meta: torchSgdMeta,
    // The buffer is allocated even for μ = 0: a CyclicLR / OneCycleLR may give the optimizer a momentum (as in torch).
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      momentum: mu,
      t: 0,
      tb: 0,
      b: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: TorchSgdState) {
      state.t++;
      const { lr, momentum } = state;
      if (momentum === 0) {
        // torch skips the buffer entirely (it stays as it was).
        for (let i = 0; i < params.length; i++) {
          const g = sign * grads[i] + coupled * params[i];
          params[i] -= lr * g;
        }
        return;
      }
      // d = gradientShare·g + bufferShare·b: (1, μ) for Nesterov, (0, 1) for heavy ball.
      const bufferShare = nesterov ? momentum : 1;
      // The buffer's first step stores the gradient itself: b ← 0·b + 1·g.
      const first = state.tb++ === 0;
      const keep = first ? 0 : momentum;
      const fresh = first ? 1 : 1 - dampening;
      const { b } = state;
      for (let i = 0; i < params.length; i++) {
        const g = sign * grads[i] + coupled * params[i];
        b[i] = keep * b[i] + fresh * g;
        params[i] -= lr * (gradientShare * g + bufferShare * b[i]);
      }
    },
  };
}
