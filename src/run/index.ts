/**
 * Node's runners: data sets from disk, the engine choice with the compiled kernels, worker pools for run specs,
 * paired MNIST training with its resume journal, and the stage loop of a study. Typed plans in, typed results out;
 * no argv, no prose.
 */

export { CHROMIUM_ARGS, chromiumPath, printToPdf } from "./chromium.js";
export * from "./datasets.js";
export * from "./engines.js";
export * from "./environment.js";
export * from "./experiments.js";
export * from "./idx-files.js";
export * from "./landscape-slice.js";
export * from "./mnist.js";
export { shareData, trainPairedInWorkers, workerScriptPath } from "./mnist-parallel.js";
export * from "./pool.js";
export * from "./study.js";
