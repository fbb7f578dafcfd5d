/// <reference lib="webworker" />
/**
 * Trains the seed's network (784-100-100-100-100-10, ReLU, He init) with several optimizers in a Web
 * Worker, with the library's own paired training loop (`trainPaired`: same initial weights, same
 * batches for everyone). It trains in chunks of a few updates and resumes from the library's
 * checkpoint after each, so a "stop" message is seen within one chunk.
 */
import { decodeBrowserSample, type ImageSet } from "../../src/data/index.js";
import {
  evaluateOnSet,
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
const CHUNK = 2;

function post(message: FromWorker): void {
  scope.postMessage(message);
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
} | null = null;
let factory: BatchEngineFactory | null = null;
let data: { train: ImageSet; test: ImageSet } | null = null;
let running = false;

async function begin(message: MnistStart): Promise<void> {
  data ??= await loadSample();
  const optimizers = message.specs.map((spec) => createOptimizer(spec));
  const labels = optimizers.map((optimizer, i) => `${i + 1}. ${optimizerLabel(optimizer)}`);
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
  job = { plan, start: message, engine };
  // The same start trainPaired uses, so that the accuracy at update 0 is the initial network's.
  const initial = initialParameters(BOOK_NETWORK, message.seed);
  for (let k = 0; k < optimizers.length; k++) engine.params(k).set(initial);
  post({
    type: "ready",
    description: `${data.train.count} training and ${data.test.count} test digits of the bundled MNIST sample`,
    labels,
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
  post({ type: "eval", update, accuracy, loss });
}

function loop(): void {
  if (job === null || data === null || !running) return;
  const done = job.checkpoint?.iteration ?? 0;
  if (done >= job.start.iterations) {
    running = false;
    post({ type: "done", update: done });
    return;
  }
  const began = performance.now();
  const until = Math.min(job.start.iterations, done + CHUNK);
  const current = job;
  trainPaired(
    current.engine,
    data,
    { ...current.plan, iterations: until },
    {
      onIteration: (update, losses) => {
        post({
          type: "progress",
          update,
          losses: Array.from(losses),
          updatesPerSecond: (until - done) / ((performance.now() - began) / 1000),
        });
      },
      onCheckpoint: (checkpoint) => {
        current.checkpoint = checkpoint;
      },
    },
    current.checkpoint,
  );
  const reached = current.checkpoint?.iteration ?? until;
  if (reached % current.start.evalEvery === 0 || reached === current.start.iterations) evaluate(reached);
  // Yield to the event loop so a "stop" message can arrive between chunks.
  setTimeout(loop, 0);
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
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
  }
};
