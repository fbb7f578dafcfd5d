/**
 * The book's MultiLayerNet on one flat parameter buffer: layout, initialisation, the seeded random streams, the
 * plain TypeScript engine and the WebAssembly SIMD engine (with the rule that chooses between them).
 */
export type { BatchEngine, BatchEngineFactory } from "./engine.js";
export * from "./engine-choice.js";
export { initialParameters } from "./init.js";
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
