import { existsSync, readFileSync } from "node:fs";
import type { BatchEngineFactory } from "../nn/engine.js";
import { compileKernels } from "../nn/kernels/wasm-kernels.js";
import type { NetworkConfig } from "../nn/layout.js";
import { createReferenceEngine } from "../nn/reference-engine.js";
import { createWasmEngineFactory } from "../nn/wasm-engine.js";
import { InputRangeError, InputTypeError } from "../util/errors.js";
import { projectPath } from "../util/project.js";

export interface EngineChoice {
  readonly kind: string;
  readonly factory: BatchEngineFactory;
  /** The compiled kernels, for worker threads (null for the reference engine). */
  readonly module?: WebAssembly.Module | null;
  readonly note?: string;
}

/** Where `npm run build:wasm` (run by `npm ci` through `prepare`) writes the SIMD kernels. */
export function kernelWasmPath(): string {
  return projectPath("build", "wasm", "kernels.wasm");
}

let compiled: WebAssembly.Module | undefined;

/** Reads and compiles the kernels once per process (Node; a browser would fetch the same file). */
export function loadKernelModule(): WebAssembly.Module {
  if (!compiled) {
    const path = kernelWasmPath();
    if (!existsSync(path))
      throw new InputRangeError(`--engine wasm: ${path} is missing; build it with: npm run build:wasm`);
    compiled = compileKernels(readFileSync(path));
  }
  return compiled;
}

/** Picks the training engine for `--engine auto|wasm|reference`. */
export async function chooseEngine(name: string, config: NetworkConfig): Promise<EngineChoice> {
  if (name === "reference") return { kind: "reference", factory: createReferenceEngine };
  if (name === "wasm") return wasmChoice();
  if (name !== "auto")
    throw new InputTypeError(`--engine must be auto, wasm or reference, got ${JSON.stringify(name)}`);
  if (config.activation !== "relu") {
    return {
      kind: "reference",
      factory: createReferenceEngine,
      note: "sigmoid runs on the plain TypeScript engine (slow)",
    };
  }
  if (!existsSync(kernelWasmPath())) {
    return {
      kind: "reference",
      factory: createReferenceEngine,
      note: `${kernelWasmPath()} is missing (npm run build:wasm); using the plain TypeScript engine (slow)`,
    };
  }
  return wasmChoice();
}

function wasmChoice(): EngineChoice {
  const module = loadKernelModule();
  return { kind: "wasm-simd", factory: createWasmEngineFactory(module), module };
}
