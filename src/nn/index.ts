/**
 * The book's MultiLayerNet on one flat parameter buffer: layout, initialisation, the seeded random streams, the
 * plain TypeScript engine and the WebAssembly SIMD engine (with the rule that chooses between them); and the book's
 * SimpleConvNet (ch. 7) beside it: conv layout with parameter roles, plain TypeScript reference, SIMD conv engine.
 */
export {
  type ConvBatchEngine,
  type ConvBatchEngineFactory,
  type ConvKernelExports,
  convTrainingStart,
  createConvEngineFactory,
  createConvReferenceEngine,
} from "./conv-engine.js";
export * from "./conv-layout.js";
export {
  convBackward,
  convForward,
  convInitialParameters,
  maxPoolBackward,
  maxPoolForward,
  SimpleConvNet,
} from "./conv-network.js";
export type { BatchEngine, BatchEngineFactory, StepPathCount } from "./engine.js";
export * from "./engine-choice.js";
export { initialParameters } from "./init.js";
export {
  ACCELERATED_STATE_ARRAYS,
  acceleratedScratchFloats,
  acceleratedStateFloats,
} from "./kernels/accelerate.js";
export {
  compileKernels,
  compileKernelsAsync,
  instantiateKernels,
  type KernelExports,
} from "./kernels/wasm-kernels.js";
export { simdStep } from "./kernels/wasm-optimizers.js";
export * from "./layout.js";
export { MultiLayerNet } from "./network.js";
export { type RandomStream, SeededRandom } from "./random.js";
export { createReferenceEngine } from "./reference-engine.js";
export * from "./reference-kernels.js";
export { createWasmEngineFactory } from "./wasm-engine.js";
