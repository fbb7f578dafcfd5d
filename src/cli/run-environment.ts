import { existsSync } from "node:fs";
import { loadDataset } from "../data/index.js";
import type { DataSplit } from "../data/types.js";
import type { RunEnvironment } from "../lab/runspec.js";
import { createReferenceEngine } from "../nn/reference-engine.js";
import { createWasmEngineFactory } from "../nn/wasm-engine.js";
import { InputTypeError } from "../util/errors.js";
import { kernelWasmPath, loadKernelModule } from "./mnist-kernels.js";

/**
 * Runs in Node: data sets loaded once per process (by name or folder) and the fastest engine available
 * (the WebAssembly SIMD kernels when built; sigmoid networks use the plain TypeScript engine).
 */
export function nodeRunEnvironment(engine: "auto" | "wasm" | "reference" = "auto"): RunEnvironment {
  const cache = new Map<string, DataSplit>();
  if (engine !== "auto" && engine !== "wasm" && engine !== "reference") {
    throw new InputTypeError(`--engine must be auto, wasm or reference, got ${JSON.stringify(engine)}`);
  }
  const useWasm = engine === "wasm" || (engine === "auto" && existsSync(kernelWasmPath()));
  return {
    loadData(name) {
      let data = cache.get(name);
      if (data === undefined) {
        data = loadDataset(name);
        cache.set(name, data);
      }
      return data;
    },
    engineFactory: useWasm ? createWasmEngineFactory(loadKernelModule()) : createReferenceEngine,
    now: () => performance.now(),
  };
}
