import { decayRange, flag, lrRange, momentumRange, num, resolveHyperparameters } from "./hyper.js";
import { matrixShape } from "./linalg.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const adafactorMeta: OptimizerMeta = {
  id: "adafactor",
  name: "optax.adafactor",
  family: "optax",
  formula: [
    "β̂ = 1 − (c − offset + 1)^(−γ)      (c = earlier steps; β̂ = 0 on the first)",
    "G = g² + ε",
    "factored (matrix, 2nd-largest dim ≥ min):  R ← β̂·R + (1 − β̂)·mean(G over the largest dim);  C ← β̂·C + (1 − β̂)·mean(G over the other)",
    "   u = g·(R / mean(R))^(−½)·C^(−½)",
    "otherwise:  V ← β̂·V + (1 − β̂)·G;   u = g·V^(−½)",
    "u ← u / max(1, rms(u)/d);   u ← η·u;   u ← u·max(rms(θ), 1e-3)",
    "momentum:  m ← (1 − μ)·u + μ·m;  u = m;      u ← u + λ·θ;   θ ← θ − u",
  ],
  latex: [
    "\\hat\\beta = 1 - (c - o + 1)^{-\\gamma},\\quad G = g^2 + \\epsilon",
    "R \\leftarrow \\hat\\beta R + (1-\\hat\\beta)\\,\\overline{G}^{\\,\\text{largest}},\\quad C \\leftarrow \\hat\\beta C + (1-\\hat\\beta)\\,\\overline{G}^{\\,\\text{other}}",
    "u = g\\,(R/\\bar R)^{-1/2}\\, C^{-1/2}\\quad\\text{or}\\quad u = g\\,V^{-1/2}",
    "u \\leftarrow \\frac{u}{\\max(1, \\operatorname{rms}(u)/d)}\\,\\eta\\,\\max(\\operatorname{rms}(\\theta), 10^{-3})",
    "m \\leftarrow (1-\\mu) u + \\mu m,\\quad \\theta \\leftarrow \\theta - (m + \\lambda\\theta)",
  ],
  state: {
    c: "number of earlier steps (optax's count)",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    rows: "matrix rows (0 for a vector)",
    cols: "matrix columns",
    factored: "1 when the second moment is factored into R and C",
    R: "factored: mean of G over the largest dimension, one per entry of the other dimension",
    C: "factored: mean of G over the other dimension, one per entry of the largest",
    V: "not factored: the full second moment",
    m: "momentum (unused when μ = 0)",
    u: "scratch: this step's update",
  },
  hyperparameters: [
    num(
      "lr",
      "η",
      1,
      lrRange,
      "learning rate; 1 is optax's default None (no scaling: relative steps ≈ rms(θ))",
    ),
    num(
      "minDimSizeToFactor",
      "min",
      128,
      { min: 0, integer: true, scale: "linear", uiMin: 0, uiMax: 256 },
      "factor only if the second-largest dimension is at least this",
    ),
    num(
      "decayExponent",
      "γ",
      0.8,
      { min: 0, scale: "linear", uiMin: 0, uiMax: 1 },
      "exponent of the β̂ schedule",
    ),
    num(
      "decayOffset",
      "offset",
      0,
      { min: 0, integer: true, scale: "linear", uiMin: 0, uiMax: 100 },
      "delay of the β̂ schedule",
    ),
    flag("multiplyByParameterScale", "scale", true, "multiply the step by max(rms(θ), 1e-3)"),
    flag("clipping", "clip", true, "clip the update's rms to d (off is optax's clipping_threshold=None)"),
    num(
      "clippingThreshold",
      "d",
      1,
      { min: 0, minOpen: true, scale: "linear", uiMin: 0.1, uiMax: 2 },
      "largest rms of the normalised update",
    ),
    num("momentum", "μ", 0, momentumRange, "EMA momentum of the updates (0 is optax's None)"),
    flag("momentumFloat32", "f32", true, "keep the momentum in float32 (optax's dtype_momentum default)"),
    num(
      "weightDecayRate",
      "λ",
      0,
      decayRange,
      "decay added to the update, NOT multiplied by η (0 is optax's None)",
    ),
    num(
      "eps",
      "ε",
      1e-30,
      { min: 0, scale: "log", uiMin: 1e-40, uiMax: 1e-10 },
      "added to g² (inside the statistics)",
    ),
    flag("factored", "factored", true, "factor the second moment of matrices"),
  ],
  variantNote:
    "optax 0.2.8 differs from torch.optim.Adafactor (`torch-adafactor`): ε = 1e-30 is added to g²; only matrices " +
    "whose second-largest dimension is ≥ 128 are factored (torch: all); the relative step is η·max(1e-3, rms θ) " +
    "with no 1/√t cap; clipping by rms(u)/d; optional EMA momentum; weight decay λθ not multiplied by η. optax " +
    "computes β̂ in float32; optlab computes it in float64 (as the golden data's patch does). A float32 momentum " +
    "(optax's default dtype) is emulated: μ·m rounded to float32 and the stored m rounded to float32, the update " +
    "itself in float64 (from optax's ema; no golden case covers it).",
  reference:
    "Shazeer & Stern 2018, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost (arXiv:1804.04235); " +
    "optax/_src/alias.py `adafactor`, optax/_src/factorized.py `scale_by_factored_rms`.",
  couplesCoordinates: true,
};

export interface AdafactorOptions {
  lr?: number;
  minDimSizeToFactor?: number;
  decayExponent?: number;
  decayOffset?: number;
  multiplyByParameterScale?: boolean;
  clipping?: boolean;
  clippingThreshold?: number;
  momentum?: number;
  momentumFloat32?: boolean;
  weightDecayRate?: number;
  eps?: number;
  factored?: boolean;
}
export interface AdafactorState {
  [field: string]: number | FloatArray;
  c: number;
  lr: number;
  rows: number;
  cols: number;
  factored: number;
  R: FloatArray;
  C: FloatArray;
  V: FloatArray;
  m: FloatArray;
  u: FloatArray;
}

export function adafactor(options: AdafactorOptions = {}): Optimizer<AdafactorState> {
  const hp = resolveHyperparameters(adafactorMeta, { ...options });
  const minDim = hp.minDimSizeToFactor as number;
  const decayExponent = hp.decayExponent as number;
  const decayOffset = hp.decayOffset as number;
  const parameterScale = hp.multiplyByParameterScale as boolean;
  const clipping = hp.clipping as boolean;
  const threshold = hp.clippingThreshold as number;
  const mu = hp.momentum as number;
  const float32Momentum = hp.momentumFloat32 as boolean;
  const mu32 = Math.fround(mu);
  const weightDecay = hp.weightDecayRate as number;
  const eps = hp.eps as number;
  return {
    id: adafactorMeta.id,
    hp,
    meta: adafactorMeta,
    init(n: number, dtype?: DType, shape?: readonly number[]) {
      const matrix = matrixShape(adafactorMeta.id, n, shape);
      const [rows, cols] = matrix ?? [0, 0];
      const factored = matrix !== null && (hp.factored as boolean) && Math.min(rows, cols) >= minDim;
      // numpy's argsort of [rows, cols] is stable: ties make the rows the "second-largest" dimension.
      const largestIsRows = rows > cols;
      return {
        c: 0,
        lr: hp.lr as number,
        rows,
        cols,
        factored: factored ? 1 : 0,
        R: zeros(factored ? (largestIsRows ? cols : rows) : 0, dtype),
        C: zeros(factored ? (largestIsRows ? rows : cols) : 0, dtype),
        V: zeros(factored ? 0 : n, dtype),
        m: zeros(mu > 0 ? n : 0, dtype),
        u: zeros(n, dtype),
      };
    },
    step(params: FloatArray, grads: FloatArray, state: AdafactorState) {
      const { rows, cols, R, C, V, m, u } = state;
      const n = params.length;
      const decay = 1 - (state.c - decayOffset + 1) ** -decayExponent;
      state.c++;
      if (state.factored === 1) {
        // R is indexed by the second-largest dimension and averages over the largest; C the other way round.
        const largestIsRows = rows > cols;
        const rLength = R.length;
        const cLength = C.length;
        let rSum = 0;
        for (let a = 0; a < rLength; a++) {
          let s = 0;
          for (let b = 0; b < cLength; b++) {
            const g = largestIsRows ? grads[b * cols + a] : grads[a * cols + b];
            s += g * g + eps;
          }
          R[a] = decay * R[a] + (1 - decay) * (s / cLength);
          rSum += R[a];
        }
        const rMean = rSum / rLength;
        for (let b = 0; b < cLength; b++) {
          let s = 0;
          for (let a = 0; a < rLength; a++) {
            const g = largestIsRows ? grads[b * cols + a] : grads[a * cols + b];
            s += g * g + eps;
          }
          C[b] = decay * C[b] + (1 - decay) * (s / rLength);
        }
        for (let a = 0; a < rLength; a++) {
          const rowFactor = (R[a] / rMean) ** -0.5;
          for (let b = 0; b < cLength; b++) {
            const k = largestIsRows ? b * cols + a : a * cols + b;
            u[k] = grads[k] * rowFactor * C[b] ** -0.5;
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const g = grads[i];
          V[i] = decay * V[i] + (1 - decay) * (g * g + eps);
          u[i] = g * V[i] ** -0.5;
        }
      }
      let scale = state.lr;
      if (clipping) {
        let squares = 0;
        for (let i = 0; i < n; i++) squares += u[i] * u[i];
        const denominator = Math.max(1, Math.sqrt(squares / n) / threshold);
        for (let i = 0; i < n; i++) u[i] = u[i] / denominator;
      }
      if (parameterScale) {
        let squares = 0;
        for (let i = 0; i < n; i++) squares += params[i] * params[i];
        const rms = Math.max(Math.sqrt(squares / n), 1e-3);
        for (let i = 0; i < n; i++) u[i] = u[i] * scale * rms;
        scale = 1;
      }
      for (let i = 0; i < n; i++) {
        let step = u[i] * scale;
        if (mu > 0) {
          // A float32 accumulator times the (weakly typed) μ is a float32 product in jax; the sum is float64.
          step = (1 - mu) * step + (float32Momentum ? Math.fround(mu32 * m[i]) : mu * m[i]);
          m[i] = float32Momentum ? Math.fround(step) : step;
        }
        params[i] = params[i] - (step + weightDecay * params[i]);
      }
    },
  };
}
