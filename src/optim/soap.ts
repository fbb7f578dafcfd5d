import { decayRange, epsRange, flag, lrRange, num, resolveHyperparameters, unitOpenRange } from "./hyper.js";
import { matrixShape, symmetricEigen } from "./linalg.js";
import {
  type DType,
  type FloatArray,
  type Hyperparameters,
  type Optimizer,
  type OptimizerMeta,
  zeros,
} from "./types.js";

export const soapMeta: OptimizerMeta = {
  id: "soap",
  name: "SOAP (nikhilvyas/SOAP)",
  family: "paper",
  formula: [
    "first call:  L = (1 − β_s)·G·Gᵀ;   R = (1 − β_s)·Gᵀ·G;   Q_L, Q_R = eigenvectors (largest first);   θ unchanged",
    "then, t ← t + 1:",
    "G' = Q_Lᵀ·G·Q_R;   m ← β₁·m + (1 − β₁)·G';   v ← β₂·v + (1 − β₂)·G'²",
    "N = Q_L·(m / (√v + ε))·Q_Rᵀ;   θ ← θ − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·N;   θ ← θ − η·λ·θ",
    "L ← L + (1 − β_s)·(G·Gᵀ − L);   R ← R + (1 − β_s)·(Gᵀ·G − R)",
    "every f steps:  sort Q's columns by diag(Qᵀ·L·Q) (v along), Q ← qr(L·Q);   m re-expressed in the new basis",
  ],
  latex: [
    "L = (1-\\beta_s) G G^\\top,\\ R = (1-\\beta_s) G^\\top G,\\ Q_L, Q_R = \\operatorname{eig}(L), \\operatorname{eig}(R)",
    "G' = Q_L^\\top G Q_R,\\ m \\leftarrow \\beta_1 m + (1-\\beta_1) G',\\ v \\leftarrow \\beta_2 v + (1-\\beta_2) G'^2",
    "\\theta \\leftarrow \\theta - \\eta\\frac{\\sqrt{1-\\beta_2^t}}{1-\\beta_1^t}\\, Q_L \\frac{m}{\\sqrt v + \\epsilon} Q_R^\\top,\\quad \\theta \\leftarrow \\theta - \\eta\\lambda\\theta",
    "L \\leftarrow L + (1-\\beta_s)(G G^\\top - L),\\ R \\leftarrow R + (1-\\beta_s)(G^\\top G - R)",
    "t \\bmod f = 0:\\ Q \\leftarrow \\operatorname{qr}(L\\,Q_{\\text{sorted}})",
  ],
  state: {
    started: "1 once the first call has built the preconditioners",
    t: "update steps taken (the first call is not one)",
    lr: "learning rate η of the next step (a schedule overwrites it)",
    rows: "matrix rows (for a vector: n when precondition1d, else 0)",
    cols: "matrix columns (1 for a preconditioned vector, 0 for a plain one)",
    sideL: "1 when the rows are rotated (dimension ≤ maxPrecondDim)",
    sideR: "1 when the columns are rotated",
    L: "left preconditioner, an average of G·Gᵀ",
    R: "right preconditioner, an average of Gᵀ·G",
    QL: "eigenbasis of L (columns)",
    QR: "eigenbasis of R (columns)",
    m: "first moment, in the current eigenbasis",
    v: "second moment, in the current eigenbasis",
    P: "scratch: projections",
    T: "scratch: projections",
    E: "scratch: eigen/QR work (largest side squared)",
    F: "scratch: eigen/QR work (largest side squared)",
  },
  hyperparameters: [
    num("lr", "η", 3e-3, lrRange, "learning rate"),
    num("beta1", "β₁", 0.95, unitOpenRange, "decay of m"),
    num("beta2", "β₂", 0.95, unitOpenRange, "decay of v"),
    num(
      "shampooBeta",
      "β_s",
      -1,
      { min: -1, max: 1, maxOpen: true, scale: "linear", uiMin: -1, uiMax: 0.999 },
      "decay of L and R; negative means β₂ (the reference's −1)",
    ),
    num("eps", "ε", 1e-8, epsRange, "added to the root"),
    num("weightDecay", "λ", 0.01, decayRange, "decoupled decay, applied after the step"),
    num(
      "preconditionFrequency",
      "f",
      10,
      { min: 1, integer: true, scale: "log", uiMin: 1, uiMax: 1000 },
      "steps between eigenbasis updates",
    ),
    num(
      "maxPrecondDim",
      "max",
      10000,
      { min: 1, integer: true, scale: "log", uiMin: 1, uiMax: 10000 },
      "sides larger than this stay unrotated",
    ),
    flag(
      "precondition1d",
      "1d",
      false,
      "precondition vectors with a full n×n L (otherwise vectors get Adam)",
    ),
    flag("normalizeGrads", "norm", false, "divide the step N by its rms"),
    flag("correctBias", "bias", true, "Adam's bias correction √(1 − β₂ᵗ)/(1 − β₁ᵗ)"),
  ],
  variantNote:
    "Follows nikhilvyas/SOAP (a1e5535): the first call only builds L, R and their eigenbases (θ does not move); " +
    "m is kept in the eigenbasis and re-expressed when the basis changes; the basis is refreshed every f steps by " +
    "one power iteration and a QR decomposition, after sorting by the estimated eigenvalues; weight decay comes " +
    "after the step. With f larger than the run, SOAP is Adam (ε̂ form) in the fixed basis of the first gradient. " +
    "optlab computes the first eigenbasis by Jacobi rotations (torch: eigh) and the QR by Householder reflections, " +
    "as torch.linalg.qr, in float64 scratch; column signs may differ, which does not change the step. merge_dims is not needed for " +
    "optlab's vectors and matrices. No golden data: checked by hand-derived steps and the fixed-basis identity.",
  reference:
    "Vyas et al. 2024, SOAP: Improving and Stabilizing Shampoo using Adam (arXiv:2409.11321); nikhilvyas/SOAP soap.py.",
  couplesCoordinates: true,
};

export interface SoapOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  shampooBeta?: number;
  eps?: number;
  weightDecay?: number;
  preconditionFrequency?: number;
  maxPrecondDim?: number;
  precondition1d?: boolean;
  normalizeGrads?: boolean;
  correctBias?: boolean;
}
export interface SoapState {
  [field: string]: number | FloatArray;
  started: number;
  t: number;
  lr: number;
  rows: number;
  cols: number;
  sideL: number;
  sideR: number;
  L: FloatArray;
  R: FloatArray;
  QL: FloatArray;
  QR: FloatArray;
  m: FloatArray;
  v: FloatArray;
  P: FloatArray;
  T: FloatArray;
  E: FloatArray;
  F: FloatArray;
}

/** out (r×c) = Qᵀ·X (Q: r×r) when `transposed`, else Q·X. */
function leftMultiply(
  Q: FloatArray,
  X: ArrayLike<number>,
  r: number,
  c: number,
  transposed: boolean,
  out: FloatArray,
) {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += (transposed ? Q[k * r + i] : Q[i * r + k]) * X[k * c + j];
      out[i * c + j] = s;
    }
  }
}

/** out (r×c) = X·Q (Q: c×c) when not `transposed`, else X·Qᵀ. */
function rightMultiply(
  X: ArrayLike<number>,
  Q: FloatArray,
  r: number,
  c: number,
  transposed: boolean,
  out: FloatArray,
) {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let k = 0; k < c; k++) s += X[i * c + k] * (transposed ? Q[j * c + k] : Q[k * c + j]);
      out[i * c + j] = s;
    }
  }
}

/**
 * Q ← the eigenvectors of the symmetric d×d `A` (not modified), as columns, largest eigenvalue first.
 * `work` and `vectors` are d×d scratch.
 */
function eigenbasis(A: FloatArray, d: number, Q: FloatArray, work: FloatArray, vectors: FloatArray): void {
  for (let k = 0; k < d * d; k++) work[k] = A[k];
  // eigh(A + 1e-30·I), as the reference.
  for (let i = 0; i < d; i++) work[i * d + i] += 1e-30;
  symmetricEigen(work, d, vectors);
  // Selection sort of the columns by eigenvalue, descending (d is small; no allocation).
  for (let i = 0; i < d; i++) Q[i] = i; // column order, kept in Q's first row temporarily
  const order = Q;
  for (let a = 0; a < d; a++) {
    let best = a;
    for (let b = a + 1; b < d; b++)
      if (work[order[b] * d + order[b]] > work[order[best] * d + order[best]]) best = b;
    const tmp = order[a];
    order[a] = order[best];
    order[best] = tmp;
  }
  // Copy the eigenvalues' order into work's first row, then fill Q.
  for (let j = 0; j < d; j++) work[j] = order[j];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Q[i * d + j] = vectors[i * d + work[j]];
}

/**
 * One refresh of a side (a1e5535 `get_orthogonal_matrix_QR`): sort Q's columns by diag(Qᵀ·A·Q), descending, permute
 * the second moment v along that side the same way, then Q ← the Q factor of A·Q_sorted by Householder reflections
 * (torch.linalg.qr: LAPACK geqrf + orgqr). Householder keeps Q orthogonal where A is rank-deficient — the first
 * layer's L has a zero row and column for every input pixel that is 0 in every image so far, so A·Q_sorted has zero
 * columns — where Gram–Schmidt has nothing to normalise. `qr` is float64 scratch of householderScratch(d) numbers.
 */
function refreshSide(
  A: FloatArray,
  Q: FloatArray,
  d: number,
  v: FloatArray,
  rows: number,
  cols: number,
  left: boolean,
  work: FloatArray,
  sorted: FloatArray,
  qr: Float64Array,
): void {
  // A·Q into the QR scratch (float64), row by row: each entry sums over k in increasing order, as a dot product.
  for (let i = 0; i < d * d; i++) qr[i] = 0;
  for (let i = 0; i < d; i++) {
    const row = i * d;
    for (let k = 0; k < d; k++) {
      const a = A[row + k];
      const q = k * d;
      for (let j = 0; j < d; j++) qr[row + j] += a * Q[q + j];
    }
  }
  // work[j] = estimated eigenvalue of column j, diag(Qᵀ·(A·Q));  work[d + j] = column order.
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += Q[i * d + j] * qr[i * d + j];
    work[j] = s;
    work[d + j] = j;
  }
  for (let a = 0; a < d; a++) {
    let best = a;
    for (let b = a + 1; b < d; b++) if (work[work[d + b]] > work[work[d + best]]) best = b;
    const tmp = work[d + a];
    work[d + a] = work[d + best];
    work[d + best] = tmp;
  }
  // A·Q_sorted is A·Q with its columns in that order (the same sums): permute each row through the scratch's
  // second d² block (float64; householderQ forms Q there later).
  const spare = d * d;
  for (let i = 0; i < d; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) qr[spare + j] = qr[row + work[d + j]];
    for (let j = 0; j < d; j++) qr[row + j] = qr[spare + j];
  }
  // Permute v along this side (rows for the left side, columns for the right) with `sorted` as scratch.
  const other = left ? cols : rows;
  for (let a = 0; a < other; a++) {
    for (let j = 0; j < d; j++) sorted[j] = left ? v[work[d + j] * cols + a] : v[a * cols + work[d + j]];
    for (let j = 0; j < d; j++) {
      if (left) v[j * cols + a] = sorted[j];
      else v[a * cols + j] = sorted[j];
    }
  }
  householderQ(qr, d, Q);
}

/** Float64 scratch `householderQ` needs for a d×d matrix: the matrix, Q, and two d-vectors. */
function householderScratch(d: number): number {
  return 2 * d * d + 2 * d;
}

/**
 * Q (d×d, row-major) ← the orthogonal factor of the d×d matrix in `scratch[0, d²)` (overwritten), by Householder
 * reflections H_k = I − τ_k·u_k·u_kᵀ (u_k[k] = 1; β = −sign(a_kk)·‖a_k:‖, τ = (β − a_kk)/β, LAPACK's dlarfg; a
 * column already 0 below the diagonal gives τ = 0, H = I), then Q = H_0·H_1·…·H_{d−1} accumulated backwards
 * (dorg2r). Q is orthogonal to rounding whatever the rank.
 */
function householderQ(scratch: Float64Array, d: number, Q: FloatArray): void {
  const M = scratch;
  const W = d * d; // the Q being formed
  const tau = 2 * d * d;
  const s = tau + d;
  for (let k = 0; k < d; k++) {
    let below = 0;
    for (let i = k + 1; i < d; i++) below += M[i * d + k] * M[i * d + k];
    if (below === 0) {
      scratch[tau + k] = 0; // already upper-triangular in this column (or zero): H_k = I
      continue;
    }
    const alpha = M[k * d + k];
    const norm = Math.sqrt(alpha * alpha + below);
    const beta = alpha >= 0 ? -norm : norm;
    scratch[tau + k] = (beta - alpha) / beta;
    // u = x / (α − β) by division (LAPACK scales by the reciprocal): a column that is already ±|x|·e_r then gives
    // u = e_k ± e_r and τ = 1 exactly, so a signed permutation (diagonal L, exact zero rows) comes out exact.
    const pivot = alpha - beta;
    for (let i = k + 1; i < d; i++) M[i * d + k] /= pivot;
    M[k * d + k] = beta;
    // The remaining columns: a_j ← a_j − τ·u·(uᵀ·a_j), row by row.
    for (let j = k + 1; j < d; j++) scratch[s + j] = M[k * d + j];
    for (let i = k + 1; i < d; i++) {
      const u = M[i * d + k];
      for (let j = k + 1; j < d; j++) scratch[s + j] += u * M[i * d + j];
    }
    const t = scratch[tau + k];
    for (let j = k + 1; j < d; j++) {
      scratch[s + j] *= t;
      M[k * d + j] -= scratch[s + j];
    }
    for (let i = k + 1; i < d; i++) {
      const u = M[i * d + k];
      for (let j = k + 1; j < d; j++) M[i * d + j] -= u * scratch[s + j];
    }
  }
  for (let i = 0; i < d * d; i++) scratch[W + i] = 0;
  for (let i = 0; i < d; i++) scratch[W + i * d + i] = 1;
  for (let k = d - 1; k >= 0; k--) {
    const t = scratch[tau + k];
    if (t === 0) continue;
    // Columns < k of rows ≥ k are still 0: H_k touches rows k… and columns k… only.
    for (let j = k; j < d; j++) scratch[s + j] = scratch[W + k * d + j];
    for (let i = k + 1; i < d; i++) {
      const u = M[i * d + k];
      for (let j = k; j < d; j++) scratch[s + j] += u * scratch[W + i * d + j];
    }
    for (let j = k; j < d; j++) {
      scratch[s + j] *= t;
      scratch[W + k * d + j] -= scratch[s + j];
    }
    for (let i = k + 1; i < d; i++) {
      const u = M[i * d + k];
      for (let j = k; j < d; j++) scratch[W + i * d + j] -= u * scratch[s + j];
    }
  }
  for (let i = 0; i < d * d; i++) Q[i] = scratch[W + i];
}

/**
 * The two products a SOAP step spends its time in, over a state's arrays: `project` (P ← Q_Lᵀ·X·Q_R, or Q_L·X·Q_Rᵀ
 * when `back`; identity on an unrotated side; `out` may be X, and T is the caller's scratch between the two sides)
 * and `accumulate` (L ← L + w·(G·Gᵀ − L), R ← R + w·(Gᵀ·G − R) on the rotated sides). The plain loops below are
 * the reference; the float32 step (src/nn/kernels/wasm-soap.ts) runs the same step with them on the GEMM kernels.
 */
export interface SoapProducts {
  project(state: SoapState, X: FloatArray, back: boolean, out: FloatArray): void;
  accumulate(state: SoapState, grads: FloatArray, weight: number): void;
}

/** The reference products: row-by-column loops summing in float64. */
export const plainSoapProducts: SoapProducts = {
  project(state, X, back, out) {
    const { rows, cols, sideL, sideR, QL, QR, T } = state;
    if (sideL === 1) leftMultiply(QL, X, rows, cols, !back, T);
    else for (let k = 0; k < rows * cols; k++) T[k] = X[k];
    if (sideR === 1) rightMultiply(T, QR, rows, cols, back, out);
    else out.set(T);
  },
  accumulate(state, grads, weight) {
    const { rows, cols, sideL, sideR, L, R } = state;
    if (sideL === 1) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < rows; j++) {
          let s = 0;
          for (let k = 0; k < cols; k++) s += grads[i * cols + k] * grads[j * cols + k];
          L[i * rows + j] += weight * (s - L[i * rows + j]);
        }
      }
    }
    if (sideR === 1) {
      for (let i = 0; i < cols; i++) {
        for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let k = 0; k < rows; k++) s += grads[k * cols + i] * grads[k * cols + j];
          R[i * cols + j] += weight * (s - R[i * cols + j]);
        }
      }
    }
  },
};

export function soap(options: SoapOptions = {}): Optimizer<SoapState> {
  const hp = resolveHyperparameters(soapMeta, { ...options });
  return {
    id: soapMeta.id,
    hp,
    meta: soapMeta,
    init(n: number, dtype?: DType, shape?: readonly number[]) {
      return soapInit(hp, n, dtype, shape);
    },
    step: soapStepper(hp, plainSoapProducts),
  };
}

/** A fresh SOAP state for n parameters of `shape` (see soapMeta.state). */
function soapInit(hp: Hyperparameters, n: number, dtype?: DType, shape?: readonly number[]): SoapState {
  const maxDim = hp.maxPrecondDim as number;
  const matrix = matrixShape(soapMeta.id, n, shape);
  const preconditionVector = matrix === null && (hp.precondition1d as boolean) && n <= maxDim;
  const [rows, cols] = matrix ?? (preconditionVector ? [n, 1] : [0, 0]);
  const sideL = rows > 0 && rows <= maxDim ? 1 : 0;
  const sideR = matrix !== null && cols <= maxDim ? 1 : 0;
  const big = Math.max(sideL ? rows : 0, sideR ? cols : 0);
  const rotated = rows > 0;
  return {
    started: 0,
    t: 0,
    lr: hp.lr as number,
    rows,
    cols,
    sideL,
    sideR,
    L: zeros(sideL ? rows * rows : 0, dtype),
    R: zeros(sideR ? cols * cols : 0, dtype),
    QL: zeros(sideL ? rows * rows : 0, dtype),
    QR: zeros(sideR ? cols * cols : 0, dtype),
    m: zeros(n, dtype),
    v: zeros(n, dtype),
    P: zeros(rotated ? n : 0, dtype),
    T: zeros(rotated ? n : 0, dtype),
    E: zeros(Math.max(big * big, 2 * big), dtype),
    F: zeros(big * big, dtype),
  };
}

/**
 * SOAP's step for the resolved hyperparameters `hp`, with its products from `products`: the element-wise moments,
 * the bias correction, weight decay and the basis refreshes (float64 scratch) are this function's, whichever
 * products run.
 */
export function soapStepper(
  hp: Hyperparameters,
  products: SoapProducts,
): (params: FloatArray, grads: FloatArray, state: SoapState) => void {
  const beta1 = hp.beta1 as number;
  const beta2 = hp.beta2 as number;
  const shampooBeta = (hp.shampooBeta as number) < 0 ? beta2 : (hp.shampooBeta as number);
  const eps = hp.eps as number;
  const weightDecay = hp.weightDecay as number;
  const frequency = hp.preconditionFrequency as number;
  const normalize = hp.normalizeGrads as boolean;
  const correctBias = hp.correctBias as boolean;
  const { project, accumulate } = products;
  /** Float64 scratch of the QR refresh, made at the first refresh (per instance, as Muon's; not state, never per step). */
  let qrScratch = new Float64Array(0);
  const qrFor = (d: number): Float64Array => {
    if (qrScratch.length < householderScratch(d)) qrScratch = new Float64Array(householderScratch(d));
    return qrScratch;
  };
  return (params: FloatArray, grads: FloatArray, state: SoapState) => {
    const { rows, cols, sideL, sideR, L, R, QL, QR, m, v, P, E, F, T } = state;
    const n = params.length;
    const rotated = rows > 0 && (sideL === 1 || sideR === 1);
    if (state.started === 0) {
      // The first gradient only builds the preconditioners (lerp from 0 with weight 1 − β_s).
      state.started = 1;
      if (rotated) {
        accumulate(state, grads, 1 - shampooBeta);
        if (sideL === 1) eigenbasis(L, rows, QL, E, F);
        if (sideR === 1) eigenbasis(R, cols, QR, E, F);
      }
      return;
    }
    const t = ++state.t;
    const gp = rotated ? P : grads;
    if (rotated) project(state, grads, false, P);
    for (let k = 0; k < n; k++) {
      m[k] = beta1 * m[k] + (1 - beta1) * gp[k];
      v[k] = beta2 * v[k] + (1 - beta2) * (gp[k] * gp[k]);
    }
    // N (the preconditioned step, back in the parameter's basis) into P.
    const direction = rotated ? P : E;
    if (rotated) {
      for (let k = 0; k < n; k++) T[k] = m[k] / (Math.sqrt(v[k]) + eps);
      // project() uses T as its own scratch: copy the quotient to P first.
      P.set(T);
      project(state, P, true, P);
    }
    let scale = state.lr;
    if (correctBias) scale = (scale * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    let normalizer = 1;
    if (normalize) {
      let squares = 0;
      for (let k = 0; k < n; k++) {
        const d = rotated ? direction[k] : m[k] / (Math.sqrt(v[k]) + eps);
        squares += d * d;
      }
      normalizer = 1e-30 + Math.sqrt(squares / n);
    }
    const decay = -(state.lr * weightDecay);
    for (let k = 0; k < n; k++) {
      const d = rotated ? direction[k] : m[k] / (Math.sqrt(v[k]) + eps);
      params[k] += -scale * (d / normalizer);
      if (weightDecay > 0) params[k] += decay * params[k];
    }
    if (!rotated) return;
    accumulate(state, grads, 1 - shampooBeta);
    if (t % frequency === 0) {
      // m back to the parameter's basis, new bases (v permuted along), m into the new basis.
      project(state, m, true, P);
      if (sideL === 1) refreshSide(L, QL, rows, v, rows, cols, true, E, F, qrFor(rows));
      if (sideR === 1) refreshSide(R, QR, cols, v, rows, cols, false, E, F, qrFor(cols));
      project(state, P, false, m);
    }
  };
}
