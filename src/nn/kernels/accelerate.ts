import { type GroupAssignment, isParameterGroups, parameterGroups } from "../../optim/groups.js";
import type { DType, FloatArray, Optimizer, OptimizerState } from "../../optim/types.js";
import type { StepPathCount } from "../engine.js";
import type { NetworkLayout } from "../layout.js";
import type { KernelExports } from "./wasm-kernels.js";
import { muonScratchFloats, muonSimdStep, optaxMuonScratchFloats, optaxMuonSimdStep } from "./wasm-muon.js";
import { simdStep } from "./wasm-optimizers.js";
import { soapFitsScratch, soapScratchFloats, soapSimdStep } from "./wasm-soap.js";

/**
 * Parameter-sized state arrays an engine reserves per network in kernel memory: the most any element-wise optimizer
 * with a SIMD step keeps (Adam 2, AMSGrad 3, Adan, Prodigy and Schedule-Free AdamW 4, Cautious of those 5), with
 * room for SOAP with one instance per matrix at the fair tier's maxPrecondDim = 512 (m, v, P, T per weight plus its
 * 100-wide bases and scratch: 6.4 parameter-sized arrays on the book's MLP, 4.2 on SimpleConvNet). A composite of
 * parameter groups needs no more than its parts. test/simd-groups.test.ts checks every optimizer of the registry
 * (and its cautious wrapper) against it, test/simd-soap.test.ts SOAP on both networks.
 */
export const ACCELERATED_STATE_ARRAYS = 7;

/** Floats of kernel memory one network's accelerated optimizer state may take (see ACCELERATED_STATE_ARRAYS). */
export function acceleratedStateFloats(layout: NetworkLayout): number {
  return ACCELERATED_STATE_ARRAYS * layout.size;
}

/**
 * Scratch floats the float32 Muon and SOAP steps need for the largest weight matrix of `layout` (parameter groups may
 * give them any matrix; SOAP's sides up to SOAP_SIMD_MAX_SIDE); an engine reserves it once, shared by its networks
 * (their steps never overlap).
 */
export function acceleratedScratchFloats(layout: NetworkLayout): number {
  let most = 0;
  for (const layer of layout.layers) {
    most = Math.max(
      most,
      muonScratchFloats(layer.fanIn, layer.fanOut),
      soapScratchFloats(layer.fanIn, layer.fanOut),
    );
  }
  return most;
}

/**
 * The optimizer stepping with the SIMD kernels over state kept in kernel memory: same formulas, same state fields
 * (so a saved state resumes on either path); anything that does not fit (another size or precision, a pool too
 * small, params not in kernel memory) falls back to the plain step. For parameter groups each slot steps through its
 * own SIMD step where it has one (Muon through Newton–Schulz on the GEMM kernels, AdamW element-wise, …): the
 * composite is rebuilt by `parameterGroups` from wrapped parts, so its fields and its per-slot arithmetic are those
 * of the plain composite. `counts` receives one entry per part, updated at every step.
 *
 * One live state per network: each `init` relocates into the start of `pool` again.
 */
export function accelerateInMemory(
  kernels: KernelExports,
  pool: Float32Array,
  scratch: Float32Array,
  size: number,
  optimizer: Optimizer,
  counts: StepPathCount[],
): Optimizer {
  const inMemory = (array: FloatArray) =>
    array instanceof Float32Array && array.buffer === kernels.memory.buffer;
  /** Every array of `state` in kernel memory (no allocation: the step's guard). */
  const stateInMemory = (state: OptimizerState) => {
    for (const key in state) {
      const value = state[key];
      if (typeof value !== "number" && !inMemory(value)) return false;
    }
    return true;
  };
  const cursor = { used: 0, active: false };

  /** Moves the arrays of a fresh state into the pool, all or none; null when they do not fit. */
  const relocate = (state: OptimizerState): OptimizerState | null => {
    let floats = 0;
    for (const value of Object.values(state)) {
      if (typeof value === "number") continue;
      if (!(value instanceof Float32Array)) return null;
      floats += value.length;
    }
    if (cursor.used + floats > pool.length) return null;
    const relocated: OptimizerState = {};
    for (const [key, value] of Object.entries(state)) {
      if (typeof value === "number") {
        relocated[key] = value;
        continue;
      }
      const view = pool.subarray(cursor.used, cursor.used + value.length);
      view.set(value);
      cursor.used += value.length;
      relocated[key] = view;
    }
    return relocated;
  };

  /** `inner` on one part (slot or whole buffer), stepping fast where its state and arrays are in kernel memory. */
  const part = (inner: Optimizer, slot: string, shape: readonly number[] | undefined): Optimizer => {
    const matrix = shape !== undefined && shape.length === 2 ? shape : undefined;
    const fitsScratch = matrix !== undefined && muonScratchFloats(matrix[0], matrix[1]) <= scratch.length;
    const fast =
      inner.id === "muon"
        ? fitsScratch
          ? muonSimdStep(kernels, inner, scratch)
          : null
        : inner.id === "optax-muon"
          ? matrix !== undefined && optaxMuonScratchFloats(matrix[0], matrix[1]) <= scratch.length
            ? optaxMuonSimdStep(kernels, inner, scratch)
            : null
          : inner.id === "soap"
            ? soapFitsScratch(inner, shape, scratch.length)
              ? soapSimdStep(kernels, inner, scratch)
              : null
            : simdStep(kernels, inner, scratch);
    const count: StepPathCount = { slot, optimizer: inner.id, hasSimdStep: fast !== null, simd: 0, plain: 0 };
    counts.push(count);
    const wrapped: Optimizer = {
      id: inner.id,
      hp: inner.hp,
      meta: inner.meta,
      init(n: number, dtype?: DType, shape?: readonly number[]) {
        const state = inner.init(n, dtype, shape);
        if (fast === null || !cursor.active || dtype !== "float32") return state;
        return relocate(state) ?? state;
      },
      step(params: FloatArray, grads: FloatArray, state: OptimizerState) {
        if (fast !== null && inMemory(params) && inMemory(grads) && stateInMemory(state)) {
          fast(params as Float32Array, grads as Float32Array, state);
          count.simd++;
        } else {
          inner.step(params, grads, state);
          count.plain++;
        }
      },
    };
    // Schedule-Free's x and ASGD's average are where the loss is evaluated: the plain loop computes them.
    const evaluationPoint = inner.evaluationPoint;
    if (evaluationPoint !== undefined) {
      wrapped.evaluationPoint = (params, state, out) => evaluationPoint.call(inner, params, state, out);
    }
    return wrapped;
  };

  const whole: Optimizer = isParameterGroups(optimizer)
    ? parameterGroups(
        optimizer.parts.map(
          (g): GroupAssignment => ({ ...g, optimizer: part(g.optimizer, g.slot.name, g.slot.shape) }),
        ),
        size,
      )
    : part(optimizer, "all", undefined);
  const accelerated: Optimizer = {
    id: whole.id,
    hp: whole.hp,
    meta: whole.meta,
    init(n: number, dtype?: DType) {
      cursor.used = 0;
      cursor.active = dtype === "float32" && n === size;
      try {
        return whole.init(n, dtype);
      } finally {
        cursor.active = false;
      }
    },
    step: (params, grads, state) => whole.step(params, grads, state),
  };
  if (isParameterGroups(whole)) (accelerated as { parts?: unknown }).parts = whole.parts;
  const evaluationPoint = whole.evaluationPoint;
  if (evaluationPoint !== undefined) {
    accelerated.evaluationPoint = (params, state, out) => evaluationPoint.call(whole, params, state, out);
  }
  return accelerated;
}
