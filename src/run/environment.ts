import type { DataSplit } from "../data/index.js";
import type { RunEnvironment } from "../lab/runspec.js";
import {
  type ConvBatchEngineFactory,
  createConvEngineFactory,
  createConvReferenceEngine,
  type EngineName,
} from "../nn/index.js";
import { loadDataset } from "./datasets.js";
import { chooseEngine, loadKernelModule } from "./engines.js";

/**
 * Runs in Node: data sets loaded once per process (by name or folder) and the engine `chooseEngine` picks for
 * each network (the WebAssembly SIMD kernels when built; sigmoid networks use the plain TypeScript engine); the
 * conv network on the SIMD conv engine when the kernels are built (else, or with `reference`, the plain one).
 */
export function nodeRunEnvironment(engine: EngineName = "auto"): RunEnvironment {
  const cache = new Map<string, DataSplit>();
  return {
    loadData(name) {
      let data = cache.get(name);
      if (data === undefined) {
        data = loadDataset(name);
        cache.set(name, data);
      }
      return data;
    },
    engineFactory: (config, networks, batch) => chooseEngine(engine, config).factory(config, networks, batch),
    convEngineFactory: (net, networks, batch) => convFactory(engine)(net, networks, batch),
    now: () => performance.now(),
  };
}

let convSimd: ConvBatchEngineFactory | undefined;

function convFactory(engine: EngineName): ConvBatchEngineFactory {
  if (engine === "reference") return createConvReferenceEngine;
  const module = loadKernelModule();
  if (module === null) {
    if (engine === "wasm") chooseEngine(engine, { activation: "relu" }); // refuses in one line: kernels missing
    return createConvReferenceEngine;
  }
  convSimd ??= createConvEngineFactory(module);
  return convSimd;
}
