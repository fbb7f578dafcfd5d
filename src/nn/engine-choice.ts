import { InputTypeError } from "../util/errors.js";
import type { BatchEngineFactory } from "./engine.js";
import type { NetworkConfig } from "./layout.js";
import { createReferenceEngine } from "./reference-engine.js";
import { createWasmEngineFactory } from "./wasm-engine.js";

/** What `--engine` (and a run spec's engine) may name. */
export type EngineName = "auto" | "wasm" | "reference";
export const ENGINE_NAMES: readonly EngineName[] = ["auto", "wasm", "reference"];

/** The engine a run trains on, and the compiled kernels to hand to worker threads (null for the reference). */
export interface EngineChoice {
  readonly kind: "wasm-simd" | "reference";
  readonly factory: BatchEngineFactory;
  readonly module: WebAssembly.Module | null;
  /** Why `auto` fell back to the plain engine, for the user. */
  readonly note?: string;
}

/** Reads an engine name, refusing anything else in one line. */
export function parseEngineName(raw: string | undefined, field = "--engine"): EngineName {
  if (raw === undefined) return "auto";
  if (!(ENGINE_NAMES as readonly string[]).includes(raw))
    throw new InputTypeError(`${field} must be auto, wasm or reference, got ${JSON.stringify(raw)}`);
  return raw as EngineName;
}

/**
 * The one rule for choosing the training engine, in Node and in the browser: `reference` is the plain
 * TypeScript engine; `wasm` needs the compiled SIMD kernels; `auto` takes the kernels when they are there and the
 * network is a ReLU one (sigmoid runs on the plain engine), and says why when it falls back.
 * `module` is the compiled kernels or null; `missing` says where they would have come from.
 */
export function selectEngine(
  name: EngineName,
  config: Pick<NetworkConfig, "activation">,
  module: WebAssembly.Module | null,
  missing = "the WebAssembly kernels are not built",
): EngineChoice {
  const reference = (note?: string): EngineChoice => ({
    kind: "reference",
    factory: createReferenceEngine,
    module: null,
    ...(note ? { note } : {}),
  });
  if (name === "reference") return reference();
  if (name === "auto" && config.activation !== "relu")
    return reference(`${config.activation} runs on the plain TypeScript engine (slow)`);
  if (module === null) {
    if (name === "wasm") throw new InputTypeError(`--engine wasm: ${missing}`);
    return reference(`${missing}; using the plain TypeScript engine (slow)`);
  }
  return { kind: "wasm-simd", factory: createWasmEngineFactory(module), module };
}
