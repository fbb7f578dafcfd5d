/// <reference lib="webworker" />
/**
 * Trains the seed's network (784-100-100-100-100-10, ReLU, He init) with a group of optimizers in a Web Worker,
 * with the library's own paired training loop (`trainPaired`: same initial weights, same batches for everyone)
 * on the engine `selectEngine` picks (the CLI's rule). It trains in chunks of CHUNK updates and resumes from the
 * library's checkpoint after each, so a "stop" message is seen within one chunk. It keeps snapshots of the
 * weights for the loss-landscape slice, projects them and evaluates its share of the slice's grid.
 */
import { decodeBrowserSample, type ImageSet } from "../../src/data/index.js";
import {
  evaluateOnSet,
  evaluateSlice,
  firstImages,
  planeSliceBasis,
  projectOnto,
  randomSliceBasis,
  type SliceBasis,
  type TrainingCheckpoint,
  type TrainingPlan,
  trainPaired,
} from "../../src/lab/index.js";
import {
  type BatchEngine,
  type BatchEngineFactory,
  BOOK_NETWORK,
  compileKernelsAsync,
  initialParameters,
  networkLayout,
  selectEngine,
} from "../../src/nn/index.js";
import { createOptimizer, optimizerLabel } from "../../src/optim/index.js";
import {
  type FromWorker,
  KERNELS_ASSET,
  MNIST_ASSET,
  type MnistStart,
  type ToWorker,
} from "./mnist-protocol.js";

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** Updates per chunk: long enough that the checkpoint copy is noise, short enough that "stop" is seen at once. */
const CHUNK = 25;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** Reads the sample the build emits (see vite.config.ts and `encodeBrowserSample`). */
async function loadSample(): Promise<{ train: ImageSet; test: ImageSet }> {
  // The worker's script sits in assets/ (built) or src/ (dev server); the sample sits at the site root.
  const response = await fetch(new URL(`../${MNIST_ASSET}`, scope.location.href));
  if (!response.ok) throw new Error(`mnist: could not load ${MNIST_ASSET} (HTTP ${response.status})`);
  return decodeBrowserSample(new Uint8Array(await response.arrayBuffer()), MNIST_ASSET);
}

/**
 * The engine `selectEngine` picks (the library's one rule, as in the CLI): the WebAssembly SIMD kernels when the
 * site carries them (the build emits them when `npm run build:wasm` has run), else the plain TypeScript engine.
 */
async function engineFactory(): Promise<BatchEngineFactory> {
  let module: WebAssembly.Module | null = null;
  try {
    const response = await fetch(new URL(`../${KERNELS_ASSET}`, scope.location.href));
    if (response.ok) module = await compileKernelsAsync(await response.arrayBuffer());
  } catch {
    module = null;
  }
  return selectEngine("auto", BOOK_NETWORK, module, `the site has no ${KERNELS_ASSET}`).factory;
}

let job: {
  plan: TrainingPlan;
  start: MnistStart;
  checkpoint?: TrainingCheckpoint;
  engine: BatchEngine;
  snapshots: Float32Array[][];
  trainMs: number;
} | null = null;
let factory: BatchEngineFactory | null = null;
let data: { train: ImageSet; test: ImageSet } | null = null;
let running = false;
let basis: SliceBasis | null = null;

async function begin(message: MnistStart): Promise<void> {
  data ??= await loadSample();
  const optimizers = message.specs.map((spec) => createOptimizer(spec));
  const labels = optimizers.map((optimizer, i) => `${message.indices[i] + 1}. ${optimizerLabel(optimizer)}`);
  factory ??= await engineFactory();
  const engine = factory(BOOK_NETWORK, optimizers.length, Math.max(message.batchSize, 500));
  const plan: TrainingPlan = {
    seed: message.seed,
    iterations: 0,
    batchSize: message.batchSize,
    evalEvery: 0,
    checkpointEvery: CHUNK,
    optimizers: optimizers.map((optimizer, i) => ({ label: labels[i], optimizer })),
  };
  // The same start trainPaired uses, so that the accuracy at update 0 is the initial network's.
  const initial = Float32Array.from(initialParameters(BOOK_NETWORK, message.seed));
  for (let k = 0; k < optimizers.length; k++) engine.params(k).set(initial);
  job = { plan, start: message, engine, snapshots: optimizers.map(() => [initial]), trainMs: 0 };
  basis = null;
  post({
    type: "ready",
    description: `${data.train.count} training and ${data.test.count} test digits of the bundled MNIST sample`,
    labels,
    indices: message.indices,
    engine: engine.kind,
  });
  evaluate(0);
  running = true;
  loop();
}

function evaluate(update: number): void {
  if (job === null || data === null) return;
  const accuracy: number[] = [];
  const loss: number[] = [];
  for (let k = 0; k < job.plan.optimizers.length; k++) {
    const result = evaluateOnSet(job.engine, k, data.test);
    accuracy.push(result.accuracy);
    loss.push(result.loss);
  }
  post({ type: "eval", update, indices: job.start.indices, accuracy, loss });
}

function loop(): void {
  if (job === null || data === null || !running) return;
  const done = job.checkpoint?.iteration ?? 0;
  const current = job;
  if (done >= current.start.iterations) {
    running = false;
    post({ type: "done", update: done, trainMs: current.trainMs });
    return;
  }
  const until = Math.min(current.start.iterations, done + CHUNK);
  const keep = new Set(current.start.snapshots);
  const losses: number[][] = current.plan.optimizers.map(() => []);
  const began = performance.now();
  trainPaired(
    current.engine,
    data,
    { ...current.plan, iterations: until },
    {
      onIteration: (update, values) => {
        for (let k = 0; k < values.length; k++) losses[k].push(values[k]);
        if (keep.has(update))
          for (let k = 0; k < values.length; k++) current.snapshots[k].push(current.engine.params(k).slice());
      },
      onCheckpoint: (checkpoint) => {
        current.checkpoint = checkpoint;
      },
    },
    current.checkpoint,
  );
  current.trainMs += performance.now() - began;
  const reached = current.checkpoint?.iteration ?? until;
  post({
    type: "progress",
    update: reached,
    losses,
    indices: current.start.indices,
    trainMs: current.trainMs,
  });
  const every = current.start.evalEvery;
  const crossed = Math.floor(reached / every) > Math.floor(done / every);
  if (crossed || reached === current.start.iterations) evaluate(reached);
  // Yield to the event loop so a "stop" message can arrive between chunks.
  setTimeout(loop, 0);
}

function project(message: Extract<ToWorker, { type: "project" }>): void {
  if (job === null) throw new Error("mnist: nothing trained yet");
  basis =
    message.mode === "random"
      ? randomSliceBasis(networkLayout(BOOK_NETWORK), message.center, message.seed)
      : planeSliceBasis(message.center, message.start, message.other);
  const b = basis;
  post({
    type: "projected",
    indices: job.start.indices,
    points: job.snapshots.map((snaps) => snaps.map((theta) => projectOnto(b, theta))),
  });
}

function evaluateRows(message: Extract<ToWorker, { type: "evaluate" }>): void {
  if (job === null || data === null || basis === null) throw new Error("mnist: no slice basis yet");
  const began = performance.now();
  const set = firstImages(data.train, message.evaluationImages);
  const n = message.alphas.length;
  const saved = job.engine.params(0).slice();
  // Row by row, posting each: the page's progress bar moves as the grid fills.
  for (const j of message.rows) {
    const values = evaluateSlice(job.engine, 0, set, basis, message.alphas, message.betas, { rows: [j] });
    post({ type: "slice-row", row: j, values: Array.from(values.subarray(j * n, (j + 1) * n)) });
  }
  // The scratch network's weights were overwritten: put them back.
  job.engine.params(0).set(saved);
  post({ type: "slice-done", ms: performance.now() - began });
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    if (message.type === "start") {
      running = false;
      begin(message).catch((error: unknown) =>
        post({ type: "error", message: error instanceof Error ? error.message : String(error) }),
      );
    } else if (message.type === "stop") {
      running = false;
      post({ type: "stopped", update: job?.checkpoint?.iteration ?? 0 });
    } else if (message.type === "resume" && job !== null && !running) {
      running = true;
      loop();
    } else if (message.type === "finals" && job !== null) {
      const current = job;
      const params = message.indices.map((index) => {
        const k = current.start.indices.indexOf(index);
        return current.engine.params(k).slice();
      });
      post({ type: "finals", indices: message.indices, params });
    } else if (message.type === "project") project(message);
    else if (message.type === "evaluate") evaluateRows(message);
  } catch (error) {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
};
