// `npm run bench:cnn`: one epoch of the book's SimpleConvNet (ch. 7: conv 30×5×5 → ReLU → pool 2×2/2 → 4320→100
// → ReLU → 100→10 → softmax cross-entropy) on the 60,000 Fashion-MNIST training images, Adam (the book's
// variant), batch 100, on the WebAssembly SIMD conv engine — the work PyTorch does in
// ../shared/perf-reference/cnn_torch.py (forward, backward, step per batch; data already in memory).
//
// Threads: 1 = the main thread alone; 2 = batch halves: the main thread and one worker each compute the gradient
// share of 50 images and swap them through shared memory; both add and step their own replica of Adam.
// Also measured: 2 independent networks (one epoch each, in two workers), the throughput two cores give
// when there are several runs to make (a paired comparison, a study's trials).
//
//   node build/bench/cnn.js [--threads 1,2] [--images 60000] [--repeat 1] [--independent] [--forward direct|im2col] [--json]
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { gatherBatch, type ImageSet } from "../src/data/types.js";
import { median } from "../src/lab/stats.js";
import { createConvEngineFactory } from "../src/nn/conv-engine.js";
import { BOOK_CONV_NETWORK, convNetLayout } from "../src/nn/conv-layout.js";
import { compileKernels, instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { SeededRandom } from "../src/nn/random.js";
import { createOptimizer } from "../src/optim/index.js";
import { loadDataset } from "../src/run/datasets.js";
import { kernelWasmPath } from "../src/run/engines.js";
import { benchArgs } from "./args.js";

const BATCH = 100;
/** The forward convolution: `direct` (the engine's default) or `im2col` (`--forward im2col`), handed to workers. */
const FORWARD: "direct" | "im2col" = (
  isMainThread
    ? process.argv.includes("im2col")
    : workerData.forward === "im2col"
)
  ? "im2col"
  : "direct";
/** float32 GEMM peak of one core here (OpenBLAS, 2048³), from ../shared/notes/performance-facts.md. */
const OPENBLAS_PEAK_PER_CORE = 83;

/**
 * Multiply-add flops of one training image (forward + backward, no input gradient of the conv):
 * conv forward and dW 2·576·25·30 each, affine 1 forward, dW, dX 2·4320·100 each, affine 2 three times 2·100·10.
 */
export function flopsPerImage(): number {
  const layout = convNetLayout(BOOK_CONV_NETWORK);
  const [conv, hidden, output] = layout.layers;
  const positions = layout.convHeight * layout.convWidth;
  const convMacs = positions * conv.fanIn * conv.fanOut;
  return 2 * (2 * convMacs + 3 * hidden.fanIn * hidden.fanOut + 3 * output.fanIn * output.fanOut);
}

/** A seeded permutation of 0 … n − 1 (Fisher–Yates), the epoch's order. */
function permutation(n: number, seed: number): Int32Array {
  const random = new SeededRandom(seed, 2);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** One epoch on one thread; returns seconds and the last batch loss. */
function epochAlone(module: WebAssembly.Module, train: ImageSet, images: number, seed: number) {
  const engine = createConvEngineFactory(module, { forward: FORWARD })(BOOK_CONV_NETWORK, 1, BATCH);
  engine.params(0).set(engine.initialParameters(seed));
  const adam = engine.accelerate?.(0, createOptimizer("adam")) ?? createOptimizer("adam");
  const state = adam.init(engine.layout.size, "float32");
  const order = permutation(train.count, seed).subarray(0, images);
  let loss = Number.NaN;
  const started = performance.now();
  for (let start = 0; start + BATCH <= images; start += BATCH) {
    gatherBatch(train, order.subarray(start, start + BATCH), engine.batchInput, engine.batchLabels);
    engine.prepareBatch(BATCH);
    loss = engine.gradient(0, BATCH);
    adam.step(engine.params(0), engine.grads(0), state);
  }
  return { seconds: (performance.now() - started) / 1000, loss };
}

/**
 * Batch halves, symmetric: both threads hold a replica of the network and of Adam's state. Per batch each computes
 * the gradient share of its 50 rows (`gradientShare`: Σ over its rows / 100), publishes it in shared memory
 * (double-buffered by step parity), waits for the other's, adds it (a + b = b + a bit for bit, so both replicas
 * stay identical) and steps Adam. No weights travel; each side gathers its own rows from the shared images.
 */
interface Halves {
  readonly control: Int32Array; // [side] = last step whose share side 0 (main) / 1 (worker) has published
  readonly shares: Float32Array[]; // [2·side + parity]
  readonly losses: Float64Array; // [side]: the cross-entropy sum of its rows in the last step
  readonly train: ImageSet;
}

function shareImages(set: ImageSet): ImageSet {
  const pixels =
    set.pixels instanceof Uint8Array
      ? new Uint8Array(new SharedArrayBuffer(set.pixels.byteLength))
      : new Float32Array(new SharedArrayBuffer(set.pixels.byteLength));
  pixels.set(set.pixels as never);
  const labels = new Uint8Array(new SharedArrayBuffer(set.labels.byteLength));
  labels.set(set.labels);
  return { ...set, pixels, labels };
}

function halvesBuffers(size: number, train: ImageSet): Halves {
  return {
    control: new Int32Array(new SharedArrayBuffer(8)),
    shares: Array.from({ length: 4 }, () => new Float32Array(new SharedArrayBuffer(4 * size))),
    losses: new Float64Array(new SharedArrayBuffer(16)),
    train,
  };
}

/** One side's epoch of batch halves; returns its seconds (from its first batch) and the batch loss of the last step. */
function halvesSide(
  module: WebAssembly.Module,
  shared: Halves,
  side: 0 | 1,
  images: number,
  seed: number,
): { seconds: number; loss: number } {
  const half = BATCH / 2;
  const engine = createConvEngineFactory(module, { forward: FORWARD })(BOOK_CONV_NETWORK, 1, half);
  engine.params(0).set(engine.initialParameters(seed));
  const adam = engine.accelerate?.(0, createOptimizer("adam")) ?? createOptimizer("adam");
  const state = adam.init(engine.layout.size, "float32");
  const order = permutation(shared.train.count, seed).subarray(0, images);
  const other = 1 - side;
  const steps = Math.floor(images / BATCH);
  const started = performance.now();
  for (let step = 1; step <= steps; step++) {
    const from = (step - 1) * BATCH + side * half;
    gatherBatch(shared.train, order.subarray(from, from + half), engine.batchInput, engine.batchLabels);
    engine.prepareBatch(half);
    shared.losses[side] = engine.gradientShare?.(0, half, BATCH) ?? Number.NaN;
    shared.shares[2 * side + (step & 1)].set(engine.grads(0));
    Atomics.store(shared.control, side, step);
    Atomics.notify(shared.control, side);
    Atomics.wait(shared.control, other, step - 1);
    engine.addGradients?.(0, shared.shares[2 * other + (step & 1)]);
    adam.step(engine.params(0), engine.grads(0), state);
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, loss: (shared.losses[0] + shared.losses[1]) / BATCH };
}

/** One epoch split by batch halves over the main thread and one worker. */
async function epochHalves(module: WebAssembly.Module, train: ImageSet, images: number, seed: number) {
  const size = convNetLayout(BOOK_CONV_NETWORK).size;
  const shared = halvesBuffers(size, shareImages(train));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { role: "half", module, shared, images, seed, forward: FORWARD },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  const run = halvesSide(module, shared, 0, images, seed);
  await worker.terminate();
  return run;
}

/** Two independent networks, one epoch each, in two workers at once: seconds for both. */
async function epochsIndependent(images: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    [1, 2].map(
      (seed) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), {
            workerData: { role: "alone", images, seed, forward: FORWARD },
          });
          worker.once("message", () => resolve());
          worker.once("error", reject);
        }),
    ),
  );
  return (performance.now() - started) / 1000;
}

/**
 * The SIMD GEMM's own ceiling here: gemm_nn on 400×512·512×512 (the 4×8 block in its best shape), GFLOP/s of
 * the fastest of 15 runs (a peak: on a shared machine the slower runs measure the neighbours).
 */
function measureGemmPeak(module: WebAssembly.Module): number {
  const kernels = instantiateKernels(module);
  const arena = new KernelArena(kernels);
  const [m, k, n] = [400, 512, 512];
  const a = arena.floats(m * k);
  const b = arena.floats(k * n);
  const c = arena.floats(m * n);
  arena.commit();
  a().fill(0.5);
  b().fill(0.25);
  const times: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    kernels.gemm_nn(a().byteOffset, k, b().byteOffset, n, c().byteOffset, n, m, k, n, 0, 0, 0, 0);
    times.push((performance.now() - t0) / 1000);
  }
  return (2 * m * k * n) / Math.min(...times) / 1e9;
}

async function main(): Promise<void> {
  const { values } = benchArgs("bench:cnn", {
    threads: { type: "string", default: "1,2" },
    images: { type: "string", default: "60000" },
    repeat: { type: "string", default: "1" },
    independent: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    forward: { type: "string", default: "direct" },
  });
  const images = Number(values.images);
  const repeat = Number(values.repeat);
  const threadCounts = String(values.threads).split(",").map(Number);
  const module = compileKernels(readFileSync(kernelWasmPath()));
  const train = loadDataset("fashion-mnist").train;
  const gflop = (flopsPerImage() * Math.floor(images / BATCH) * BATCH) / 1e9;
  const say = (line: string) => {
    if (!values.json) console.log(line);
  };
  const peak = measureGemmPeak(module);
  say(
    `optlab bench:cnn — SimpleConvNet, Fashion-MNIST ${images} images, Adam, batch ${BATCH}, ${FORWARD} convolution, ${gflop.toFixed(1)} GFLOP per epoch`,
  );
  say(
    `GEMM peak here: WebAssembly SIMD gemm_nn ${peak.toFixed(1)} GFLOP/s per core; OpenBLAS ${OPENBLAS_PEAK_PER_CORE} per core (performance-facts.md)`,
  );
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(", ");
  say(`load average before: ${load()} (2 cores; others' work slows every figure)`);
  say(
    "threads | how | wall s (median) | all runs s | GFLOP/s | share of the wasm peak | of OpenBLAS | last loss",
  );
  for (const threads of threadCounts) {
    const times: number[] = [];
    let loss = Number.NaN;
    for (let r = 0; r < repeat; r++) {
      const run =
        threads === 1 ? epochAlone(module, train, images, 1) : await epochHalves(module, train, images, 1);
      times.push(run.seconds);
      loss = run.loss;
    }
    const wall = median(times);
    const rate = gflop / wall;
    if (values.json) {
      console.log(JSON.stringify({ workload: "cnn-epoch", threads, images, wall_s: wall, gflops: rate }));
      continue;
    }
    say(
      [
        threads,
        threads === 1 ? "main thread" : "batch halves",
        wall.toFixed(2),
        times.map((t) => t.toFixed(2)).join(" "),
        rate.toFixed(1),
        `${((100 * rate) / (peak * threads)).toFixed(0)} % of ${(peak * threads).toFixed(0)}`,
        `${((100 * rate) / (OPENBLAS_PEAK_PER_CORE * threads)).toFixed(0)} % of ${OPENBLAS_PEAK_PER_CORE * threads}`,
        loss.toFixed(3),
      ].join(" | "),
    );
  }
  if (values.independent) {
    const both = await epochsIndependent(images);
    say(
      `2 | independent networks (2 epochs at once) | ${both.toFixed(2)} for both = ${(both / 2).toFixed(2)} per epoch | ${((2 * gflop) / both).toFixed(1)} GFLOP/s`,
    );
  }
  say(`load average after: ${load()}`);
  say("PyTorch CPU beside this run: bash ../shared/perf-reference/run.sh cnn (≈10.7 s on a quiet day)");
}

if (isMainThread) {
  await main();
} else {
  const task = workerData as
    | { role: "half"; module: WebAssembly.Module; shared: Halves; images: number; seed: number }
    | { role: "alone"; images: number; seed: number };
  if (task.role === "half") {
    parentPort?.postMessage("ready");
    halvesSide(task.module, task.shared, 1, task.images, task.seed);
  } else {
    const module = compileKernels(readFileSync(kernelWasmPath()));
    const train = loadDataset("fashion-mnist").train;
    epochAlone(module, train, task.images, task.seed);
    parentPort?.postMessage("done");
  }
}
