import { lrRange, num, resolveHyperparameters } from "./hyper.js";
import type { DType, FloatArray, Optimizer, OptimizerMeta } from "./types.js";

export const fromageMeta: OptimizerMeta = {
  id: "fromage",
  name: "optax.fromage",
  family: "optax",
  formula: [
    "μ = 1 / √(1 + η²)",
    "u = g · max(‖θ‖, n₀) / max(‖g‖, n₀)      (norms over the whole parameter)",
    "θ ← θ − η·μ·u + (μ − 1)·θ      (= μ·(θ − η·u))",
  ],
  latex: [
    "\\mu = 1/\\sqrt{1 + \\eta^2}",
    "u = g\\,\\frac{\\max(\\lVert\\theta\\rVert, n_0)}{\\max(\\lVert g\\rVert, n_0)}",
    "\\theta \\leftarrow \\theta - \\eta\\mu\\,u + (\\mu - 1)\\,\\theta",
  ],
  state: { lr: "learning rate η of the next step (a schedule overwrites it)" },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate: the relative size of a step, ‖Δθ‖ ≈ η‖θ‖"),
    num(
      "minNorm",
      "n₀",
      1e-6,
      { min: 0, minOpen: true, scale: "log", uiMin: 1e-8, uiMax: 1 },
      "floor of both norms",
    ),
  ],
  variantNote:
    "optax 0.2.8: the gradient is rescaled to the parameter's norm (both floored at min_norm), stepped with η·μ, and " +
    "the (μ − 1)·θ shrink is not multiplied by η — together θ ← μ(θ − ηu), the paper's update. optax has no default " +
    "η; optlab uses 0.01.",
  reference:
    "Bernstein, Vahdat, Yue & Liu 2020, On the distance between two neural networks and the stability of learning " +
    "(NeurIPS, arXiv:2002.03432); optax/_src/alias.py `fromage`.",
  couplesCoordinates: true,
};

export interface FromageOptions {
  lr?: number;
  minNorm?: number;
}
export interface FromageState {
  [field: string]: number | FloatArray;
  lr: number;
}

export function fromage(options: FromageOptions = {}): Optimizer<FromageState> {
  const hp = resolveHyperparameters(fromageMeta, { ...options });
  const minNorm = hp.minNorm as number;
  return {
    id: fromageMeta.id,
    hp,
    meta: fromageMeta,
    init: (_n: number, _dtype?: DType) => ({ lr: hp.lr as number }),
    step(params: FloatArray, grads: FloatArray, state: FromageState) {
      const lr = state.lr;
      const mult = 1 / Math.sqrt(1 + lr ** 2);
      const negativeStep = -(lr * mult);
      const shrink = mult - 1;
      let paramSquares = 0;
      let gradSquares = 0;
      for (let i = 0; i < params.length; i++) {
        paramSquares += params[i] * params[i];
        gradSquares += grads[i] * grads[i];
      }
      const paramNorm = Math.max(Math.sqrt(paramSquares), minNorm);
      const gradNorm = Math.max(Math.sqrt(gradSquares), minNorm);
      const ratio = paramNorm / gradNorm;
      for (let i = 0; i < params.length; i++) {
        params[i] += grads[i] * ratio * negativeStep + shrink * params[i];
      }
    },
  };
}
