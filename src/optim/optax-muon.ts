import { show } from "../util/errors.js";
import {
  decayRange,
  epsRange,
  flag,
  lrRange,
  num,
  refuse,
  resolveHyperparameters,
  unitOpenRange,
} from "./hyper.js";
import { type MatrixProducts, matrixShape, PLAIN_PRODUCTS, symmetricEigen } from "./linalg.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

/** optax `contrib.muon`'s Newton–Schulz coefficient presets (`"dion"` runs one row per iteration). */
export const MUON_NS_PRESETS: Readonly<Record<string, readonly (readonly number[])[]>> = {
  standard: [[3.4445, -4.775, 2.0315]],
  dion: [
    [4.0848, -6.8946, 2.927],
    [3.9505, -6.3029, 2.6377],
    [3.7418, -5.5913, 2.3037],
    [2.8769, -3.1427, 1.2046],
    [2.8366, -3.0525, 1.2012],
  ],
};

export const optaxMuonMeta: OptimizerMeta = {
  id: "optax-muon",
  name: "optax.contrib.muon",
  family: "optax",
  formula: [
    "matrix θ (r×c):",
    "t ← t + 1;   m ← (1 − β)·g + β·m",
    "m̂ = nesterov ? β·m/(1 − β^{t+1}) + (1 − β)·g/(1 − βᵗ) : m/(1 − βᵗ)",
    "X = m̂ (transposed if r > c);   X ← X / (‖X‖_F + ε)   (spectral: ‖X‖₂; aol/schatten: rescale in the 1st iteration)",
    "repeat: A = X·Xᵀ;   X ← a·X + (b·A + c·A·A)·X      (ns steps of (a, b, c), or one per row of the dion table)",
    "O = X (transposed back);   adaptive: O ← ⟨m̂, O⟩·O",
    "O ← O·√max(1, c/r)   (or O·√max(r, c)·ρ with consistent RMS ρ)",
    "θ ← θ − η·(O + λ·θ)",
    "vector θ: AdamW with Nesterov momentum (β₁ᴬ, β₂ᴬ, Muon's ε, ε_rootᴬ, λᴬ, ηᴬ)",
  ],
  latex: [
    "m \\leftarrow (1-\\beta) g + \\beta m",
    "\\hat m = \\beta\\frac{m}{1-\\beta^{t+1}} + (1-\\beta)\\frac{g}{1-\\beta^t}",
    "X = \\hat m / (\\lVert\\hat m\\rVert_F + \\epsilon)",
    "A = X X^\\top,\\quad X \\leftarrow aX + (bA + cA^2)X",
    "O = X\\sqrt{\\max(1, c/r)}",
    "\\theta \\leftarrow \\theta - \\eta\\,(O + \\lambda\\theta)",
  ],
  state: {
    t: "step counter",
    lr: "learning rate of the next step: η for a matrix, ηᴬ for a vector (a schedule overwrites it)",
    rows: "matrix rows (0 for a vector: the AdamW branch)",
    cols: "matrix columns",
    m: "momentum (first moment)",
    v: "AdamW branch: second moment (empty for a matrix)",
    X: "scratch: the Newton–Schulz iterate",
    A: "scratch: X·Xᵀ",
    B: "scratch: b·A + c·A·A",
    C: "scratch: c·A, and the eigenvectors for the spectral norm",
    Y: "scratch: B·X",
  },
  hyperparameters: [
    num("lr", "η", 0.02, lrRange, "learning rate of the matrix branch"),
    num("nsA", "a", 3.4445, { scale: "linear", uiMin: 0, uiMax: 5 }, "Newton–Schulz coefficient of X"),
    num("nsB", "b", -4.775, { scale: "linear", uiMin: -7, uiMax: 0 }, "Newton–Schulz coefficient of A·X"),
    num("nsC", "c", 2.0315, { scale: "linear", uiMin: 0, uiMax: 3 }, "Newton–Schulz coefficient of A·A·X"),
    flag(
      "dion",
      "dion",
      false,
      'use optax\'s "dion" table (5 rows, one iteration each) instead of (a, b, c)',
    ),
    num(
      "nsSteps",
      "ns",
      5,
      { min: 1, max: 100, maxOpen: true, integer: true, scale: "linear", uiMin: 1, uiMax: 10 },
      "Newton–Schulz iterations",
    ),
    num("beta", "β", 0.95, unitOpenRange, "decay of the momentum m"),
    num("eps", "ε", 1e-8, epsRange, "added to the norm (and the AdamW branch's ε)"),
    num("weightDecay", "λ", 0, decayRange, "decay added to the orthogonalised update, multiplied by η"),
    flag("nesterov", "nesterov", true, "Nesterov form of m̂ (both branches)"),
    flag("adaptive", "adaptive", false, "scale O by the dual norm ⟨m̂, O⟩"),
    flag("spectral", "spectral", false, "precondition with the spectral norm ‖X‖₂ instead of ‖X‖_F"),
    flag("aol", "aol", false, "AOL preconditioning: rescale rows by 1/√(Σ|A|) in the first iteration"),
    flag(
      "schatten",
      "schatten",
      false,
      "Schatten preconditioning: rescale by 1/√‖A‖_F in the first iteration",
    ),
    num(
      "consistentRms",
      "ρ",
      0,
      { min: 0, scale: "linear", uiMin: 0, uiMax: 1 },
      "0: width scaling √max(1, c/r); ρ > 0: O·√max(r, c)·ρ",
    ),
    num("adamBeta1", "β₁ᴬ", 0.9, unitOpenRange, "AdamW branch: decay of m"),
    num("adamBeta2", "β₂ᴬ", 0.999, unitOpenRange, "AdamW branch: decay of v"),
    num("adamEpsRoot", "ε_rootᴬ", 0, epsRange, "AdamW branch: added under the root"),
    num("adamWeightDecay", "λᴬ", 0, decayRange, "AdamW branch: decoupled decay"),
    num("adamLr", "ηᴬ", 0, lrRange, "AdamW branch learning rate; 0 means η (optax's None)"),
  ],
  variantNote:
    "optax 0.2.8 differs from torch.optim.Muon (`muon`): the momentum is bias-corrected before the Nesterov mix; " +
    "X/(‖X‖ + ε) instead of X/max(‖X‖, ε); the shape factor is √max(1, cols/rows) (jax weights are (in, out)) where " +
    "torch uses √max(1, rows/cols); weight decay is +λθ inside the lr-scaled update (default 0) instead of torch's " +
    "θ(1 − ηλ) (default 0.1); Newton–Schulz runs in the parameter's precision (torch: bfloat16); vectors go to an " +
    "AdamW with Nesterov momentum and Muon's ε instead of an error. A coefficient table (dion, or nsTable: " +
    "optax's list of triples) runs one iteration per row and needs nsSteps ≥ its rows.",
  reference:
    "Jordan et al. 2024, Muon: An optimizer for hidden layers (kellerjordan.github.io/posts/muon); Bernstein & " +
    "Newhouse 2024, Old Optimizer, New Norm (arXiv:2409.20325); optax/contrib/_muon.py `muon`.",
  couplesCoordinates: true,
};

export interface OptaxMuonOptions {
  lr?: number;
  nsA?: number;
  nsB?: number;
  nsC?: number;
  dion?: boolean;
  nsSteps?: number;
  beta?: number;
  eps?: number;
  weightDecay?: number;
  nesterov?: boolean;
  adaptive?: boolean;
  spectral?: boolean;
  aol?: boolean;
  schatten?: boolean;
  consistentRms?: number;
  adamBeta1?: number;
  adamBeta2?: number;
  adamEpsRoot?: number;
  adamWeightDecay?: number;
  adamLr?: number;
  /** A coefficient table (optax's list of triples): one Newton–Schulz iteration per row, nsSteps ≥ rows. */
  nsTable?: readonly (readonly number[])[];
}
export interface OptaxMuonState {
  [field: string]: number | FloatArray;
  t: number;
  lr: number;
  rows: number;
  cols: number;
  m: FloatArray;
  v: FloatArray;
  X: FloatArray;
  A: FloatArray;
  B: FloatArray;
  C: FloatArray;
  Y: FloatArray;
}

/** optax Muon with its step on other products (the kernels' GEMMs): the same arithmetic everywhere else. */
export interface OptaxMuonOptimizer extends Optimizer<OptaxMuonState> {
  matrixStepWith(
    products: MatrixProducts,
  ): (params: FloatArray, grads: FloatArray, state: OptaxMuonState) => void;
}

export function optaxMuon(options: OptaxMuonOptions = {}): OptaxMuonOptimizer {
  const meta = optaxMuonMeta;
  const { nsTable, ...numbers } = options;
  const hp = resolveHyperparameters(meta, numbers);
  if (nsTable !== undefined) {
    const valid =
      Array.isArray(nsTable) &&
      nsTable.length > 0 &&
      nsTable.every((row) => Array.isArray(row) && row.length === 3 && row.every((x) => Number.isFinite(x)));
    if (!valid)
      refuse(
        meta,
        `nsTable must be a non-empty list of [a, b, c] triples of finite numbers, got ${show(nsTable)}`,
      );
    if (hp.dion === true) refuse(meta, "give either dion or nsTable, not both");
    // Kept beside the numbers so that saved settings and labels carry it.
    (hp as Record<string, unknown>).nsTable = nsTable.map((row) => [...row]);
  }
  const preconditioners = (["spectral", "aol", "schatten"] as const).filter((name) => hp[name] === true);
  if (preconditioners.length > 1) {
    refuse(
      meta,
      `choose one preconditioning (spectral, aol or schatten), got ${preconditioners.join(" and ")}`,
    );
  }
  const isTable = hp.dion === true || nsTable !== undefined;
  const table: readonly (readonly number[])[] =
    nsTable ?? (hp.dion ? MUON_NS_PRESETS.dion : [[hp.nsA as number, hp.nsB as number, hp.nsC as number]]);
  const nsSteps = hp.nsSteps as number;
  if (isTable && nsSteps < table.length) {
    const which = hp.dion ? "the dion table" : "nsTable";
    refuse(meta, `${which} has ${table.length} rows, so nsSteps must be >= ${table.length}, got ${nsSteps}`);
  }
  // optax runs a table once per row (ns_steps only bounds it) and a single triple ns_steps times.
  const iterations = isTable ? table.length : nsSteps;
  const beta = hp.beta as number;
  const eps = hp.eps as number;
  const weightDecay = hp.weightDecay as number;
  const nesterov = hp.nesterov as boolean;
  const adaptive = hp.adaptive as boolean;
  const preconditioning: "frobenius" | "spectral" | "aol" | "schatten" = preconditioners[0] ?? "frobenius";
  const consistentRms = hp.consistentRms as number;

  function matrixStep(
    params: FloatArray,
    grads: FloatArray,
    state: OptaxMuonState,
    products: MatrixProducts = PLAIN_PRODUCTS,
  ): void {
    const { rows, cols, m, X, A, B, C, Y } = state;
    const t = ++state.t;
    const bcT = 1 - beta ** t;
    const bcNext = 1 - beta ** (t + 1);
    const transposed = rows > cols;
    const r = transposed ? cols : rows;
    const c = transposed ? rows : cols;
    // m̂ goes straight into X (transposed when the matrix is tall), m̂ itself into Y for the adaptive scale.
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const k = i * cols + j;
        const g = grads[k];
        m[k] = (1 - beta) * g + beta * m[k];
        const mHat = nesterov ? beta * (m[k] / bcNext) + (1 - beta) * (g / bcT) : m[k] / bcT;
        X[transposed ? j * rows + i : k] = mHat;
      }
    }
    if (preconditioning === "frobenius" || preconditioning === "spectral") {
      let scale: number;
      if (preconditioning === "frobenius") {
        let squares = 0;
        for (let k = 0; k < X.length; k++) squares += X[k] * X[k];
        scale = Math.sqrt(squares);
      } else {
        products.gram(X, r, c, A);
        symmetricEigen(A, r, C);
        let largest = 0;
        for (let i = 0; i < r; i++) largest = Math.max(largest, A[i * r + i]);
        scale = Math.sqrt(largest);
      }
      const denominator = scale + eps;
      for (let k = 0; k < X.length; k++) X[k] = X[k] / denominator;
    }
    for (let it = 0; it < iterations; it++) {
      const row = table[isTable ? it : 0];
      const a = row[0];
      const b = row[1];
      const cc = row[2];
      products.gram(X, r, c, A);
      if (it === 0 && preconditioning === "aol") {
        // s_i = 1/√max(Σ_j |A_ij|, ε);  X ← diag(s)·X;  A ← diag(s)·A·diag(s).  Y holds s (r ≤ n entries).
        for (let i = 0; i < r; i++) {
          let sum = 0;
          for (let j = 0; j < r; j++) sum += Math.abs(A[i * r + j]);
          Y[i] = 1 / Math.sqrt(Math.max(sum, eps));
        }
        for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) X[i * c + j] = Y[i] * X[i * c + j];
        for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) A[i * r + j] = Y[i] * A[i * r + j] * Y[j];
      } else if (it === 0 && preconditioning === "schatten") {
        let squares = 0;
        for (let k = 0; k < r * r; k++) squares += A[k] * A[k];
        const s = 1 / Math.sqrt(Math.max(Math.sqrt(squares), eps));
        for (let k = 0; k < X.length; k++) X[k] = s * X[k];
        for (let k = 0; k < r * r; k++) A[k] = s * s * A[k];
      }
      for (let k = 0; k < r * r; k++) C[k] = cc * A[k];
      products.matMul(C, A, r, r, r, B);
      for (let k = 0; k < r * r; k++) B[k] = b * A[k] + B[k];
      products.matMul(B, X, r, r, c, Y);
      for (let k = 0; k < X.length; k++) X[k] = a * X[k] + Y[k];
    }
    // O back in the parameter's orientation, into Y.
    if (transposed) {
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) Y[i * cols + j] = X[j * rows + i];
    } else {
      Y.set(X);
    }
    let dual = 1;
    if (adaptive) {
      // ⟨m̂, O⟩ with m̂ recomputed from m and g exactly as above.
      dual = 0;
      for (let k = 0; k < Y.length; k++) {
        const mHat = nesterov ? beta * (m[k] / bcNext) + (1 - beta) * (grads[k] / bcT) : m[k] / bcT;
        dual += mHat * Y[k];
      }
    }
    const shapeFactor =
      consistentRms > 0
        ? Math.sqrt(Math.max(rows, cols)) * consistentRms
        : Math.sqrt(Math.max(1, cols / rows));
    const negativeLr = -state.lr;
    for (let k = 0; k < params.length; k++) {
      const o = adaptive ? dual * Y[k] : Y[k];
      params[k] += negativeLr * (shapeFactor * o + weightDecay * params[k]);
    }
  }

  const adamBeta1 = hp.adamBeta1 as number;
  const adamBeta2 = hp.adamBeta2 as number;
  const adamEpsRoot = hp.adamEpsRoot as number;
  const adamWeightDecay = hp.adamWeightDecay as number;
  function vectorStep(params: FloatArray, grads: FloatArray, state: OptaxMuonState): void {
    const { m, v } = state;
    const t = ++state.t;
    const bc1 = 1 - adamBeta1 ** t;
    const bc1Next = 1 - adamBeta1 ** (t + 1);
    const bc2 = 1 - adamBeta2 ** t;
    const negativeLr = -state.lr;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      m[i] = (1 - adamBeta1) * g + adamBeta1 * m[i];
      v[i] = (1 - adamBeta2) * (g * g) + adamBeta2 * v[i];
      const mHat = nesterov ? adamBeta1 * (m[i] / bc1Next) + (1 - adamBeta1) * (g / bc1) : m[i] / bc1;
      const u = mHat / (Math.sqrt(v[i] / bc2 + adamEpsRoot) + eps) + adamWeightDecay * params[i];
      params[i] += negativeLr * u;
    }
  }

  return {
    id: meta.id,
    hp,
    meta,
    init(n: number, dtype?: DType, shape?: readonly number[]) {
      const matrix = matrixShape(meta.id, n, shape);
      const [rows, cols] = matrix ?? [0, 0];
      const r = Math.min(rows, cols);
      const adamLr = hp.adamLr as number;
      return {
        t: 0,
        lr: matrix ? (hp.lr as number) : adamLr > 0 ? adamLr : (hp.lr as number),
        rows,
        cols,
        m: zeros(n, dtype),
        v: zeros(matrix ? 0 : n, dtype),
        X: zeros(matrix ? n : 0, dtype),
        A: zeros(r * r, dtype),
        B: zeros(r * r, dtype),
        C: zeros(r * r, dtype),
        Y: zeros(matrix ? n : 0, dtype),
      };
    },
    step(params: FloatArray, grads: FloatArray, state: OptaxMuonState) {
      if (state.rows === 0) vectorStep(params, grads, state);
      else matrixStep(params, grads, state);
    },
    matrixStepWith(products: MatrixProducts) {
      return (params: FloatArray, grads: FloatArray, state: OptaxMuonState) => {
        if (state.rows === 0) vectorStep(params, grads, state);
        else matrixStep(params, grads, state, products);
      };
    },
  };
}
