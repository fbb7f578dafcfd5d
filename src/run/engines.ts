import { existsSync, readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import {
  ACCELERATED_STATE_ARRAYS,
  acceleratedScratchFloats,
  compileKernels,
  type EngineChoice,
  type EngineName,
  type NetworkConfig,
  networkLayout,
  selectEngine,
} from "../nn/index.js";
import { InputRangeError } from "../util/errors.js";
import { projectPath } from "../util/project.js";

export type { EngineChoice, EngineName } from "../nn/index.js";

/** Where `npm run build:wasm` (run by `npm ci` through `prepare`) writes the SIMD kernels. */
export function kernelWasmPath(): string {
  return projectPath("build", "wasm", "kernels.wasm");
}

/** The relaxed-SIMD build of the same kernels (the products' multiply-adds fused where the machine has FMA). */
export function relaxedKernelWasmPath(): string {
  return projectPath("build", "wasm", "kernels-relaxed.wasm");
}

let compiled: WebAssembly.Module | undefined;
let compiledBuild: KernelBuild | null = null;

/** `relaxed-simd`: build/wasm/kernels-relaxed.wasm; `simd`: build/wasm/kernels.wasm (the fallback). */
export type KernelBuild = "relaxed-simd" | "simd";

/**
 * Reads and compiles the kernels once per process; null when they are not built. Prefers the relaxed-SIMD build:
 * Node 20 compiles it only with --experimental-wasm-relaxed-simd, a V8 flag that Worker `execArgv` refuses
 * (ERR_WORKER_INVALID_EXEC_ARGV), so it is set here for the whole process (v8.setFlagsFromString, before any
 * worker starts: workers receive this compiled module). When the flag or the build is unavailable, or
 * OPTLAB_SIMD=plain, the plain SIMD build is used.
 */
export function loadKernelModule(): WebAssembly.Module | null {
  if (compiled) return compiled;
  const relaxed = process.env.OPTLAB_SIMD === "plain" ? undefined : compileRelaxed();
  if (relaxed !== undefined) {
    compiled = relaxed;
    compiledBuild = "relaxed-simd";
    return compiled;
  }
  const path = kernelWasmPath();
  if (!existsSync(path)) return null;
  compiled = compileKernels(readFileSync(path));
  compiledBuild = "simd";
  return compiled;
}

/** Which build `loadKernelModule` compiled (null before it has). */
export function loadedKernelBuild(): KernelBuild | null {
  return compiledBuild;
}

function compileRelaxed(): WebAssembly.Module | undefined {
  const path = relaxedKernelWasmPath();
  if (!existsSync(path)) return undefined;
  try {
    setFlagsFromString("--experimental-wasm-relaxed-simd");
    return compileKernels(readFileSync(path));
  } catch {
    return undefined;
  }
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

/**
 * Most bytes the training buffers of one run may take. The WebAssembly kernels address at most 4 GiB (wasm32)
 * and Node's default old-space heap is about 2–4 GiB; 2 GiB leaves room beside them for the data set and the
 * journal. The book's network (≈ 0.1 M parameters) × 6 optimizers needs ≈ 28 MB in the kernels, so this is about 75× the default.
 */
export const TRAINING_MEMORY_BUDGET = 2 * 1024 ** 3;

/**
 * Estimated bytes of `networks` networks of `config` trained with batches of `batch` (float32 in the kernels,
 * float64 in the reference engine): per network params, grads and the optimizer state pool the wasm engine reserves
 * (ACCELERATED_STATE_ARRAYS parameter-sized arrays: the most any optimizer with a SIMD step keeps, alone, wrapped in
 * cautious or in parameter groups, SOAP per matrix with maxPrecondDim ≤ 512 included), activations and deltas for a batch; shared, the batch in dense and two sparse
 * forms, one transposed weight matrix and the float32 Muon and SOAP steps' scratch for the largest matrix. A SOAP
 * that rotates a side longer than 512 (the reference's maxPrecondDim on 784 inputs) or an optimizer without a SIMD
 * step (optax-muon, L-BFGS) holds its state in the JavaScript heap, on top of this.
 */
export function trainingBytes(config: NetworkConfig, networks: number, batch: number, kind: string): number {
  const sizes = [config.inputSize, ...config.hiddenSizes, config.outputSize];
  let parameters = 0;
  let largestLayer = 0;
  let units = 0;
  for (let l = 1; l < sizes.length; l++) {
    parameters += sizes[l - 1] * sizes[l] + sizes[l];
    largestLayer = Math.max(largestLayer, sizes[l - 1] * sizes[l]);
    units += sizes[l];
  }
  const perNetwork = (2 + ACCELERATED_STATE_ARRAYS) * parameters + 2 * batch * units;
  const shared =
    6 * batch * config.inputSize + largestLayer + acceleratedScratchFloats(networkLayout(config));
  return (networks * perNetwork + shared) * (kind.startsWith("wasm") ? 4 : 8);
}

/** Refuses, in one line naming the budget, a training run whose buffers would not fit (`--hidden 1e5,1e5`). */
export function checkTrainingMemory(
  config: NetworkConfig,
  networks: number,
  batch: number,
  kind: string,
  what = "--hidden",
): void {
  const bytes = trainingBytes(config, networks, batch, kind);
  if (!(bytes <= TRAINING_MEMORY_BUDGET)) {
    const gib = (n: number) => `${(n / 1024 ** 3).toFixed(n < 1024 ** 3 ? 2 : 1)} GiB`;
    throw new InputRangeError(
      `${what}: ${networks} network${networks === 1 ? "" : "s"} of ${[config.inputSize, ...config.hiddenSizes, config.outputSize].join("-")} with batches of ${batch} need about ${gib(bytes)} for the ${kind} engine, more than the ${gib(TRAINING_MEMORY_BUDGET)} training-memory budget`,
    );
  }
}
