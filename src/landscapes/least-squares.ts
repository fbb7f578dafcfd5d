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
