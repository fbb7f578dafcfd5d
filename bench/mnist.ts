// `npm run bench:mnist`: the seed's MNIST workload W1 (4 optimizers × 2000 iterations, batch 128,
// 784-100×4-10, loss recomputed after each update: 735.6 GFLOP of matrix products) and a shorter variant,
// on the WebAssembly SIMD engine, single thread and split over worker threads; plus the float32 Adam
// step on 10⁶ parameters. Prints wall time, GFLOP/s and the share of the machine's float32 peak.
//
// Also: every optimizer's training update (gradient + step + the post-update loss) against SGD's, measured
// interleaved in one engine (src/lab/step-cost.ts), the float32 SIMD step of each.
//
//   node build/bench/mnist.js [--repeat 3] [--only short|w1|adam|step-cost] [--workers 2] [--json] [--simd plain]
//
// --json prints one object per line instead of the tables:
//   {"workload","threads","iterations","wall_s":{"median","min","max"},"gflops","kernels"}   (W1, W1-short)
//   {"workload":"step-cost","optimizer","dtype","engine","threads","n","ms":{"mean","median","min","max"},"ratio_to_sgd"} (of the means)
// --simd plain uses build/wasm/kernels.wasm instead of the relaxed-SIMD build (OPTLAB_SIMD=plain does the same).
import { availableParallelism } from "node:os";
import { createNetworkOptimizer } from "../src/lab/network-optimizer.js";
import { median } from "../src/lab/stats.js";
import { measureStepCosts } from "../src/lab/step-cost.js";
import { trainPaired } from "../src/lab/train.js";
import { NO_SIMD_STEP } from "../src/nn/kernels/wasm-optimizers.js";
import { BOOK_NETWORK, type NetworkConfig, networkLayout } from "../src/nn/layout.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer, optimizerIds } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";
import { loadedKernelBuild, loadKernelModule } from "../src/run/engines.js";
import { shareData, trainPairedInWorkers, workerScriptPath } from "../src/run/mnist-parallel.js";
import { benchArgs } from "./args.js";
import { timeSimdAdam } from "./mnist-adam.js";
import { markdownTable } from "./stats.js";

/** float32 GEMM peak of one core here (OpenBLAS, 2048³), from ../shared/notes/performance-facts.md. */
const PEAK_PER_CORE = 83;
const W1_OPTIMIZERS = ["sgd", "momentum", "adagrad", "adam"];

const { values } = benchArgs("bench:mnist", {
  repeat: { type: "string", default: "3" },
  only: { type: "string" },
  workers: { type: "string" },
  json: { type: "boolean", default: false },
  simd: { type: "string" },
});
const json = values.json === true;
if (values.simd === "plain") process.env.OPTLAB_SIMD = "plain";
const say = (text: string) => {
  if (!json) console.log(text);
};
const repeat = Number(values.repeat);

/** Multiply-add flops of one paired iteration per network: two forwards, dW everywhere, dX except layer 1. */
export function flopsPerIteration(config: NetworkConfig, batch: number): number {
  const layers = networkLayout(config).layers;
  const products = layers.reduce((sum, l) => sum + l.fanIn * l.fanOut, 0);
  const inputGradients = layers.slice(1).reduce((sum, l) => sum + l.fanIn * l.fanOut, 0);
  return 2 * batch * (2 * products + products + inputGradients);
}

const loaded = loadKernelModule();
if (loaded === null) throw new Error("bench: build the kernels first (npm run build:wasm)");
const module = loaded;
const build = loadedKernelBuild();
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
    if (json) {
      console.log(
        JSON.stringify({
          workload: name.startsWith("W1 ") ? "W1" : "W1-short",
          threads,
          iterations,
          wall_s: { median: t, min: Math.min(...times), max: Math.max(...times) },
          gflops: rate,
          kernels: build,
        }),
      );
    }
    rows.push([
      name,
      String(threads),
      gflop.toFixed(1),
      t.toFixed(2),
      times.map((x) => x.toFixed(2)).join(" "),
      rate.toFixed(1),
      `${((100 * rate) / (PEAK_PER_CORE * threads)).toFixed(0)} % of ${PEAK_PER_CORE * threads}`,
    ]);
    say(rows[rows.length - 1].join(" | "));
    if (workers === 1) break;
  }
}

function adamBench(): void {
  say("\nfloat32 Adam step on 10⁶ parameters (median of 50 steps; target ≤ 2.1 ms):");
  for (const { spec, simdMs, plainMs } of timeSimdAdam(module)) {
    say(
      `${spec.padEnd(10)} | SIMD wasm ${simdMs.toFixed(2)} ms | plain JS (src/optim) ${plainMs.toFixed(2)} ms`,
    );
  }
}

/**
 * Target: every optimizer's update ≤ 1.15× SGD's. Each update is gradient + optimizer step + the book's post-update
 * loss, all optimizers in one engine, interleaved update by update (src/lab/step-cost.ts).
 */
function stepCostBench(): void {
  // Every optimizer that takes one gradient per update (L-BFGS evaluates the objective itself); the matrix methods
  // without a SIMD step run their plain loop on the flat parameter buffer, as training does.
  // As training builds them (createNetworkOptimizer): Muon on the hidden matrices with AdamW on the rest, SOAP,
  // Adafactor and SM3 per matrix with its shape, everything else on the whole buffer.
  const layout = networkLayout(BOOK_NETWORK);
  const entries = optimizerIds()
    .filter((id) => createOptimizer(id).stepWithObjective === undefined)
    .map((id) => ({ label: id, optimizer: createNetworkOptimizer(id, layout).optimizer }));
  const costs = measureStepCosts(createWasmEngineFactory(module), BOOK_NETWORK, data.train, entries, {
    iterations: Number(process.env.BENCH_STEP_ITERATIONS ?? 40),
    warmup: 10,
  });
  // The mean: periodic work (SOAP's refresh every 10 updates) counts; the median of the same updates hides it.
  const sgd = costs.find((c) => c.label === "sgd")?.mean ?? Number.NaN;
  const size = networkLayout(BOOK_NETWORK).size;
  const rows = costs.map(({ label, mean, ms, plainSteps, simdSteps }) => {
    const ratio = mean / sgd;
    if (json) {
      console.log(
        JSON.stringify({
          workload: "step-cost",
          optimizer: label,
          dtype: "float32",
          engine: plainSteps > 0 ? "js" : build === "relaxed-simd" ? "wasm-relaxed-simd" : "wasm-simd",
          threads: 1,
          n: size,
          ms: { mean, median: ms.median, min: ms.min, max: ms.max },
          ratio_to_sgd: ratio,
        }),
      );
    }
    return [
      label,
      mean.toFixed(3),
      ms.median.toFixed(3),
      ms.min.toFixed(3),
      ratio.toFixed(3),
      ratio <= 1.15 ? "yes" : "no",
      plainSteps === 0 ? "SIMD" : `plain on ${plainSteps} of ${plainSteps + simdSteps} part steps`,
    ];
  });
  say(
    `\nOne training update (gradient + step + loss, batch 128, ${size} parameters), interleaved, ${build} kernels:`,
  );
  say(
    markdownTable(
      ["optimizer", "ms (mean)", "ms (median)", "ms (min)", "× SGD (means)", "≤ 1.15× SGD", "step path"],
      rows,
    ),
  );
  for (const { label, plainSteps, simdSteps } of costs) {
    if (plainSteps > 0) {
      const why = NO_SIMD_STEP[label] ?? "its state or arrays are not in kernel memory";
      say(`plain loop on ${plainSteps} of ${plainSteps + simdSteps} part steps — ${label}: ${why}`);
    }
  }
}

say(`optlab bench:mnist — ${cores} cores, repeat ${repeat}, workers ${workers}, ${build} kernels`);
say(header.join(" | "));
if (!values.only || values.only === "short") await measure("W1-short (200 it)", 200);
if (!values.only || values.only === "w1") await measure("W1 (2000 it)", 2000);
if (!values.only || values.only === "adam") adamBench();
if (!values.only || values.only === "step-cost") stepCostBench();
say(
  "\nCompare with PyTorch measured beside this run: ../shared/perf-reference/run.sh w1 (same workload, 2 threads).",
);
