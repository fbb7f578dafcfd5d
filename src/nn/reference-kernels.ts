import type { FloatArray } from "../optim/types.js";
import type { Activation } from "./layout.js";

/**
 * Plain TypeScript kernels of the book's layers, over float64 or float32 arrays (row-major).
 * They are the reference the fast WebAssembly kernels are tested against, and the float64 path of
 * the gradient check. Sums accumulate in a JavaScript number (float64) and are rounded on store.
 */

/** y = act(x·W + b): x is m×k, W is k×n, y is m×n. `activation` "none" leaves the affine output. */
export function denseForward(
  x: FloatArray,
  w: FloatArray,
  b: FloatArray,
  y: FloatArray,
  m: number,
  k: number,
  n: number,
  activation: Activation | "none",
): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) y[row + j] = b[j];
    for (let p = 0; p < k; p++) {
      const a = x[i * k + p];
      if (a === 0) continue;
      const wRow = p * n;
      for (let j = 0; j < n; j++) y[row + j] += a * w[wRow + j];
    }
    if (activation === "relu") {
      // The book: out[x <= 0] = 0 (NaN passes through, as in numpy).
      for (let j = 0; j < n; j++) if (y[row + j] <= 0) y[row + j] = 0;
    } else if (activation === "sigmoid") {
      for (let j = 0; j < n; j++) y[row + j] = 1 / (1 + Math.exp(-y[row + j]));
    }
  }
}

/**
 * Backward of an affine layer, given dz = ∂L/∂z (m×n): dW = xᵀ·dz (k×n), db = Σ_rows dz, and, when
 * `dx` is given, dx = dz·Wᵀ (m×k) multiplied by the derivative of the activation that produced x
 * (ReLU: x > 0; sigmoid: x·(1 − x)).
 */
export function denseBackward(
  x: FloatArray,
  w: FloatArray,
  dz: FloatArray,
  dw: FloatArray,
  db: FloatArray,
  dx: FloatArray | null,
  m: number,
  k: number,
  n: number,
  inputActivation: Activation,
): void {
  dw.fill(0, 0, k * n);
  db.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) db[j] += dz[row + j];
    for (let p = 0; p < k; p++) {
      const a = x[i * k + p];
      if (a === 0) continue;
      const wRow = p * n;
      for (let j = 0; j < n; j++) dw[wRow + j] += a * dz[row + j];
    }
  }
  if (dx === null) return;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const a = x[i * k + p];
      let derivative: number;
      if (inputActivation === "relu") derivative = a > 0 ? 1 : 0;
      else derivative = a * (1 - a);
      if (derivative === 0) {
        dx[i * k + p] = 0;
        continue;
      }
      const wRow = p * n;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += dz[row + j] * w[wRow + j];
      dx[i * k + p] = sum * derivative;
    }
  }
}

/** Result of the softmax cross-entropy over a batch. */
export interface CrossEntropy {
  /** Σ over rows of −log(y_t + 1e-7) (the book's `cross_entropy_error` times the batch size). */
  sum: number;
  /** Rows whose largest score is the label (first maximum wins, as numpy's argmax). */
  correct: number;
}

/**
 * The book's SoftmaxWithLoss: y = softmax(z − max z) per row, loss −log(y_t + ε) with ε = 1e-7; when
 * `dz` is given it receives (y − onehot(t)) / m, the gradient of the mean loss (exact for ε = 0, as in
 * the book, whose backward pass ignores ε).
 */
export function softmaxCrossEntropy(
  z: FloatArray,
  labels: ArrayLike<number>,
  m: number,
  n: number,
  dz: FloatArray | null,
  logEpsilon = 1e-7,
): CrossEntropy {
  let sum = 0;
  let correct = 0;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    let max = z[row];
    let argmax = 0;
    for (let j = 1; j < n; j++) {
      if (z[row + j] > max) {
        max = z[row + j];
        argmax = j;
      }
    }
    let total = 0;
    for (let j = 0; j < n; j++) total += Math.exp(z[row + j] - max);
    const label = labels[i];
    if (argmax === label) correct++;
    sum -= Math.log(Math.exp(z[row + label] - max) / total + logEpsilon);
    if (dz !== null) {
      for (let j = 0; j < n; j++) {
        dz[row + j] = (Math.exp(z[row + j] - max) / total - (j === label ? 1 : 0)) / m;
      }
    }
  }
  return { sum, correct };
}

/** ½·λ·Σ W² over the weight matrices (the book's weight-decay term of the loss). */
export function weightDecayTerm(
  params: FloatArray,
  slots: readonly { offset: number; length: number }[],
  lambda: number,
): number {
  if (lambda === 0) return 0;
  let sum = 0;
  for (const { offset, length } of slots) {
    for (let i = offset; i < offset + length; i++) sum += params[i] * params[i];
  }
  return 0.5 * lambda * sum;
}
