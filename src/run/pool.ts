import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkRunSpec, executeRunSpec, type RunResult, type RunSpec } from "../lab/index.js";
import type { EngineName } from "../nn/index.js";
import { InputRangeError } from "../util/errors.js";
import { builtRunScript } from "../util/project.js";
import { nodeRunEnvironment } from "./environment.js";

export interface PoolOptions {
  /** Worker threads; 0 runs in this thread (tests, debugging). Default: the number of cores. */
  readonly workers?: number;
  readonly engine?: EngineName;
  /** Called as each run finishes, in completion order (write it down at once: that is what makes resume work). */
  onResult(result: RunResult, done: number, total: number): void;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs independent run specs on a pool of worker threads (one run per worker at a time: runs are independent,
 * so splitting by run uses both cores best). A run that fails with an error rejects the whole pool after the
 * runs under way have finished and been reported.
 */
export async function runPool(specs: readonly RunSpec[], options: PoolOptions): Promise<void> {
  const total = specs.length;
  let done = 0;
  const workers = Math.min(options.workers ?? defaultWorkers(), total);
  if (workers <= 0) {
    const environment = nodeRunEnvironment(options.engine);
    for (const spec of specs)
      options.onResult(executeRunSpec(checkRunSpec(spec), environment), ++done, total);
    return;
  }
  const script = builtRunScript("run-worker.js");
  let next = 0;
  let failure: Error | null = null;
  await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(script, { workerData: { engine: options.engine ?? "auto" } });
          const feed = () => {
            if (failure !== null || next >= total) {
              void worker.terminate().then(() => resolve());
              return;
            }
            const index = next++;
            worker.postMessage({ index, spec: specs[index] });
          };
          worker.on(
            "message",
            (message: { index: number; result?: RunResult; error?: string; userError?: boolean }) => {
              if (message.error !== undefined) {
                // A user's mistake stays one: the command answers it in one line, as with --workers 0.
                const text = `run ${specs[message.index].id}: ${message.error}`;
                failure ??= message.userError ? new InputRangeError(text) : new Error(text);
              } else {
                options.onResult(message.result as RunResult, ++done, total);
              }
              feed();
            },
          );
          worker.on("error", (error) => {
            failure ??= error;
            reject(error);
          });
          feed();
        }),
    ),
  );
  if (failure !== null) throw failure;
}
