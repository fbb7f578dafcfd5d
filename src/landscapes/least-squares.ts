import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import type { Landscape } from "./types.js";

/** A landscape whose parameter is a matrix (flat row-major, `W[i][j] = p[i·cols + j]`). */
export interface MatrixLandscape extends Landscape {
  readonly shape: readonly [number, number];
}

function matrix(name: string, value: unknown): number[][] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((row) => Array.isArray(row))) {
    throw new InputTypeError(`least squares: ${name} must be a non-empty list of rows, got ${show(value)}`);
  }
  const cols = (value[0] as unknown[]).length;
  for (const [i, row] of (value as unknown[][]).entries()) {
    if (row.length !== cols || !row.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new InputRangeError(
        `least squares: ${name} row ${i} must be ${cols} finite numbers, got ${show(row)}`,
      );
    }
  }
  return value as number[][];
}

/**
 * f(W) = ½‖X·W − Y‖²_F, gradient Xᵀ(XW − Y), evaluated with the loops of golden-v2 (README-v2 "Matrix
 * objectives"), strictly left to right from 0, so that f and ∇f are bit-for-bit the generator's:
 *   R[i][j] = (Σₖ X[i][k]·W[k][j]) − Y[i][j];   f = 0.5·Σᵢ Σⱼ R[i][j]²;   G[k][j] = Σᵢ X[i][k]·R[i][j].
 * X is n×r, Y n×c, W r×c; `start` is W₀ flattened.
 */
export function createLeastSquares(
  id: string,
  data: { readonly X: unknown; readonly Y: unknown; readonly W0: unknown },
): MatrixLandscape {
  const X = matrix("X", data.X);
  const Y = matrix("Y", data.Y);
  const W0 = matrix("W0", data.W0);
  const n = X.length;
  const rows = X[0].length;
  const cols = Y[0].length;
  if (Y.length !== n)
    throw new InputRangeError(`least squares: Y must have ${n} rows like X, got ${Y.length}`);
  if (W0.length !== rows || W0[0].length !== cols) {
    throw new InputRangeError(
      `least squares: W0 must be ${rows}×${cols} (X is ${n}×${rows}, Y ${n}×${cols}), got ${W0.length}×${W0[0].length}`,
    );
  }
  const x = Float64Array.from(X.flat());
  const y = Float64Array.from(Y.flat());
  const residual = new Float64Array(n * cols);
  const residuals = (p: ArrayLike<number>) => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let k = 0; k < rows; k++) s = s + x[i * rows + k] * p[k * cols + j];
        residual[i * cols + j] = s - y[i * cols + j];
      }
    }
  };
  return {
    id,
    name: `Least squares ${rows}×${cols}`,
    formula: "0.5 * ||X W - Y||_F^2",
    latex: "f(W) = \\tfrac12 \\lVert XW - Y\\rVert_F^2",
    dim: rows * cols,
    shape: [rows, cols],
    f(p) {
      residuals(p);
      let s = 0;
      for (let i = 0; i < n * cols; i++) s = s + residual[i] * residual[i];
      return 0.5 * s;
    },
    grad(p, out) {
      residuals(p);
      for (let k = 0; k < rows; k++) {
        for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s = s + x[i * rows + k] * residual[i * cols + j];
          out[k * cols + j] = s;
        }
      }
    },
    domain: { x: [-1, 1], y: [-1, 1] },
    start: W0.flat(),
    minima: [],
    note:
      `A ${rows}×${cols} weight matrix fitted to ${n} samples (${rows > cols ? "tall" : rows < cols ? "wide" : "square"}): ` +
      "the matrix objective of golden-v2 for the matrix-aware optimizers (Muon, Adafactor, SM3, …). The domain is the " +
      "window of the first two entries.",
  };
}

/** The three least-squares problems of golden-v2 (`functions.lsq43/lsq35/lsq33`), data copied exactly (two-digit decimals). */
const LSQ_DATA = {
  lsq43: {
    X: [
      [0.33, -0.89, -0.22, -0.29],
      [0.25, -0.69, -0.3, -0.01],
      [-0.62, 0, -0.84, -0.51],
      [-0.42, 0.86, 0.03, -0.59],
      [0.04, 0.08, 0.33, -0.16],
      [0.43, 0.07, -0.41, -0.31],
      [-0.16, 0.59, 0.64, 0.34],
      [-0.05, -0.46, -0.49, 0.81],
    ],
    Y: [
      [0.97, 0.42, 0.74],
      [1.05, 0.33, 0.29],
      [0.22, -1.59, 1.32],
      [-1.22, -1.34, 0.32],
      [-0.37, 0.12, 0.27],
      [0.53, -0.33, -0.16],
      [-1.11, 0.16, -0.79],
      [0.95, 0.47, -0.31],
    ],
    W0: [
      [0.47, -0.16, -0.01],
      [-0.27, 0.46, 0.18],
      [0, 0.42, 0.02],
      [0.29, 0.27, -0.41],
    ],
  },
  lsq35: {
    X: [
      [0.97, 0.35, -0.96],
      [-0.2, -0.01, -0.51],
      [-0.72, -0.9, 0.51],
      [0.21, 0.16, 0.17],
      [0.85, -0.34, -0.27],
      [0.13, -0.64, -0.62],
    ],
    Y: [
      [1.17, -0.32, -0.19, 0.69, -0.27],
      [0.29, 0.2, 0.11, -0.26, -0.22],
      [-0.14, 0.87, 0.06, -0.88, 0.12],
      [-0.34, -0.04, -0.24, 0.11, 0.08],
      [1.08, 0.22, -0.41, 0.53, -0.31],
      [1.13, 0.59, -0.33, -0.17, -0.47],
    ],
    W0: [
      [0.36, -0.42, -0.26, 0.06, -0.19],
      [0.4, -0.14, -0.22, 0.42, 0.06],
      [0.13, 0.34, -0.37, -0.27, -0.09],
    ],
  },
  lsq33: {
    X: [
      [0.59, -0.53, -0.51],
      [0.23, 0.94, -0.38],
      [0.92, -0.69, 0.18],
      [-0.96, 0, 0.92],
      [-0.53, 0.76, -0.98],
    ],
    Y: [
      [-1.33, 0.68, -0.85],
      [0, 0.93, 0.72],
      [-1.23, 0.31, -0.89],
      [1.41, -1.8, 0.27],
      [0.59, 0.7, 0.85],
    ],
    W0: [
      [0.06, 0.34, -0.04],
      [-0.19, -0.33, 0.48],
      [-0.06, 0.49, -0.49],
    ],
  },
} as const;

/** W 4×3 (tall: rows > cols), X 8×4, Y 8×3. */
export const lsq43: MatrixLandscape = createLeastSquares("lsq43", LSQ_DATA.lsq43);
/** W 3×5 (wide: cols > rows), X 6×3, Y 6×5. */
export const lsq35: MatrixLandscape = createLeastSquares("lsq35", LSQ_DATA.lsq35);
/** W 3×3 (square), X 5×3, Y 5×3. */
export const lsq33: MatrixLandscape = createLeastSquares("lsq33", LSQ_DATA.lsq33);
