import { parentPort, workerData } from "node:worker_threads";
import type { DataSplit } from "../data/index.js";
import { createNetworkEntry } from "../lab/network-optimizer.js";
// Straight to the modules it uses: lab/index.js would load the landscapes and their formula parser (mathjs, ≈0.4 s)
// in every worker.
import { type TrainingCheckpoint, type TrainingPlan, trainPaired } from "../lab/train.js";
import { type NetworkConfig, networkLayout, selectEngine } from "../nn/index.js";

/** What `mnist-parallel.ts` sends each worker: its share of the optimizers, everything else identical. */
export interface WorkerTask {
  readonly specs: readonly string[];
  readonly config: NetworkConfig;
  readonly data: DataSplit;
  readonly module: WebAssembly.Module | null;
  readonly plan: Omit<TrainingPlan, "optimizers">;
  readonly resume?: TrainingCheckpoint;
}

// One worker = an independent paired run over a subset of the optimizers. Because batches and initial
// weights depend only on the seed, its numbers are exactly those of the same optimizers in one process.
const task = workerData as WorkerTask;
const port = parentPort!;
try {
  // Inside the try: a failure while building the optimizers or the engine is reported with its kind, like one
  // while training (the main thread has checked the inputs; this keeps the thread boundary honest anyway).
  const layout = networkLayout(task.config);
  const optimizers = task.specs.map((spec) => createNetworkEntry(spec, layout, task.plan.iterations));
  const { factory } = selectEngine(task.module ? "wasm" : "reference", task.config, task.module);
  const engine = factory(task.config, optimizers.length, task.plan.batchSize);
  trainPaired(
    engine,
    task.data,
    { ...task.plan, optimizers },
    {
      onIteration: (update, losses) =>
        port.postMessage({ type: "iteration", update, losses: Array.from(losses) }),
      onLosses: (chunk) => port.postMessage({ type: "losses", chunk }),
      onEvaluation: (record) => port.postMessage({ type: "eval", record }),
      onCheckpoint: (checkpoint) => port.postMessage({ type: "checkpoint", checkpoint }),
    },
    task.resume,
  );
  port.postMessage({ type: "done" });
} catch (error) {
  port.postMessage({
    type: "error",
    message: error instanceof Error ? error.message : String(error),
    user: (error as { userError?: boolean }).userError === true,
  });
}
