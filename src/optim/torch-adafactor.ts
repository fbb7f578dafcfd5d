import { InputRangeError, show } from "../util/errors.js";
import { decayRange, flag, lrRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

/** torch.finfo(dtype).eps: Adafactor's ε₁ when torch's `eps[0]` is None. */
const MACHINE_EPS: Readonly<Record<DType, number>> = { float64: 2 ** -52, float32: 2 ** -23 };

export const torchAdafactorMeta: OptimizerMeta = {
  id: "torch-adafactor",
  name: "torch.optim.Adafactor",
  family: "torch",
  couplesCoordinates: true,
  formula: [
    "g ← ±g;   t ← t + 1;   w = t^β̂   (β̂ = beta2Decay, the weight of the new statistic)",
    "ρ = min(η, 1/√t);   α = max(ε₂, rms(θ))·ρ",
    "θ ← θ·(1 − η·λ)",
    "matrix:  R ← R + w·(rowmean(g²) − R);   C ← C + w·(colmean(g²) − C);   V = R·Cᵀ / max(mean(R), ε₁)",
    "vector:  V ← V + w·(g² − V)",
    "U = g / √max(V, ε₁²)",
    "θ ← θ − α / max(1, rms(U)/d) · U",
  ],
  latex: [
    "g \\leftarrow \\pm g,\\ t \\leftarrow t+1,\\ w = t^{\\hat\\beta}",
    "\\rho = \\min(\\eta, 1/\\sqrt t),\\quad \\alpha = \\max(\\epsilon_2, \\operatorname{rms}(\\theta))\\,\\rho",
    "\\theta \\leftarrow \\theta(1 - \\eta\\lambda)",
    "R \\leftarrow R + w(\\overline{g^2}_{\\text{row}} - R),\\ C \\leftarrow C + w(\\overline{g^2}_{\\text{col}} - C),\\ V = RC^\\top/\\max(\\bar R, \\epsilon_1)",
    "V \\leftarrow V + w(g^2 - V)\\ \\text{(vector)}",
    "U = g/\\sqrt{\\max(V, \\epsilon_1^2)}",
    "\\theta \\leftarrow \\theta - \\frac{\\alpha}{\\max(1, \\operatorname{rms}(U)/d)}\\, U",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it): caps the relative step and scales the decay",
    t: "step counter",
    eps1: "ε₁ in effect (the dtype's machine epsilon unless given)",
    rows: "rows of the parameter matrix (0 for a vector)",
    cols: "columns of the parameter matrix (0 for a vector)",
    r: "R, the EMA of the row means of g² (matrices; empty for vectors)",
    c: "C, the EMA of the column means of g² (matrices; empty for vectors)",
    v: "V, the EMA of g² (vectors; empty for matrices)",
  },
  hyperparameters: [
    num("lr", "η", 1e-2, lrRange, "caps the relative step ρ = min(η, 1/√t) and scales the weight decay"),
    num(
      "beta2Decay",
      "β̂",
      -0.8,
      { max: 0, scale: "linear", uiMin: -1, uiMax: 0 },
      "exponent of the statistics' weight w = t^β̂ (1 at t = 1)",
    ),
    num(
      "eps1",
      "ε₁",
      MACHINE_EPS.float64,
      { min: 0, scale: "log", uiMin: 1e-30, uiMax: 1e-3 },
      "floor of mean(R) and (squared) of V; default: the machine epsilon of the parameters' dtype (torch's None; 2⁻²³ in float32)",
    ),
    num(
      "eps2",
      "ε₂",
      1e-3,
      { min: 0, scale: "log", uiMin: 1e-8, uiMax: 1 },
      "floor of rms(θ) in the relative step",
    ),
    num(
      "d",
      "d",
      1,
      { min: 0, minOpen: true, scale: "linear", uiMin: 0.1, uiMax: 5 },
      "clipping threshold of rms(U)",
    ),
    num("weightDecay", "λ", 0, decayRange, "decoupled weight decay θ ← θ(1 − ηλ)"),
    flag("maximize", "maximize", false, "ascend instead of descend (g ← −g)"),
  ],
  variantNote:
    "torch 2.13: the learning rate is not a step size but the cap of the relative step (the paper's constant 0.01), so " +
    "the step is max(ε₂, rms θ)·min(η, 1/√t); ε₁ clamps mean(R) and V instead of being added to g² (paper, optax); " +
    "every matrix is factored (optax only when a dimension is ≥ 128), vectors keep a full V; no momentum. A flat " +
    "parameter without shape is a vector. optax's adafactor (id `adafactor` where available) differs in all of these.",
  reference:
    "Shazeer & Stern 2018, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost (arXiv:1804.04235); " +
    "torch/optim/_adafactor.py (torch 2.13, single-tensor path).",
};

export interface TorchAdafactorOptions {
  lr?: number;
  beta2Decay?: number;
  eps1?: number;
  eps2?: number;
  d?: number;
  weightDecay?: number;
  maximize?: boolean;
}
export interface TorchAdafactorState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  eps1: number;
  rows: number;
  cols: number;
  r: FloatArray;
  c: FloatArray;
  v: FloatArray;
}

/** torch lerp: self + w·(end − self) for |w| < 0.5, else end − (end − self)·(1 − w). */
/** torch.lerp's two branches (exact at w = 0 and at w = 1). */
export function lerp(self: number, end: number, w: number): number {
  return w < 0.5 ? self + w * (end - self) : end - (end - self) * (1 - w);
}

export function torchAdafactor(options: TorchAdafactorOptions = {}): Optimizer<TorchAdafactorState> {
  const eps1Given = options.eps1 !== undefined;
  const hp = resolveHyperparameters(torchAdafactorMeta, { ...options });
  const beta2Decay = hp.beta2Decay as number;
  const eps2 = hp.eps2 as number;
  const d = hp.d as number;
  const weightDecay = hp.weightDecay as number;
  const sign = hp.maximize === true ? -1 : 1;
  // The unscaled update U, grown on first use (steps run one at a time).
  let update = new Float64Array(0);
  return {
    id: torchAdafactorMeta.id,
    hp,
    meta: torchAdafactorMeta,
    init(n: number, dtype: DType = "float64", shape?: readonly number[]) {
      const matrix = shape !== undefined && shape.length === 2;
      if (shape !== undefined && (shape.length > 2 || shape.reduce((a, b) => a * b, 1) !== n)) {
        throw new InputRangeError(
          `torch-adafactor: shape must be [n] or [rows, cols] with ${n} numbers in all, got ${show(shape)}`,
        );
      }
      const rows = matrix ? shape[0] : 0;
      const cols = matrix ? shape[1] : 0;
      return {
        lr: hp.lr as number,
        t: 0,
        eps1: eps1Given ? (hp.eps1 as number) : MACHINE_EPS[dtype],
        rows,
        cols,
        r: zeros(rows, dtype),
        c: zeros(cols, dtype),
        v: zeros(matrix ? 0 : n, dtype),
      };
    },
    step(params: FloatArray, grads: FloatArray, state: TorchAdafactorState) {
      const n = params.length;
      if (update.length < n) update = new Float64Array(n);
      const t = ++state.t;
      const { lr, eps1, rows, cols, r, c, v } = state;
      const w = t ** beta2Decay;
      const rho = Math.min(lr, 1 / t ** 0.5);
      let thetaSquares = 0;
      for (let i = 0; i < n; i++) thetaSquares += params[i] * params[i];
      const alpha = Math.max(eps2, Math.sqrt(thetaSquares) / n ** 0.5) * rho;
      if (weightDecay !== 0) {
        const shrink = 1 - lr * weightDecay;
        for (let i = 0; i < n; i++) params[i] *= shrink;
      }
      const floor = eps1 * eps1;
      if (rows > 0) {
        // Row means of g² as torch computes them: ‖row‖₂, squared, divided by the row length.
        for (let i = 0; i < rows; i++) {
          let s = 0;
          for (let j = 0; j < cols; j++) {
            const g = sign * grads[i * cols + j];
            s += g * g;
          }
          const norm = Math.sqrt(s);
          r[i] = lerp(r[i], (norm * norm) / cols, w);
        }
        for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let i = 0; i < rows; i++) {
            const g = sign * grads[i * cols + j];
            s += g * g;
          }
          const norm = Math.sqrt(s);
          c[j] = lerp(c[j], (norm * norm) / rows, w);
        }
        let rSum = 0;
        for (let i = 0; i < rows; i++) rSum += r[i];
        const rMean = Math.max(rSum / rows, eps1);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const k = i * cols + j;
            // torch: V.clamp_(min=ε₁²).rsqrt_().mul_(g)
            update[k] = (1 / Math.sqrt(Math.max((r[i] * c[j]) / rMean, floor))) * (sign * grads[k]);
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const g = sign * grads[i];
          v[i] = lerp(v[i], g * g, w);
          update[i] = (1 / Math.sqrt(Math.max(v[i], floor))) * g;
        }
      }
      let updateSquares = 0;
      for (let i = 0; i < n; i++) updateSquares += update[i] * update[i];
      const denominator = Math.max(1, Math.sqrt(updateSquares) / (n ** 0.5 * d));
      const negativeStep = -alpha / denominator;
      for (let i = 0; i < n; i++) params[i] += negativeStep * update[i];
    },
  };
}
