import { flag, lrRange, num, refuse, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const rpropMeta: OptimizerMeta = {
  id: "rprop",
  name: "torch.optim.Rprop",
  family: "torch",
  formula: [
    "g ← ±g;   s = sign(g·g₋)",
    "Δ ← clamp(Δ·(η₊ if s > 0, η₋ if s < 0, 1 if s = 0), Δmin, Δmax)   (Δ starts at η)",
    "g ← 0 where s < 0",
    "θ ← θ − sign(g)·Δ",
    "g₋ ← g",
  ],
  latex: [
    "g \\leftarrow \\pm g,\\quad s = \\operatorname{sign}(g\\, g_{-})",
    "\\Delta \\leftarrow \\operatorname{clamp}\\big(\\Delta\\cdot\\{\\eta_+, \\eta_-, 1\\}_{s>0,\\,s<0,\\,s=0},\\ \\Delta_{\\min}, \\Delta_{\\max}\\big)",
    "g \\leftarrow 0 \\text{ where } s < 0",
    "\\theta \\leftarrow \\theta - \\operatorname{sign}(g)\\,\\Delta",
    "g_{-} \\leftarrow g",
  ],
  state: {
    lr: "learning rate: only the initial step size Δ (read at the first step, as torch fills Δ then)",
    t: "step counter",
    prev: "g₋, the previous (zeroed where the sign flipped) gradient, starts at 0",
    stepSize: "Δ, the per-coordinate step size, η at the first step",
  },
  hyperparameters: [
    num("lr", "η", 1e-2, lrRange, "initial per-coordinate step size Δ (not a multiplier of the gradient)"),
    num(
      "etaMinus",
      "η₋",
      0.5,
      { min: 0, max: 1, minOpen: true, maxOpen: true, scale: "linear", uiMin: 0.05, uiMax: 0.95 },
      "factor for Δ where the gradient's sign flipped (torch: etas[0])",
    ),
    num(
      "etaPlus",
      "η₊",
      1.2,
      { min: 1, minOpen: true, scale: "linear", uiMin: 1.01, uiMax: 3 },
      "factor for Δ where the sign stayed (torch: etas[1])",
    ),
    num(
      "stepSizeMin",
      "Δmin",
      1e-6,
      { min: 0, scale: "log", uiMin: 1e-9, uiMax: 1 },
      "smallest Δ (step_sizes[0])",
    ),
    num(
      "stepSizeMax",
      "Δmax",
      50,
      { min: 0, scale: "log", uiMin: 1e-3, uiMax: 100 },
      "largest Δ (step_sizes[1])",
    ),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch's Rprop is iRprop⁻ (Igel & Hüsken 2000): after a sign change Δ shrinks, that coordinate does not move and " +
    "the zeroed g₋ makes the next factor 1; the original Rprop (Riedmiller & Braun 1993) reverts the previous step " +
    "instead. The learning rate is only the initial Δ: the size of the gradient never enters the step, so a schedule " +
    "changing lr after the first step has no effect (as in torch). Every operation is an exact multiply, clamp or sign.",
  reference:
    "Riedmiller & Braun 1993 (ICNN); Igel & Hüsken 2000, Improving the Rprop learning algorithm; " +
    "torch/optim/rprop.py (torch 2.13, single-tensor path).",
};

export interface RpropOptions {
  lr?: number;
  etaMinus?: number;
  etaPlus?: number;
  stepSizeMin?: number;
  stepSizeMax?: number;
  maximize?: boolean;
}
export interface RpropState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  prev: FloatArray;
  stepSize: FloatArray;
}

export function rprop(options: RpropOptions = {}): Optimizer<RpropState> {
  const hp = resolveHyperparameters(rpropMeta, { ...options });
  const etaMinus = hp.etaMinus as number;
  const etaPlus = hp.etaPlus as number;
  const stepSizeMin = hp.stepSizeMin as number;
  const stepSizeMax = hp.stepSizeMax as number;
  if (!(stepSizeMin <= stepSizeMax)) {
    refuse(rpropMeta, `stepSizeMin must be <= stepSizeMax, got ${stepSizeMin} > ${stepSizeMax}`);
  }
  const sign = hp.maximize === true ? -1 : 1;
  return {
    id: rpropMeta.id,
    hp,
    meta: rpropMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      t: 0,
      prev: zeros(n, dtype),
      stepSize: zeros(n, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: RpropState) {
      const { prev, stepSize } = state;
      // torch fills Δ with the group's lr when it creates the state, i.e. at the first step.
      if (state.t++ === 0) stepSize.fill(state.lr);
      for (let i = 0; i < params.length; i++) {
        let g = sign * grads[i];
        const s = Math.sign(g * prev[i]);
        // torch replaces the sign by the factor, then zeroes g where the factor is η₋ (η₋ < 1 < η₊, so: s < 0).
        const factor = s > 0 ? etaPlus : s < 0 ? etaMinus : 1;
        stepSize[i] = Math.min(Math.max(stepSize[i] * factor, stepSizeMin), stepSizeMax);
        if (factor === etaMinus) g = 0;
        params[i] -= Math.sign(g) * stepSize[i];
        prev[i] = g;
      }
    },
  };
}
