// `npm run bench:mnist`: the seed's MNIST workload W1 (4 optimizers × 2000 iterations, batch 128,
// 784-100×4-10, loss recomputed after each update: 735.6 GFLOP of matrix products) and a shorter variant,
// on the WebAssembly SIMD engine, single thread and split over worker threads; plus the float32 Adam
// step on 10⁶ parameters. Prints wall time, GFLOP/s and the share of the machine's float32 peak.
//
//   node build/bench/mnist.js [--repeat 3] [--only short|w1|adam] [--workers 2]
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { median } from "../src/lab/stats.js";
import { trainPaired } from "../src/lab/train.js";
import { compileKernels } from "../src/nn/kernels/wasm-kernels.js";
import { BOOK_NETWORK, type NetworkConfig, networkLayout } from "../src/nn/layout.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";
import { kernelWasmPath } from "../src/run/engines.js";
import { shareData, trainPairedInWorkers, workerScriptPath } from "../src/run/mnist-parallel.js";
import { timeSimdAdam } from "./mnist-adam.js";

/** float32 GEMM peak of one core here (OpenBLAS, 2048³), from ../shared/notes/performance-facts.md. */
const PEAK_PER_CORE = 83;
const W1_OPTIMIZERS = ["sgd", "momentum", "adagrad", "adam"];

const { values } = parseArgs({
  options: {
    repeat: { type: "string", default: "3" },
    only: { type: "string" },
    workers: { type: "string" },
  },
});
const repeat = Number(values.repeat);

/** Multiply-add flops of one paired iteration per network: two forwards, dW everywhere, dX except layer 1. */
export function flopsPerIteration(config: NetworkConfig, batch: number): number {
  const layers = networkLayout(config).layers;
  const products = layers.reduce((sum, l) => sum + l.fanIn * l.fanOut, 0);
  const inputGradients = layers.slice(1).reduce((sum, l) => sum + l.fanIn * l.fanOut, 0);
  return 2 * batch * (2 * products + products + inputGradients);
}

const module = compileKernels(readFileSync(kernelWasmPath()));
const data = loadMnistSample();
const shared = shareData(data);
const script = workerScriptPath();
const cores = availableParallelism();
const workers = Math.min(Number(values.workers ?? Math.min(2, cores)), W1_OPTIMIZERS.length);

async function runWorkload(iterations: number, threads: number): Promise<number> {
  const plan = { seed: 1, iterations, batchSize: 128, evalEvery: 0, checkpointEvery: iterations };
  const started = performance.now();
  if (threads === 1) {
    const optimizers = W1_OPTIMIZERS.map((spec) => ({ label: spec, optimizer: createOptimizer(spec) }));
    const engine = createWasmEngineFactory(module)(BOOK_NETWORK, optimizers.length, 128);
    trainPaired(engine, data, { ...plan, optimizers });
  } else {
    if (!script) throw new Error("bench: build first (npm run build)");
    await trainPairedInWorkers({
      script,
      workers: threads,
      specs: W1_OPTIMIZERS,
      config: BOOK_NETWORK,
      data: shared,
      module,
      plan,
      callbacks: {},
    });
  }
  return (performance.now() - started) / 1000;
}

const rows: string[][] = [];
const header = ["workload", "threads", "GFLOP", "wall s (median)", "all runs s", "GFLOP/s", "share of peak"];

async function measure(name: string, iterations: number): Promise<void> {
  const gflop = (flopsPerIteration(BOOK_NETWORK, 128) * W1_OPTIMIZERS.length * iterations) / 1e9;
  for (const threads of [1, workers]) {
    if (threads === 1 && workers === 1 && rows.some((r) => r[0] === name)) continue;
    const times: number[] = [];
    for (let r = 0; r < repeat; r++) times.push(await runWorkload(iterations, threads));
    const t = median(times);
    const rate = gflop / t;
    rows.push([
      name,
      String(threads),
      gflop.toFixed(1),
      t.toFixed(2),
      times.map((x) => x.toFixed(2)).join(" "),
      rate.toFixed(1),
      `${((100 * rate) / (PEAK_PER_CORE * threads)).toFixed(0)} % of ${PEAK_PER_CORE * threads}`,
    ]);
    console.log(rows[rows.length - 1].join(" | "));
    if (workers === 1) break;
  }
}

function adamBench(): void {
  console.log("\nfloat32 Adam step on 10⁶ parameters (median of 50 steps; target ≤ 2.1 ms):");
  for (const { spec, simdMs, plainMs } of timeSimdAdam(module)) {
    console.log(
      `${spec.padEnd(10)} | SIMD wasm ${simdMs.toFixed(2)} ms | plain JS (src/optim) ${plainMs.toFixed(2)} ms`,
    );
  }
}

console.log(`optlab bench:mnist — ${cores} cores, repeat ${repeat}, workers ${workers}`);
console.log(header.join(" | "));
if (!values.only || values.only === "short") await measure("W1-short (200 it)", 200);
if (!values.only || values.only === "w1") await measure("W1 (2000 it)", 2000);
if (!values.only || values.only === "adam") adamBench();
console.log(
  "\nReference on this machine (performance-facts.md): PyTorch 2 threads 21.9 s, numpy f32 26.3 s, numpy f64 41.9 s.",
);
