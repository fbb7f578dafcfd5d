import { lrRange, momentumRange, num, resolveHyperparameters } from "./hyper.js";
import { matrixShape } from "./linalg.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerMeta, zeros } from "./types.js";

/** `scale_by_sm3`'s ε (the alias does not expose it). */
export const SM3_EPS = 1e-8;

export const sm3Meta: OptimizerMeta = {
  id: "sm3",
  name: "optax.sm3",
  family: "optax",
  formula: [
    "vector:  A = g² + a;   a ← A",
    "matrix:  Aᵢⱼ = gᵢⱼ² + min(rᵢ, cⱼ);   rᵢ ← maxⱼ Aᵢⱼ;   cⱼ ← maxᵢ Aᵢⱼ",
    "ĝ = A > 0 ? g / √(A + ε) : 0",
    "m ← (1 − β₁)·ĝ + β₁·m;   θ ← θ − η·m",
  ],
  latex: [
    "\\text{vector: } A = g^2 + a,\\ a \\leftarrow A",
    "\\text{matrix: } A_{ij} = g_{ij}^2 + \\min(r_i, c_j),\\ r_i \\leftarrow \\max_j A_{ij},\\ c_j \\leftarrow \\max_i A_{ij}",
    "\\hat g = g/\\sqrt{A + \\epsilon}\\ (0 \\text{ where } A = 0)",
    "m \\leftarrow (1-\\beta_1)\\hat g + \\beta_1 m,\\quad \\theta \\leftarrow \\theta - \\eta m",
  ],
  state: {
    lr: "learning rate η of the next step (a schedule overwrites it)",
    rows: "matrix rows (0 for a vector)",
    cols: "matrix columns (0 for a vector)",
    a: "vector: the AdaGrad sum of g²; matrix: unused (empty)",
    r: "matrix: one accumulator per row",
    c: "matrix: one accumulator per column",
    m: "momentum of the normalised gradients",
    rNext: "scratch: the new row maxima",
    cNext: "scratch: the new column maxima",
  },
  hyperparameters: [
    num("lr", "η", 0.1, lrRange, "learning rate"),
    num("momentum", "β₁", 0.9, momentumRange, "decay of the momentum m"),
  ],
  variantNote:
    "optax 0.2.8 (`sm3` → scale_by_sm3(b1 = momentum, b2 = 1, ε = 1e-8)): for a vector SM3 is AdaGrad with ε inside " +
    "the root and an EMA momentum; for a matrix it keeps one accumulator per row and per column (the cover of " +
    "rows and columns). optax cannot schedule its lr (a plain scale); optlab can. optax has no default η; optlab uses 0.1.",
  reference:
    "Anil, Gupta, Koren & Singer 2019, Memory-Efficient Adaptive Optimization (arXiv:1901.11150); " +
    "optax/_src/transform.py `scale_by_sm3`.",
  couplesCoordinates: true,
};

export interface Sm3Options {
  lr?: number;
  momentum?: number;
}
export interface Sm3State {
  [field: string]: number | FloatArray;
  lr: number;
  rows: number;
  cols: number;
  a: FloatArray;
  r: FloatArray;
  c: FloatArray;
  m: FloatArray;
  rNext: FloatArray;
  cNext: FloatArray;
}

export function sm3(options: Sm3Options = {}): Optimizer<Sm3State> {
  const hp = resolveHyperparameters(sm3Meta, { ...options });
  const beta1 = hp.momentum as number;
  const normalised = (g: number, accumulated: number) =>
    accumulated > 0 ? g * (1 / Math.sqrt(accumulated + SM3_EPS)) : 0;
  return {
    id: sm3Meta.id,
    hp,
    meta: sm3Meta,
    init(n: number, dtype?: DType, shape?: readonly number[]) {
      const matrix = matrixShape(sm3Meta.id, n, shape);
      const [rows, cols] = matrix ?? [0, 0];
      return {
        lr: hp.lr as number,
        rows,
        cols,
        a: zeros(matrix ? 0 : n, dtype),
        r: zeros(rows, dtype),
        c: zeros(cols, dtype),
        m: zeros(n, dtype),
        rNext: zeros(rows, dtype),
        cNext: zeros(cols, dtype),
      };
    },
    step(params: FloatArray, grads: FloatArray, state: Sm3State) {
      const negativeLr = -state.lr;
      const { rows, cols, a, r, c, m } = state;
      if (rows === 0) {
        for (let i = 0; i < params.length; i++) {
          const g = grads[i];
          a[i] = g * g + a[i];
          m[i] = (1 - beta1) * normalised(g, a[i]) + beta1 * m[i];
          params[i] += negativeLr * m[i];
        }
        return;
      }
      // A uses the old r and c; the new maxima go to scratch rows/columns and replace them after the pass.
      const { rNext, cNext } = state;
      cNext.fill(Number.NEGATIVE_INFINITY);
      for (let i = 0; i < rows; i++) {
        let rowMax = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < cols; j++) {
          const k = i * cols + j;
          const g = grads[k];
          const accumulated = g * g + Math.min(r[i], c[j]);
          rowMax = Math.max(rowMax, accumulated);
          cNext[j] = Math.max(cNext[j], accumulated);
          m[k] = (1 - beta1) * normalised(g, accumulated) + beta1 * m[k];
          params[k] += negativeLr * m[k];
        }
        rNext[i] = rowMax;
      }
      r.set(rNext);
      c.set(cNext);
    },
  };
}
