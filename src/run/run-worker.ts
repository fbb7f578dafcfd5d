import { parentPort, workerData } from "node:worker_threads";
import { checkRunSpec, executeRunSpec } from "../lab/index.js";
import type { EngineName } from "../nn/index.js";
import { isUserError } from "../util/errors.js";
import { nodeRunEnvironment } from "./environment.js";

/** A pool worker: receives run specs, answers with results (or the error's message), one at a time. */
const environment = nodeRunEnvironment((workerData as { engine?: EngineName })?.engine ?? "auto");
parentPort?.on("message", (message: { index: number; spec: unknown }) => {
  try {
    const result = executeRunSpec(checkRunSpec(message.spec), environment);
    parentPort?.postMessage({ index: message.index, result });
  } catch (error) {
    parentPort?.postMessage({
      index: message.index,
      error: error instanceof Error ? error.message : String(error),
      userError: isUserError(error),
    });
  }
});
