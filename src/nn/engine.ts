import type { Optimizer } from "../optim/types.js";
import type { NetworkConfig, NetworkLayout } from "./layout.js";
import type { CrossEntropy } from "./reference-kernels.js";

/**
 * Several copies of one network architecture trained side by side on the same batches (one copy per
 * optimizer of a paired run). Each copy's parameters and gradients are one flat float32 buffer in the
 * book's layout (W1, b1, W2, …), so an optimizer steps a copy with one `step(params(i), grads(i), state)`.
 *
 * Use: write m rows into `batchInput` / `batchLabels`, call `prepareBatch(m)`, then any number of
 * `gradient`, `loss`, `evaluate` calls on any copy.
 */
export interface BatchEngine {
  /** "reference" (plain TypeScript) or "wasm-simd". */
  readonly kind: string;
  readonly config: NetworkConfig;
  readonly layout: NetworkLayout;
  readonly networks: number;
  readonly maxBatch: number;
  readonly batchInput: Float32Array;
  readonly batchLabels: Int32Array;
  params(network: number): Float32Array;
  grads(network: number): Float32Array;
  prepareBatch(m: number): void;
  /** Backpropagation on the prepared batch: fills `grads(network)`, returns the book's loss (before the update). */
  gradient(network: number, m: number): number;
  /** The book's loss on the prepared batch: mean cross-entropy + ½·λ·ΣW². */
  loss(network: number, m: number): number;
  /** Cross-entropy sum and correct count on the prepared batch (no weight decay). */
  evaluate(network: number, m: number): CrossEntropy;
  /**
   * Optionally, the same optimizer stepping network `network` faster (e.g. a SIMD kernel over state kept
   * in the engine's memory). Same formulas, same state fields; float32 rounding may differ.
   */
  accelerate?(network: number, optimizer: Optimizer): Optimizer;
  /**
   * How the optimizer last given to `accelerate(network, …)` has stepped so far: one entry for the whole buffer
   * (slot "all"), or one per slot of parameter groups. Empty before `accelerate`.
   */
  stepPaths?(network: number): readonly StepPathCount[];
  /**
   * The network's own initial parameters for a seed, when they are not the MLP's (`initialParameters(config, seed)`
   * of `init.ts`): the conv engine's He init. `trainPaired` starts every copy from them.
   */
  initialParameters?(seed: number): Float64Array;
}

/** How one part of a network's optimizer stepped: the whole buffer (`slot` "all") or one slot of parameter groups. */
export interface StepPathCount {
  readonly slot: string;
  readonly optimizer: string;
  /** True when this part has a SIMD step (it takes it whenever its state and arrays are in kernel memory). */
  readonly hasSimdStep: boolean;
  /** Steps taken on the SIMD path and on the plain loop. */
  simd: number;
  plain: number;
}

/** Makes an engine of `networks` copies for batches of up to `maxBatch` rows. */
export type BatchEngineFactory = (config: NetworkConfig, networks: number, maxBatch: number) => BatchEngine;
