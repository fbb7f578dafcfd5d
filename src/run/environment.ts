import type { DataSplit } from "../data/index.js";
import type { RunEnvironment } from "../lab/runspec.js";
import type { EngineName } from "../nn/index.js";
import { loadDataset } from "./datasets.js";
import { chooseEngine } from "./engines.js";

/**
 * Runs in Node: data sets loaded once per process (by name or folder) and the engine `chooseEngine` picks for
 * each network (the WebAssembly SIMD kernels when built; sigmoid networks use the plain TypeScript engine).
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
    now: () => performance.now(),
  };
}
