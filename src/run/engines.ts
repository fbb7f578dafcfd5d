import { existsSync, readFileSync } from "node:fs";
import {
  compileKernels,
  type EngineChoice,
  type EngineName,
  type NetworkConfig,
  selectEngine,
} from "../nn/index.js";
import { projectPath } from "../util/project.js";

export type { EngineChoice, EngineName } from "../nn/index.js";

/** Where `npm run build:wasm` (run by `npm ci` through `prepare`) writes the SIMD kernels. */
export function kernelWasmPath(): string {
  return projectPath("build", "wasm", "kernels.wasm");
}

let compiled: WebAssembly.Module | undefined;

/** Reads and compiles the kernels once per process; null when they are not built. */
export function loadKernelModule(): WebAssembly.Module | null {
  if (compiled) return compiled;
  const path = kernelWasmPath();
  if (!existsSync(path)) return null;
  compiled = compileKernels(readFileSync(path));
  return compiled;
}

/** Picks the training engine for `--engine auto|wasm|reference` in Node (the rule is `selectEngine`'s). */
export function chooseEngine(name: EngineName, config: Pick<NetworkConfig, "activation">): EngineChoice {
  return selectEngine(
    name,
    config,
    name === "reference" ? null : loadKernelModule(),
    `${kernelWasmPath()} is missing (build it with: npm run build:wasm)`,
  );
}
