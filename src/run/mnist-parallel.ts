import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { DataSplit, ImageSet } from "../data/index.js";
import type { TrainingCallbacks, TrainingCheckpoint, TrainingPlan } from "../lab/index.js";
import type { NetworkConfig } from "../nn/index.js";
import { InputRangeError } from "../util/errors.js";
import { builtRunScript } from "../util/project.js";
import type { WorkerTask } from "./mnist-worker.js";

/** The compiled worker script, or null when only the TypeScript sources exist (e.g. under Vitest without a build). */
export function workerScriptPath(): string | null {
  const script = builtRunScript("mnist-worker.js");
  return existsSync(script) ? script : null;
}

function shareImages(set: ImageSet): ImageSet {
  const bytes = set.pixels.byteLength;
  const shared = new SharedArrayBuffer(bytes);
  const pixels = set.pixels instanceof Uint8Array ? new Uint8Array(shared) : new Float32Array(shared);
  pixels.set(set.pixels as never);
  const labels = new Uint8Array(new SharedArrayBuffer(set.labels.byteLength));
  labels.set(set.labels);
  return { ...set, pixels, labels };
}

/** The data in shared memory, made once and reused by every seed's workers. */
export function shareData(data: DataSplit): DataSplit {
  return { ...data, train: shareImages(data.train), test: shareImages(data.test) };
}

/**
 * Runs one seed of a paired comparison split by network over `workers` worker threads (optimizer k goes
 * to worker k mod workers). Each worker is an independent paired run on the same seed, so the numbers are
 * bit for bit those of a single-thread run; the callbacks see them merged, in update order.
 */
export async function trainPairedInWorkers(options: {
  readonly script: string;
  readonly workers: number;
  readonly specs: readonly string[];
  readonly config: NetworkConfig;
  readonly data: DataSplit;
  readonly module: WebAssembly.Module | null;
  readonly plan: Omit<TrainingPlan, "optimizers">;
  readonly callbacks: TrainingCallbacks;
  readonly resume?: TrainingCheckpoint;
}): Promise<void> {
  const { specs, callbacks } = options;
  const count = Math.min(options.workers, specs.length);
  const groups = Array.from({ length: count }, (_, w) => specs.filter((_, k) => k % count === w));
  const positions = groups.map((group) => group.map((spec) => specs.indexOf(spec)));
  const pendingLosses = new Map<number, { arrived: number; losses: Float64Array }>();
  const pendingCheckpoints = new Map<number, TrainingCheckpoint[]>();
  let nextUpdate = (options.resume?.iteration ?? 0) + 1;
  const workers: Worker[] = [];

  const runs = groups.map(
    (group, w) =>
      new Promise<void>((resolve, reject) => {
        const resume = options.resume
          ? { ...options.resume, networks: options.resume.networks.filter((n) => group.includes(n.label)) }
          : undefined;
        const task: WorkerTask = {
          specs: group,
          config: options.config,
          data: options.data,
          module: options.module,
          plan: options.plan,
          resume,
        };
        const worker = new Worker(options.script, { workerData: task });
        workers.push(worker);
        worker.on("message", (message) => {
          try {
            handle(message);
          } catch (error) {
            reject(error);
          }
        });
        // biome-ignore lint/suspicious/noExplicitAny: messages come from mnist-worker.ts, typed there.
        const handle = (message: any) => {
          switch (message.type) {
            case "iteration": {
              let entry = pendingLosses.get(message.update);
              if (!entry) {
                entry = { arrived: 0, losses: new Float64Array(specs.length) };
                pendingLosses.set(message.update, entry);
              }
              (message.losses as number[]).forEach((loss, i) => {
                entry.losses[positions[w][i]] = loss;
              });
              entry.arrived++;
              for (;;) {
                const ready = pendingLosses.get(nextUpdate);
                if (!ready || ready.arrived < count) break;
                pendingLosses.delete(nextUpdate);
                callbacks.onIteration?.(nextUpdate, ready.losses);
                nextUpdate++;
              }
              break;
            }
            case "losses":
              callbacks.onLosses?.(message.chunk);
              break;
            case "eval":
              callbacks.onEvaluation?.(message.record);
              break;
            case "checkpoint": {
              const part = message.checkpoint as TrainingCheckpoint;
              const parts = pendingCheckpoints.get(part.iteration) ?? [];
              parts.push(part);
              pendingCheckpoints.set(part.iteration, parts);
              if (parts.length === count) {
                pendingCheckpoints.delete(part.iteration);
                const networks = parts.flatMap((p) => p.networks);
                networks.sort((a, b) => specs.indexOf(a.label) - specs.indexOf(b.label));
                callbacks.onCheckpoint?.({ ...part, networks });
              }
              break;
            }
            case "done":
              resolve();
              break;
            case "error":
              reject(
                message.user
                  ? new InputRangeError(String(message.message))
                  : new Error(String(message.message)),
              );
              break;
          }
        };
        worker.on("error", reject);
        worker.on("exit", (code) => {
          if (code !== 0) reject(new Error(`mnist worker ${w} exited with code ${code}`));
        });
      }),
  );
  try {
    await Promise.all(runs);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
