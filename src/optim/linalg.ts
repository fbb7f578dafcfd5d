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

/**
 * The products of the Newton–Schulz iterations: the plain float64 loops above by default; optax Muon's float32 step
 * puts the kernels' GEMMs here (src/nn/kernels/wasm-muon.ts).
 */
export interface MatrixProducts {
  /** out (r×r) = a·aᵀ for a (r×c). */
  gram(a: FloatArray, r: number, c: number, out: FloatArray): void;
  /** out (r×c) = a (r×k) · b (k×c). */
  matMul(a: FloatArray, b: FloatArray, r: number, k: number, c: number, out: FloatArray): void;
}

export const PLAIN_PRODUCTS: MatrixProducts = { gram, matMul };

/** out (c×r) = aᵀ for a (r×c). */
export function transpose(a: ArrayLike<number>, r: number, c: number, out: FloatArray): void {
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
}

/**
 * Eigen-decomposition of a symmetric n×n matrix: on return `a` holds the eigenvalues on its diagonal (0 elsewhere,
 * in no particular order) and `vectors` the eigenvectors as columns (`a₀ = V·diag(λ)·Vᵀ`). Cyclic Jacobi for
 * n ≤ 24; Householder tridiagonalisation and the implicit QL algorithm (EISPACK tred2/tql2, as JAMA) above.
 * No scratch memory beyond `a` and `vectors`.
 */
export function symmetricEigen(a: FloatArray, n: number, vectors: FloatArray): void {
  if (n <= 24) jacobiEigen(a, n, vectors);
  else tridiagonalEigen(a, n, vectors);
}

/** Cyclic Jacobi rotations: accurate to a few ulps of ‖a‖, O(n³) per sweep — for small n. */
function jacobiEigen(a: FloatArray, n: number, vectors: FloatArray, maxSweeps = 60): void {
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

/** tred2 + tql2 on V = a (eigenvectors end in `vectors`); d and e live in `a`'s first 2n entries meanwhile. */
/** tred2 + tql2 with V = a₀ (the eigenvectors end in V); d = a[0 … n), e = a[n … 2n) meanwhile. */
function tridiagonalEigen(a: FloatArray, n: number, V: FloatArray): void {
  for (let k = 0; k < n * n; k++) V[k] = a[k];
  // tred2: Householder reduction to tridiagonal form, accumulating the transformations in V.
  for (let j = 0; j < n; j++) a[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(a[k]);
    if (scale === 0) {
      a[n + i] = a[i - 1];
      for (let j = 0; j < i; j++) {
        a[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        a[k] /= scale;
        h += a[k] * a[k];
      }
      let f = a[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      a[n + i] = scale * g;
      h -= f * g;
      a[i - 1] = f - g;
      for (let j = 0; j < i; j++) a[n + j] = 0;
      for (let j = 0; j < i; j++) {
        f = a[j];
        V[j * n + i] = f;
        g = a[n + j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * a[k];
          a[n + k] += V[k * n + j] * f;
        }
        a[n + j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        a[n + j] /= h;
        f += a[n + j] * a[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) a[n + j] -= hh * a[j];
      for (let j = 0; j < i; j++) {
        f = a[j];
        g = a[n + j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * a[n + k] + g * a[k];
        a[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    a[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = a[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) a[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * a[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    a[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  a[n + 0] = 0;
  // tql2: implicit QL on the tridiagonal (d, e), rotating V along.
  for (let i = 1; i < n; i++) a[n + i - 1] = a[n + i];
  a[n + n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(a[l]) + Math.abs(a[n + l]));
    let m = l;
    while (m < n && Math.abs(a[n + m]) > eps * tst1) m++;
    if (m > l) {
      for (let iter = 0; iter < 100; iter++) {
        let g = a[l];
        let p = (a[l + 1] - g) / (2 * a[n + l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        a[l] = a[n + l] / (p + r);
        a[l + 1] = a[n + l] * (p + r);
        const dl1 = a[l + 1];
        let h = g - a[l];
        for (let i = l + 2; i < n; i++) a[i] -= h;
        f += h;
        p = a[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = a[n + l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * a[n + i];
          h = c * p;
          r = Math.hypot(p, a[n + i]);
          a[n + i + 1] = s * r;
          s = a[n + i] / r;
          c = p / r;
          p = c * a[i] - s * g;
          a[i + 1] = h + s * (c * g + s * a[i]);
          for (let k = 0; k < n; k++) {
            h = V[k * n + i + 1];
            V[k * n + i + 1] = s * V[k * n + i] + c * h;
            V[k * n + i] = c * V[k * n + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * a[n + l]) / dl1;
        a[n + l] = s * p;
        a[l] = c * p;
        if (!(Math.abs(a[n + l]) > eps * tst1)) break;
      }
    }
    a[l] += f;
    a[n + l] = 0;
  }
  // a ← diag(d): diagonal entries i ≥ 1 sit beyond the first row, where d lives.
  for (let k = n; k < n * n; k++) a[k] = 0;
  for (let i = n - 1; i >= 1; i--) a[i * n + i] = a[i];
  for (let i = 1; i < n; i++) a[i] = 0;
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
