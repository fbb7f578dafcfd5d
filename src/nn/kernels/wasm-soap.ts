import { type SoapProducts, type SoapState, soapStepper } from "../../optim/soap.js";
import type { FloatArray, Optimizer, OptimizerState } from "../../optim/types.js";
import type { KernelExports } from "./wasm-kernels.js";

/**
 * The largest side the float32 SOAP step rotates: an engine's shared scratch is sized for it, and a SOAP whose
 * maxPrecondDim lets a longer side be rotated (the reference's 10,000 on the MLP's 784 inputs) steps in plain loops.
 */
export const SOAP_SIMD_MAX_SIDE = 512;

/** The rotated sides of a rows×cols SOAP with `maxPrecondDim`: the longest, 0 when none. */
function rotatedSide(rows: number, cols: number, maxPrecondDim: number): number {
  return Math.max(rows <= maxPrecondDim ? rows : 0, cols <= maxPrecondDim ? cols : 0);
}

/**
 * Floats of kernel memory the float32 SOAP step needs for a rows×cols parameter whose longest rotated side is
 * `side`: Gᵀ (rows·cols), a side² Gram product and a side² transposed basis.
 */
export function soapScratchFloats(
  rows: number,
  cols: number,
  side = rotatedSide(rows, cols, SOAP_SIMD_MAX_SIDE),
): number {
  return rows * cols + 4 + 2 * (side * side + 4);
}

/**
 * Whether SOAP with these hyperparameters steps on the kernels within `scratchFloats` for a parameter of `shape`
 * (a vector is rotated only with precondition1d, and then steps in plain loops).
 */
export function soapFitsScratch(
  optimizer: Optimizer,
  shape: readonly number[] | undefined,
  scratchFloats: number,
): boolean {
  if (shape === undefined || shape.length !== 2) return !(optimizer.hp.precondition1d as boolean);
  const [rows, cols] = shape;
  const side = rotatedSide(rows, cols, optimizer.hp.maxPrecondDim as number);
  return side <= SOAP_SIMD_MAX_SIDE && soapScratchFloats(rows, cols, side) <= scratchFloats;
}

/**
 * SOAP (src/optim/soap.ts) in float32 with its products on the GEMM kernels: Q_Lᵀ·X by gemm_tn, Q_L·X and X·Q_R by
 * gemm_nn, X·Q_Rᵀ by gemm_nn over the transposed basis, G·Gᵀ and Gᵀ·G by gemm_tn (over Gᵀ for the first). The
 * moments, bias correction, weight decay, first eigenbasis and the QR refreshes every f steps are the reference
 * stepper's own (soapStepper), so the two paths differ only in the products' float32 sums. `scratch` holds
 * soapScratchFloats(rows, cols, side) floats and, like the parameters, gradients and state, lives in the kernels'
 * memory; `null` for any other optimizer.
 */
export function soapSimdStep(
  kernels: KernelExports,
  optimizer: Optimizer,
  scratch: Float32Array,
): ((params: Float32Array, grads: Float32Array, state: OptimizerState) => void) | null {
  if (optimizer.id !== "soap") return null;
  const k = kernels;
  /** The scratch views for a state's shape, made again only when the shape changes (not at every step). */
  let viewsFor = { n: -1, side: -1, gt: scratch, gram: scratch, basisT: scratch };
  const views = (state: SoapState) => {
    const n = state.rows * state.cols;
    const side = Math.max(state.sideL ? state.rows : 0, state.sideR ? state.cols : 0);
    if (viewsFor.n !== n || viewsFor.side !== side) {
      viewsFor = {
        n,
        side,
        gt: scratch.subarray(0, n),
        gram: scratch.subarray(n + 4, n + 4 + side * side),
        basisT: scratch.subarray(n + 8 + side * side, n + 8 + 2 * side * side),
      };
    }
    return viewsFor;
  };
  /** a ← a + w·(b − a), element-wise over a's length. */
  const lerp = (a: FloatArray, b: FloatArray, w: number) => {
    for (let i = 0; i < a.length; i++) a[i] += w * (b[i] - a[i]);
  };
  const products: SoapProducts = {
    project(state, X, back, out) {
      const { rows, cols, sideL, sideR, QL, QR, T } = state;
      const x = X as Float32Array;
      if (sideL === 1) {
        if (back)
          k.gemm_nn(
            QL.byteOffset,
            rows,
            x.byteOffset,
            cols,
            T.byteOffset,
            cols,
            rows,
            rows,
            cols,
            0,
            0,
            0,
            0,
          );
        else k.gemm_tn(QL.byteOffset, rows, x.byteOffset, cols, T.byteOffset, cols, rows, rows, cols);
      } else T.set(X);
      if (sideR === 1) {
        let basis = QR as Float32Array;
        if (back) {
          basis = views(state).basisT;
          k.transpose(QR.byteOffset, cols, cols, basis.byteOffset);
        }
        k.gemm_nn(
          T.byteOffset,
          cols,
          basis.byteOffset,
          cols,
          out.byteOffset,
          cols,
          rows,
          cols,
          cols,
          0,
          0,
          0,
          0,
        );
      } else out.set(T);
    },
    accumulate(state, grads, weight) {
      const { rows, cols, sideL, sideR, L, R } = state;
      const { gt, gram } = views(state);
      const g = grads as Float32Array;
      if (sideL === 1) {
        // G·Gᵀ = (Gᵀ)ᵀ·Gᵀ.
        k.transpose(g.byteOffset, rows, cols, gt.byteOffset);
        k.gemm_tn(gt.byteOffset, rows, gt.byteOffset, rows, gram.byteOffset, rows, cols, rows, rows);
        lerp(L, gram, weight); // over L's rows² (gram holds the longest side²)
      }
      if (sideR === 1) {
        k.gemm_tn(g.byteOffset, cols, g.byteOffset, cols, gram.byteOffset, cols, rows, cols, cols);
        lerp(R, gram, weight);
      }
    },
  };
  const step = soapStepper(optimizer.hp, products);
  return (params, grads, state) => step(params, grads, state as SoapState);
}
