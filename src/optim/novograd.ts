import { decayRange, epsRange, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const novogradMeta: OptimizerMeta = {
  id: "novograd",
  name: "optax.novograd",
  family: "optax",
  formula: [
    "first step:  ν = ‖g‖²;   m = g / (√(ν + ε_root) + ε) + λ·θ",
    "later:       ν ← (1 − β₂)·‖g‖² + β₂·ν;   m ← β₁·m + g / (√(ν + ε_root) + ε) + λ·θ",
    "θ ← θ − η·m      (ν is one number for the whole parameter)",
  ],
  latex: [
    "t = 1:\\ \\nu = \\lVert g\\rVert^2,\\quad m = \\frac{g}{\\sqrt{\\nu + \\epsilon_{root}} + \\epsilon} + \\lambda\\theta",
    "t > 1:\\ \\nu \\leftarrow (1-\\beta_2)\\lVert g\\rVert^2 + \\beta_2\\nu,\\quad m \\leftarrow \\beta_1 m + \\frac{g}{\\sqrt{\\nu + \\epsilon_{root}} + \\epsilon} + \\lambda\\theta",
    "\\theta \\leftarrow \\theta - \\eta m",
  ],
  state: {
    t: "step counter",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    nu: "layer-wise second moment: one number, the average of ‖g‖²",
    m: "momentum of the normalised gradients (no 1 − β₁ factor)",
  },
  hyperparameters: [
    num("lr", "η", 0.01, lrRange, "learning rate"),
    num("beta1", "β₁", 0.9, unitOpenRange, "decay of the momentum m"),
    num("beta2", "β₂", 0.25, unitOpenRange, "decay of the layer-wise ν"),
    num("eps", "ε", 1e-6, epsRange, "added to the root"),
    num("epsRoot", "ε_root", 0, epsRange, "added under the root"),
    num("weightDecay", "λ", 0, decayRange, "decay added to the normalised gradient, inside the momentum"),
  ],
  variantNote:
    "optax 0.2.8: ν is one scalar per parameter tensor (the whole optlab parameter here), initialised with the " +
    "first ‖g‖² (computed as ‖g‖ squared), no bias correction, and the momentum has no (1 − β₁) factor (as in the " +
    "paper). optax has no default η; optlab uses 0.01.",
  reference:
    "Ginsburg et al. 2019, Stochastic Gradient Methods with Layer-wise Adaptive Moments for Training of Deep " +
    "Networks (arXiv:1905.11286); optax/_src/transform.py `scale_by_novograd`.",
  couplesCoordinates: true,
};

export interface NovogradOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  epsRoot?: number;
  weightDecay?: number;
}
export interface NovogradState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  nu: number;
  m: FloatArray;
}

export function novograd(options: NovogradOptions = {}): Optimizer<NovogradState> {
  const hp = resolveHyperparameters(novogradMeta, { ...options });
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const eps = hp.eps as number;
  const epsRoot = hp.epsRoot as number;
  const weightDecay = hp.weightDecay as number;
  return {
    id: novogradMeta.id,
    hp,
    meta: novogradMeta,
    init: (n: number, dtype?: DType) => ({ t: 0, lr: hp.lr as number, nu: 0, m: zeros(n, dtype) }),
    step(params: FloatArray, grads: FloatArray, state: NovogradState) {
      const first = state.t === 0;
      state.t++;
      let squares = 0;
      for (let i = 0; i < grads.length; i++) squares += grads[i] * grads[i];
      // optax computes ‖g‖² as jnp.linalg.norm(g) ** 2: the root first, then the square.
      const norm = Math.sqrt(squares);
      const normSquared = norm * norm;
      state.nu = first ? normSquared : (1 - beta2) * normSquared + beta2 * state.nu;
      const denominator = Math.sqrt(state.nu + epsRoot) + eps;
      const momentum = first ? 0 : beta1;
      const negativeLr = -state.lr;
      const { m } = state;
      for (let i = 0; i < params.length; i++) {
        const normalised = grads[i] / denominator + weightDecay * params[i];
        m[i] = first ? normalised : normalised + momentum * m[i];
        params[i] += negativeLr * m[i];
      }
    },
  };
}
