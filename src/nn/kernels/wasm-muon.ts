import type { MatrixProducts } from "../../optim/linalg.js";
import type { OptaxMuonOptimizer, OptaxMuonState } from "../../optim/optax-muon.js";
import type { FloatArray, Optimizer, OptimizerState } from "../../optim/types.js";
import * as K from "./simd-steps.gen.js";
import type { KernelExports } from "./wasm-kernels.js";

/** Floats of kernel memory the float32 Muon step needs for a rows×cols parameter (X, Xᵀ, Y, U, O; A, A·A). */
export function muonScratchFloats(rows: number, cols: number): number {
  const n = rows * cols;
  const k = Math.min(rows, cols);
  return 5 * (n + 4) + 2 * (k * k + 4);
}

/**
 * torch.optim.Muon (src/optim/muon.ts) in float32 on the kernels: the momentum buffer and the Newton–Schulz
 * combinations are generated element-wise kernels, the three products per iteration (A = X·Xᵀ, A·A, B·X) are
 * gemm_nn, with Xᵀ made by the transpose kernel. `scratch` must hold muonScratchFloats(rows, cols) floats and,
 * like the parameters, gradients and state, live in the kernels' memory. The engine's flat parameter buffer is
 * no matrix: the engines step Muon's matrix slots of parameter groups with it (accelerate.ts), and the benchmarks
 * time it; `null` for any other optimizer.
 */
export function muonSimdStep(
  kernels: KernelExports,
  optimizer: Optimizer,
  scratch: Float32Array,
): ((params: Float32Array, grads: Float32Array, state: OptimizerState) => void) | null {
  if (optimizer.id !== "muon") return null;
  const hp = optimizer.hp;
  const mu = hp.momentum as number;
  const nesterov = hp.nesterov as boolean;
  const weightDecay = hp.weightDecay as number;
  const [ca, cb, cc] = [hp.nsA as number, hp.nsB as number, hp.nsC as number];
  const steps = hp.nsSteps as number;
  const eps = hp.eps as number;
  const matchRms = hp.matchRmsAdamw as boolean;
  const weight = 1 - mu;
  const k = kernels;
  return (params, grads, state) => {
    state.t = (state.t as number) + 1;
    const lr = state.lr as number;
    const rows = state.rows as number;
    const cols = state.cols as number;
    const n = rows * cols;
    const transposed = rows > cols;
    const kk = transposed ? cols : rows;
    const w = transposed ? rows : cols;
    let at = 0;
    const take = (length: number) => {
      const view = scratch.subarray(at, at + length);
      at += length + 4;
      return view;
    };
    const u = take(n);
    const o = take(n);
    let x = take(n);
    let y = take(n);
    const xt = take(n);
    const gram = take(kk * kk);
    const square = take(kk * kk);
    K.muonMomentumKernel(
      k,
      nesterov,
      weight < 0.5,
      mu < 0.5,
      grads,
      { b: state.b, u },
      weight,
      1 - weight,
      mu,
      1 - mu,
    );
    // X: the wide orientation (k ≤ w), normalised by its Frobenius norm.
    if (transposed) k.transpose(u.byteOffset, rows, cols, x.byteOffset);
    else x.set(u);
    K.sumSquaresKernel(k, x);
    const sums = new Float64Array(k.memory.buffer, k.reduction_ptr(), 1);
    K.divideKernel(k, x, Math.max(Math.sqrt(sums[0]), eps));
    for (let step = 0; step < steps; step++) {
      k.transpose(x.byteOffset, kk, w, xt.byteOffset);
      k.gemm_nn(x.byteOffset, w, xt.byteOffset, kk, gram.byteOffset, kk, kk, w, kk, 0, 0, 0, 0);
      k.gemm_nn(gram.byteOffset, kk, gram.byteOffset, kk, square.byteOffset, kk, kk, kk, kk, 0, 0, 0, 0);
      K.nsCombineKernel(k, gram, square, cb, cc);
      k.gemm_nn(gram.byteOffset, kk, x.byteOffset, w, y.byteOffset, w, kk, kk, w, 0, 0, 0, 0);
      K.nsStepKernel(k, y, x, ca);
      const swap = x;
      x = y;
      y = swap;
    }
    if (transposed) k.transpose(x.byteOffset, kk, w, o.byteOffset);
    else o.set(x);
    const ratio = matchRms ? 0.2 * Math.sqrt(Math.max(rows, cols)) : Math.sqrt(Math.max(1, rows / cols));
    K.muonApplyKernel(k, params, o, 1 - lr * weightDecay, -(lr * ratio));
  };
}

/** Floats of kernel memory the float32 optax Muon step needs for a rows×cols parameter: Xᵀ for the Gram product. */
export function optaxMuonScratchFloats(rows: number, cols: number): number {
  return rows * cols + 4;
}

/**
 * optax.contrib.muon (src/optim/optax-muon.ts) in float32 with the Newton–Schulz products on the kernels: X·Xᵀ by
 * the transpose kernel and gemm_nn, the other two products by gemm_nn; every other operation (momentum, the
 * preconditionings, the spectral norm's eigenvalues, the adaptive scale, the step) is optax Muon's own loop over the
 * float32 state. `scratch` holds optaxMuonScratchFloats(rows, cols) floats; the parameters, gradients, state and
 * scratch live in the kernels' memory. `null` for any other optimizer.
 */
export function optaxMuonSimdStep(
  kernels: KernelExports,
  optimizer: Optimizer,
  scratch: Float32Array,
): ((params: Float32Array, grads: Float32Array, state: OptimizerState) => void) | null {
  if (optimizer.id !== "optax-muon") return null;
  const k = kernels;
  const at = (array: FloatArray) => (array as Float32Array).byteOffset;
  const products: MatrixProducts = {
    gram(a, r, c, out) {
      k.transpose(at(a), r, c, scratch.byteOffset);
      k.gemm_nn(at(a), c, scratch.byteOffset, r, at(out), r, r, c, r, 0, 0, 0, 0);
    },
    matMul(a, b, r, inner, c, out) {
      k.gemm_nn(at(a), inner, at(b), c, at(out), c, r, inner, c, 0, 0, 0, 0);
    },
  };
  const step = (optimizer as OptaxMuonOptimizer).matrixStepWith(products);
  return (params, grads, state) => step(params, grads, state as OptaxMuonState);
}
