/**
 * Small dense linear algebra for the matrix-aware optimizers (Muon, Adafactor, SM3, SOAP): flat row-major
 * matrices, every routine writing into a caller's buffer so an optimizer step allocates nothing.
 */
import { InputRangeError } from "../util/errors.js";
import type { FloatArray } from "./types.js";

/** Σ xᵢ², summed left to right over `x[offset .. offset + length)`. */
export function sumOfSquares(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  let s = 0;
  for (let i = offset; i < offset + length; i++) s += x[i] * x[i];
  return s;
}

/** Σ xᵢ·yᵢ, left to right. */
export function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** out (r×c) = a (r×k) · b (k×c); `out` must not alias `a` or `b`. */
export function matMul(a: FloatArray, b: FloatArray, r: number, k: number, c: number, out: FloatArray): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += a[i * k + l] * b[l * c + j];
      out[i * c + j] = s;
    }
  }
}

/** out (r×r) = a·aᵀ for a (r×c). */
export function gram(a: FloatArray, r: number, c: number, out: FloatArray): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let l = 0; l < c; l++) s += a[i * c + l] * a[j * c + l];
      out[i * r + j] = s;
    }
  }
}

/** out (c×r) = aᵀ for a (r×c). */
export function transpose(a: ArrayLike<number>, r: number, c: number, out: FloatArray): void {
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations: on return `a` holds the eigenvalues
 * on its diagonal (the rest ≈ 0) and `vectors` the eigenvectors as columns (`a₀ = V·diag(λ)·Vᵀ`). Jacobi is
 * slow for large n but accurate to a few ulps of ‖a‖ and needs no scratch memory.
 */
export function symmetricEigen(a: FloatArray, n: number, vectors: FloatArray, maxSweeps = 60): void {
  vectors.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off === 0 || off <= 1e-36 * diag) return;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = cos * akp - sin * akq;
          a[k * n + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = cos * apk - sin * aqk;
          a[q * n + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p];
          const vkq = vectors[k * n + q];
          vectors[k * n + p] = cos * vkp - sin * vkq;
          vectors[k * n + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
}

/** The matrix shape `[rows, cols]` of a parameter, or `null` for a vector; checks that it covers `n` values. */
export function matrixShape(
  id: string,
  n: number,
  shape: readonly number[] | undefined,
): [number, number] | null {
  if (shape === undefined || shape.length < 2) return null;
  if (shape.length > 2)
    throw new InputRangeError(
      `${id}: only vectors and matrices are supported, got shape [${shape.join(", ")}]`,
    );
  const [rows, cols] = shape;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || rows * cols !== n) {
    throw new InputRangeError(
      `${id}: shape must be [rows, cols] with rows·cols = ${n}, got [${shape.join(", ")}]`,
    );
  }
  return [rows, cols];
}
