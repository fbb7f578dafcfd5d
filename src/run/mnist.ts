import { existsSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import {
  type CollectedRun,
  collectRuns,
  decodeCheckpoint,
  encodeCheckpoint,
  type ResultLine,
  type RunHeader,
  type TrainingCallbacks,
  type TrainingCheckpoint,
  type TrainingPlan,
  trainPaired,
} from "../lab/index.js";
import { checkNetworkConfig, type EngineName, type NetworkConfig } from "../nn/index.js";
import { createOptimizer } from "../optim/index.js";
import { InputRangeError } from "../util/errors.js";
import { writeFileAtomic } from "../util/files.js";
import { appendJsonLine, jsonLinesText, readJsonLinesFile } from "../util/json-lines.js";
import { loadDataset } from "./datasets.js";
import { chooseEngine } from "./engines.js";
import { shareData, trainPairedInWorkers, workerScriptPath } from "./mnist-parallel.js";

/** The seed's §8 optimizers plus RMSprop and Nesterov, book defaults. */
export const DEFAULT_MNIST_OPTIMIZERS = ["sgd", "momentum", "adagrad", "adam", "rmsprop", "nesterov"];

/** Every this many updates (and at the last) the journal gets the loss chunks and a checkpoint is written. */
const CHECKPOINT_EVERY = 500;

/** A paired MNIST comparison: every optimizer from the same weights on the same batches, seed by seed. */
export interface MnistPlan {
  /** Optimizer specs (`adam:lr=0.001`), each trained as its own network; labels are the specs. */
  readonly specs: readonly string[];
  readonly iterations: number;
  readonly batchSize: number;
  readonly seeds: readonly number[];
  /** Test-set loss and accuracy every this many updates (0 = never). */
  readonly evalEvery: number;
  /** `mnist`, `fashion-mnist` or a folder of IDX files. */
  readonly data: string;
  readonly hiddenSizes: readonly number[];
  readonly activation: "relu" | "sigmoid";
  readonly weightDecayLambda: number;
  readonly engine: EngineName;
  /** Worker threads (default: one per core, at most one per optimizer); the numbers are identical for any count. */
  readonly workers?: number;
  /** Where the journal (`mnist-results.jsonl`) and the checkpoint go. */
  readonly folder: string;
  /** Continue an interrupted run of the same plan from its last checkpoint. */
  readonly resume: boolean;
}

/** What happens while a plan runs, for a progress display; every field is optional. */
export interface MnistEvents {
  onStart?(info: { description: string; config: NetworkConfig; engine: string; workers: number }): void;
  onNote?(text: string): void;
  onSeed?(seed: number, resumedAfter: number | null): void;
  onIteration?(seed: number, update: number, losses: Float64Array): void;
  onSeedDone?(seed: number, seconds: number): void;
}

/** A finished plan: its header (the settings), every run's curves and evaluations, and where the journal is. */
export interface MnistResult {
  readonly header: RunHeader;
  readonly runs: CollectedRun[];
  /** The data set as its loader describes it. */
  readonly description: string;
  readonly journal: string;
}

/** The journal's settings line: what `resume` must match. */
function headerFor(plan: MnistPlan, engine: string): RunHeader {
  return {
    type: "run",
    version: 1,
    optimizers: [...plan.specs],
    iterations: plan.iterations,
    batchSize: plan.batchSize,
    seeds: [...plan.seeds],
    evalEvery: plan.evalEvery,
    data: plan.data,
    engine,
    network: {
      hiddenSizes: [...plan.hiddenSizes],
      activation: plan.activation,
      weightDecayLambda: plan.weightDecayLambda,
    },
  };
}

/** The journal's lines a resume keeps: everything up to the last checkpoint (or from finished seeds). */
function resumable(
  resultsPath: string,
  checkpointPath: string,
  header: RunHeader,
  note: (text: string) => void,
): { lines: ResultLine[]; checkpoint?: TrainingCheckpoint } {
  const journal = readJsonLinesFile(resultsPath, "journal", true);
  if (journal.droppedBytes > 0)
    note(`${resultsPath}: dropped a cut last line (${journal.droppedBytes} bytes)`);
  if (journal.skippedLines.length > 0)
    note(`${resultsPath}: skipped unreadable lines ${journal.skippedLines.join(", ")}`);
  const previous = journal.values as ResultLine[];
  const previousHeader = previous[0]?.type === "run" ? (previous[0] as RunHeader) : undefined;
  if (!previousHeader) {
    note(`--resume: no earlier run in ${resultsPath}; starting afresh`);
    return { lines: [] };
  }
  if (JSON.stringify(previousHeader) !== JSON.stringify(header)) {
    const differences = (Object.keys(header) as (keyof RunHeader)[])
      .filter((key) => JSON.stringify(previousHeader[key]) !== JSON.stringify(header[key]))
      .map(
        (key) => `${key} ${JSON.stringify(previousHeader[key])} there, ${JSON.stringify(header[key])} now`,
      );
    throw new InputRangeError(
      `--resume: ${resultsPath} was made with other settings (${differences.join("; ")}); run with the same flags or without --resume`,
    );
  }
  let checkpoint = existsSync(checkpointPath)
    ? decodeCheckpoint(new Uint8Array(readFileSync(checkpointPath)), checkpointPath)
    : undefined;
  const done = new Set(previous.filter((line) => line.type === "seed-done").map((line) => line.seed));
  const lines = previous.filter((line) => {
    if (line.type === "run" || line.type === "seed-done") return true;
    if (done.has(line.seed)) return true;
    if (!checkpoint || line.seed !== checkpoint.seed) return false;
    return line.type === "losses"
      ? line.from - 1 + line.losses.length <= checkpoint.iteration
      : line.iteration <= checkpoint.iteration;
  });
  if (checkpoint && done.has(checkpoint.seed)) checkpoint = undefined;
  return { lines, checkpoint };
}

/**
 * Runs a paired MNIST comparison seed by seed, on worker threads when there are several optimizers, writing the
 * journal as it goes (so that `resume` can continue after a crash), and returns the collected runs.
 */
export async function runMnist(plan: MnistPlan, events: MnistEvents = {}): Promise<MnistResult> {
  const optimizers = plan.specs.map((spec) => ({ label: spec, optimizer: createOptimizer(spec) }));
  const data = loadDataset(plan.data);
  const config: NetworkConfig = {
    inputSize: data.train.rows * data.train.cols,
    hiddenSizes: [...plan.hiddenSizes],
    outputSize: data.classes,
    activation: plan.activation,
    weightDecayLambda: plan.weightDecayLambda,
  };
  checkNetworkConfig(config);
  const engine = chooseEngine(plan.engine, config);
  if (engine.note) events.onNote?.(engine.note);
  const workerScript = workerScriptPath();
  const defaultWorkers = workerScript ? Math.min(availableParallelism(), plan.specs.length) : 1;
  const workers = Math.min(plan.workers ?? defaultWorkers, plan.specs.length);
  if (workers > 1 && !workerScript)
    throw new InputRangeError("--workers: the compiled worker script is missing; run npm run build first");
  const sharedData = workers > 1 ? shareData(data) : data;

  const header = headerFor(plan, engine.kind);
  const resultsPath = join(plan.folder, "mnist-results.jsonl");
  const checkpointPath = join(plan.folder, "mnist-checkpoint.bin");
  const note = (text: string) => events.onNote?.(text);
  let { lines, checkpoint } = plan.resume
    ? resumable(resultsPath, checkpointPath, header, note)
    : { lines: [] as ResultLine[], checkpoint: undefined };
  if (lines.length === 0) lines = [header];
  if (!checkpoint) rmSync(checkpointPath, { force: true }); // a fresh start never resumes a stale checkpoint
  writeFileAtomic(resultsPath, jsonLinesText(lines));
  const append = (line: ResultLine) => {
    lines.push(line);
    appendJsonLine(resultsPath, line);
  };

  events.onStart?.({ description: data.description, config, engine: engine.kind, workers });
  const doneSeeds = new Set(lines.filter((line) => line.type === "seed-done").map((line) => line.seed));
  for (const seed of plan.seeds) {
    if (doneSeeds.has(seed)) continue;
    const resumeFrom = checkpoint?.seed === seed ? checkpoint : undefined;
    events.onSeed?.(seed, resumeFrom ? resumeFrom.iteration : null);
    const training: TrainingPlan = {
      seed,
      iterations: plan.iterations,
      batchSize: plan.batchSize,
      evalEvery: plan.evalEvery,
      checkpointEvery: CHECKPOINT_EVERY,
      optimizers,
    };
    const started = performance.now();
    const callbacks: TrainingCallbacks = {
      onIteration: (update, losses) => events.onIteration?.(seed, update, losses),
      onLosses: append,
      onEvaluation: append,
      onCheckpoint: (state) => writeFileAtomic(checkpointPath, encodeCheckpoint(state)),
    };
    if (workers > 1 && workerScript) {
      const { optimizers: _, ...numbers } = training;
      await trainPairedInWorkers({
        script: workerScript,
        workers,
        specs: plan.specs,
        config,
        data: sharedData,
        module: engine.module,
        plan: numbers,
        callbacks,
        resume: resumeFrom,
      });
    } else {
      trainPaired(
        engine.factory(config, optimizers.length, plan.batchSize),
        data,
        training,
        callbacks,
        resumeFrom,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    append({ type: "seed-done", seed, seconds });
    events.onSeedDone?.(seed, seconds);
  }
  rmSync(checkpointPath, { force: true });
  return { header, runs: collectRuns(lines, header), description: data.description, journal: resultsPath };
}
