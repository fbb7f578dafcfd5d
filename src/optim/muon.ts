import { InputRangeError, show } from "../util/errors.js";
import { decayRange, flag, lrRange, num, resolveHyperparameters } from "./hyper.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

export const muonMeta: OptimizerMeta = {
  id: "muon",
  name: "torch.optim.Muon",
  family: "torch",
  couplesCoordinates: true,
  formula: [
    "B ← B + (1 − μ)·(G − B)",
    "U = nesterov ? G + μ·(B − G) : B",
    "X = U (Uᵀ if rows > cols);   X ← X / max(‖X‖_F, ε)",
    "repeat k times:  A = X·Xᵀ;   X ← a·X + (b·A + c·A·A)·X",
    "O = X (Xᵀ if transposed)",
    "θ ← θ·(1 − η·λ)",
    "θ ← θ − η·s·O,   s = √max(1, rows/cols)  or  0.2·√max(rows, cols)  (matchRmsAdamw)",
  ],
  latex: [
    "B \\leftarrow B + (1-\\mu)(G - B)",
    "U = G + \\mu(B - G)\\ \\text{(nesterov) or } B",
    "X = U\\ (U^\\top \\text{ if rows} > \\text{cols}),\\quad X \\leftarrow X / \\max(\\lVert X\\rVert_F, \\epsilon)",
    "k\\times:\\ A = XX^\\top,\\quad X \\leftarrow aX + (bA + cA^2)X",
    "O = X\\ (X^\\top \\text{ if transposed})",
    "\\theta \\leftarrow \\theta(1 - \\eta\\lambda)",
    "\\theta \\leftarrow \\theta - \\eta\\, s\\, O,\\quad s = \\sqrt{\\max(1, r/c)}\\ \\text{or}\\ 0.2\\sqrt{\\max(r, c)}",
  ],
  state: {
    lr: "learning rate of the next step (a schedule may change it)",
    t: "step counter",
    rows: "rows of the parameter matrix (1 for a flat parameter given without shape)",
    cols: "columns of the parameter matrix",
    b: "B, the momentum buffer (an EMA of G, no learning rate inside), starts at 0",
  },
  hyperparameters: [
    num("lr", "η", 1e-3, lrRange, "learning rate (the spectral size of a step, before the shape factor s)"),
    num("weightDecay", "λ", 0.1, decayRange, "decoupled weight decay θ ← θ(1 − ηλ), with the unadjusted η"),
    num(
      "momentum",
      "μ",
      0.95,
      { min: 0, max: 1, maxOpen: true, scale: "linear", uiMin: 0, uiMax: 0.99 },
      "EMA factor of the momentum buffer B",
    ),
    flag("nesterov", "nesterov", true, "orthogonalise (1 − μ)G + μB instead of B"),
    num(
      "nsA",
      "a",
      3.4445,
      { scale: "linear", uiMin: -5, uiMax: 5 },
      "Newton–Schulz coefficient a (ns_coefficients[0])",
    ),
    num(
      "nsB",
      "b",
      -4.775,
      { scale: "linear", uiMin: -5, uiMax: 5 },
      "Newton–Schulz coefficient b (ns_coefficients[1])",
    ),
    num(
      "nsC",
      "c",
      2.0315,
      { scale: "linear", uiMin: -5, uiMax: 5 },
      "Newton–Schulz coefficient c (ns_coefficients[2])",
    ),
    num(
      "eps",
      "ε",
      1e-7,
      { min: 0, minOpen: true, scale: "log", uiMin: 1e-12, uiMax: 1 },
      "floor of ‖U‖_F in the normalisation",
    ),
    num(
      "nsSteps",
      "k",
      5,
      { min: 0, max: 100, maxOpen: true, integer: true, scale: "linear", uiMin: 0, uiMax: 10 },
      "Newton–Schulz iterations (torch refuses 100 or more)",
    ),
    flag(
      "matchRmsAdamw",
      "adjust_lr_fn",
      false,
      "scale by 0.2·√max(rows, cols) to match AdamW's update RMS (Moonshot) instead of √max(1, rows/cols) ('original')",
    ),
  ],
  variantNote:
    "torch 2.13's Muon with its Newton–Schulz iteration in float64: torch casts to bfloat16 first, which changes the " +
    "first update by 2e-2 (relative), so torch itself is reproduced only with that cast removed (golden patch " +
    "torch-muon-ns-float64). The buffer is an EMA (lerp), as the code has it — the docstring's B ← μB + G differs by " +
    "the factor 1/(1 − μ) that the normalisation removes. The quintic (3.4445, −4.775, 2.0315) deliberately does not " +
    "converge to the orthogonal factor. Decay uses the unadjusted η. optax's contrib.muon differs: bias-corrected " +
    "momentum, X/(‖X‖ + ε), the factor √max(1, cols/rows), decay added to the update. Only 2-D parameters: a flat " +
    "parameter without shape is treated as one row (1×n), as the playground does on 2-D landscapes.",
  reference:
    "Jordan et al. 2024, Muon: An optimizer for hidden layers (kellerjordan.github.io/posts/muon); Liu et al. 2025, " +
    "Muon is Scalable for LLM Training (arXiv:2502.16982, match_rms_adamw); torch/optim/_muon.py (torch 2.13).",
};

export interface MuonOptions {
  lr?: number;
  weightDecay?: number;
  momentum?: number;
  nesterov?: boolean;
  nsA?: number;
  nsB?: number;
  nsC?: number;
  eps?: number;
  nsSteps?: number;
  matchRmsAdamw?: boolean;
}
export interface MuonState {
  [field: string]: number | FloatArray;
  lr: number;
  t: number;
  rows: number;
  cols: number;
  b: FloatArray;
}

/** Why a parameter is not Muon's, and what to do instead (one line). */
function notAMatrix(n: number, shape: readonly number[]): InputRangeError {
  return new InputRangeError(
    `muon: updates 2-D weight matrices only, got shape ${show(shape)} (${n} numbers); give biases, gains, embeddings ` +
      `and the output layer to adamw (a parameter group), or pass shape [1, ${n}] to treat it as a 1×${n} matrix`,
  );
}

/**
 * Newton–Schulz orthogonalisation in float64, as torch's `_zeropower_via_newtonschulz` with the bfloat16 cast
 * removed. `u` is rows×cols row-major; the result goes to `out` (same layout). Scratch: `x`, `y` (n each),
 * `a`, `m` (k² each, k = min(rows, cols)).
 */
export function newtonSchulz(
  u: ArrayLike<number>,
  rows: number,
  cols: number,
  coefficients: readonly [number, number, number],
  steps: number,
  eps: number,
  out: FloatArray,
  scratch: { x: Float64Array; y: Float64Array; a: Float64Array; m: Float64Array },
): void {
  const transposed = rows > cols;
  // X is k×w with k ≤ w (the wide orientation).
  const k = transposed ? cols : rows;
  const w = transposed ? rows : cols;
  const n = k * w;
  const { a: gram, m: update } = scratch;
  let x = scratch.x;
  let y = scratch.y;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < w; j++) x[i * w + j] = transposed ? u[j * cols + i] : u[i * cols + j];
  }
  let sumSquares = 0;
  for (let i = 0; i < n; i++) sumSquares += x[i] * x[i];
  const scale = Math.max(Math.sqrt(sumSquares), eps);
  for (let i = 0; i < n; i++) x[i] /= scale;
  const [ca, cb, cc] = coefficients;
  for (let step = 0; step < steps; step++) {
    // A = X·Xᵀ (k×k)
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let l = 0; l < w; l++) s += x[i * w + l] * x[j * w + l];
        gram[i * k + j] = s;
      }
    }
    // B = b·A + c·(A·A)   (torch.addmm(A, A, A, beta=b, alpha=c))
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += gram[i * k + l] * gram[l * k + j];
        update[i * k + j] = cb * gram[i * k + j] + cc * s;
      }
    }
    // X ← a·X + B·X   (torch.addmm(X, B, X, beta=a))
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < w; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += update[i * k + l] * x[l * w + j];
        y[i * w + j] = ca * x[i * w + j] + s;
      }
    }
    const swap = x;
    x = y;
    y = swap;
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < w; j++) {
      if (transposed) out[j * cols + i] = x[i * w + j];
      else out[i * cols + j] = x[i * w + j];
    }
  }
}

export function muon(options: MuonOptions = {}): Optimizer<MuonState> {
  const hp = resolveHyperparameters(muonMeta, { ...options });
  const mu = hp.momentum as number;
  const nesterov = hp.nesterov as boolean;
  const weightDecay = hp.weightDecay as number;
  const coefficients: [number, number, number] = [hp.nsA as number, hp.nsB as number, hp.nsC as number];
  const nsSteps = hp.nsSteps as number;
  const eps = hp.eps as number;
  const matchRms = hp.matchRmsAdamw as boolean;
  // Scratch of the Newton–Schulz iteration, grown on first use and shared by every state of this instance
  // (steps run one at a time).
  const scratch = {
    u: new Float64Array(0),
    o: new Float64Array(0),
    x: new Float64Array(0),
    y: new Float64Array(0),
    a: new Float64Array(0),
    m: new Float64Array(0),
  };
  const ensure = (n: number, k: number) => {
    if (scratch.u.length < n) {
      scratch.u = new Float64Array(n);
      scratch.o = new Float64Array(n);
      scratch.x = new Float64Array(n);
      scratch.y = new Float64Array(n);
    }
    if (scratch.a.length < k * k) {
      scratch.a = new Float64Array(k * k);
      scratch.m = new Float64Array(k * k);
    }
  };
  return {
    id: muonMeta.id,
    hp,
    meta: muonMeta,
    init(n: number, dtype?: DType, shape?: readonly number[]) {
      const [rows, cols] = shape === undefined ? [1, n] : shape;
      if (shape !== undefined && shape.length !== 2) throw notAMatrix(n, shape);
      if (
        !(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 1 && cols >= 1 && rows * cols === n)
      ) {
        throw new InputRangeError(
          `muon: shape ${show(shape)} does not hold ${n} numbers (rows × cols must be ${n})`,
        );
      }
      return { lr: hp.lr as number, t: 0, rows, cols, b: zeros(n, dtype) };
    },
    step(params: FloatArray, grads: FloatArray, state: MuonState) {
      state.t++;
      const { lr, rows, cols, b } = state;
      const n = rows * cols;
      ensure(n, Math.min(rows, cols));
      const { u, o } = scratch;
      const weight = 1 - mu;
      for (let i = 0; i < n; i++) {
        const g = grads[i];
        // torch lerp: self + w·(end − self) for |w| < 0.5, else end − (end − self)·(1 − w).
        b[i] = weight < 0.5 ? b[i] + weight * (g - b[i]) : g - (g - b[i]) * (1 - weight);
        u[i] = nesterov ? (mu < 0.5 ? g + mu * (b[i] - g) : b[i] - (b[i] - g) * (1 - mu)) : b[i];
      }
      newtonSchulz(u, rows, cols, coefficients, nsSteps, eps, o, scratch);
      const ratio = matchRms ? 0.2 * Math.sqrt(Math.max(rows, cols)) : Math.sqrt(Math.max(1, rows / cols));
      const adjusted = lr * ratio;
      const shrink = 1 - lr * weightDecay;
      for (let i = 0; i < n; i++) params[i] = params[i] * shrink + -adjusted * o[i];
    },
  };
}
