import { existsSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
// The lab's modules themselves, not lab/index.js: that would load the landscapes' formula parser (mathjs, ≈0.4 s)
// into a run that trains networks.
import { decodeCheckpoint, encodeCheckpoint } from "../lab/mnist-checkpoint.js";
import { type CollectedRun, collectRuns, type ResultLine, type RunHeader } from "../lab/mnist-results.js";
import { createNetworkEntry } from "../lab/network-optimizer.js";
import {
  type TrainingCallbacks,
  type TrainingCheckpoint,
  type TrainingPlan,
  trainPaired,
} from "../lab/train.js";
import { checkNetworkConfig, type EngineName, type NetworkConfig, networkLayout } from "../nn/index.js";
import { InputRangeError, show } from "../util/errors.js";
import { errnoReason, writeFileAtomic } from "../util/files.js";
import { appendJsonLine, jsonLinesText, readJsonLinesFile, repairJournal } from "../util/json-lines.js";
import { loadDataset } from "./datasets.js";
import { checkTrainingMemory, chooseEngine } from "./engines.js";
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

/** The journal's record of a network whose batch loss stopped being finite (training goes on, as the seed's does). */
export interface DivergedLine {
  readonly type: "diverged";
  readonly seed: number;
  readonly optimizer: string;
  /** The first update (1-based) whose batch loss was NaN or ±∞. */
  readonly update: number;
}

type JournalLine = ResultLine | DivergedLine;

/** A finished plan: its header (the settings), every run's curves and evaluations, and where the journal is. */
export interface MnistResult {
  readonly header: RunHeader;
  readonly runs: CollectedRun[];
  /** The data set as its loader describes it. */
  readonly description: string;
  /** Images in the training and test splits. */
  readonly trainImages: number;
  readonly testImages: number;
  readonly journal: string;
  /** Networks that diverged, by seed, in the order it happened. */
  readonly divergences: readonly DivergedLine[];
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

function checkpointIsDamaged(path: string, reason: string): never {
  throw new InputRangeError(
    `--resume: ${show(path)} is damaged (${reason}); remove it to restart the unfinished seed from its beginning, or run without --resume`,
  );
}

/** Reads the checkpoint and checks it against the plan: a damaged file is one line, never a silent restart. */
function readCheckpoint(path: string, plan: MnistPlan, parameters: number): TrainingCheckpoint | undefined {
  if (!existsSync(path)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new InputRangeError(`--resume: cannot read ${show(path)}: ${errnoReason(error)}`);
  }
  let checkpoint: TrainingCheckpoint;
  try {
    checkpoint = decodeCheckpoint(bytes, path);
  } catch (error) {
    checkpointIsDamaged(
      path,
      error instanceof Error ? error.message.replace(`${path}: `, "") : String(error),
    );
  }
  const { seed, iteration, networks, batchRandom } = checkpoint as Partial<TrainingCheckpoint>;
  if (!plan.seeds.includes(seed as number))
    checkpointIsDamaged(path, `its seed ${show(seed)} is not one of the seeds ${show(plan.seeds)}`);
  if (
    !(Number.isInteger(iteration) && (iteration as number) >= 1 && (iteration as number) <= plan.iterations)
  )
    checkpointIsDamaged(path, `its update ${show(iteration)} is not in [1, ${plan.iterations}]`);
  if (!Array.isArray(batchRandom) || !batchRandom.every((v) => typeof v === "number"))
    checkpointIsDamaged(path, "its batch generator state is not a list of numbers");
  const labels = Array.isArray(networks) ? networks.map((n) => n?.label) : [];
  if (JSON.stringify(labels) !== JSON.stringify(plan.specs))
    checkpointIsDamaged(path, `it holds networks ${show(labels)}, not ${show(plan.specs)}`);
  for (const network of networks as TrainingCheckpoint["networks"]) {
    if (network.params?.length !== parameters)
      checkpointIsDamaged(
        path,
        `${network.label} has ${network.params?.length} parameters, not ${parameters}`,
      );
  }
  return checkpoint;
}

/** The journal's lines a resume keeps: everything up to the last checkpoint (or from finished seeds). */
function resumable(
  resultsPath: string,
  checkpointPath: string,
  header: RunHeader,
  plan: MnistPlan,
  parameters: number,
  note: (text: string) => void,
): { lines: JournalLine[]; checkpoint?: TrainingCheckpoint } {
  const journal = readJsonLinesFile(resultsPath, "journal", true);
  if (journal.skippedLines.length > 0)
    note(`${resultsPath}: skipped unreadable lines ${journal.skippedLines.join(", ")}`);
  const previous = (journal.values as JournalLine[]).filter(
    (line) => line !== null && typeof line === "object",
  );
  const previousHeader = previous[0]?.type === "run" ? (previous[0] as RunHeader) : undefined;
  if (!previousHeader) {
    note(`--resume: no earlier run in ${resultsPath}; starting afresh`);
    return { lines: [] };
  }
  if (JSON.stringify(previousHeader) !== JSON.stringify(header)) {
    const differences = (Object.keys(header) as (keyof RunHeader)[])
      .filter((key) => JSON.stringify(previousHeader[key]) !== JSON.stringify(header[key]))
      .map((key) => `${key} ${show(previousHeader[key])} there, ${show(header[key])} now`);
    throw new InputRangeError(
      `--resume: ${resultsPath} was made with other settings (${differences.join("; ")}); run with the same flags or without --resume`,
    );
  }
  let checkpoint = readCheckpoint(checkpointPath, plan, parameters);
  const done = new Set(previous.filter((line) => line.type === "seed-done").map((line) => line.seed));
  const lines = previous.filter((line) => {
    if (line.type === "run") return line === previous[0];
    if (line.type === "seed-done") return true;
    if (done.has(line.seed)) return true;
    if (!checkpoint || line.seed !== checkpoint.seed) return false;
    if (line.type === "losses") return line.from - 1 + line.losses.length <= checkpoint.iteration;
    if (line.type === "diverged") return line.update <= checkpoint.iteration;
    return line.iteration <= checkpoint.iteration;
  });
  if (checkpoint && done.has(checkpoint.seed)) checkpoint = undefined;
  return { lines, checkpoint };
}

/** What an unfinished journal holds, for the message that refuses to overwrite it (null when finished or absent). */
function interruptedRun(resultsPath: string): string | null {
  if (!existsSync(resultsPath)) return null;
  let lines: JournalLine[];
  try {
    lines = readJsonLinesFile(resultsPath, "journal").values as JournalLine[];
  } catch {
    return null;
  }
  const header = lines[0]?.type === "run" ? (lines[0] as RunHeader) : undefined;
  if (!header) return null;
  const done = new Set(lines.filter((l) => l?.type === "seed-done").map((l) => (l as { seed: number }).seed));
  const missing = header.seeds.filter((seed) => !done.has(seed));
  if (missing.length === 0) return null;
  return `${done.size} of ${header.seeds.length} seeds finished`;
}

/**
 * Runs a paired MNIST comparison seed by seed, on worker threads when there are several optimizers, writing the
 * journal as it goes (so that `resume` can continue after a crash), and returns the collected runs.
 */
export async function runMnist(plan: MnistPlan, events: MnistEvents = {}): Promise<MnistResult> {
  const data = loadDataset(plan.data);
  const config: NetworkConfig = {
    inputSize: data.train.rows * data.train.cols,
    hiddenSizes: [...plan.hiddenSizes],
    outputSize: data.classes,
    activation: plan.activation,
    weightDecayLambda: plan.weightDecayLambda,
  };
  checkNetworkConfig(config);
  // Each spec is the network's whole recipe: parameter groups (`groups(…)`, Muon's default recipe) and `@ schedule`.
  const layout = networkLayout(config);
  const optimizers = plan.specs.map((spec) => createNetworkEntry(spec, layout, plan.iterations));
  for (const entry of optimizers)
    if (entry.groups !== null || entry.schedule) events.onNote?.(`${entry.label}: ${entry.description}`);
  const engine = chooseEngine(plan.engine, config);
  checkTrainingMemory(config, optimizers.length, plan.batchSize, engine.kind);
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
  const parameters = [config.inputSize, ...config.hiddenSizes, config.outputSize].reduce(
    (sum, size, l, sizes) => (l === 0 ? 0 : sum + sizes[l - 1] * size + size),
    0,
  );
  if (!plan.resume) {
    const interrupted = interruptedRun(resultsPath);
    if (interrupted !== null) {
      throw new InputRangeError(
        `${resultsPath} holds an interrupted run (${interrupted}); continue it with --resume, or remove the folder's mnist files (or choose another --out) to start afresh`,
      );
    }
  } else {
    const dropped = repairJournal(resultsPath);
    if (dropped > 0) note(`${resultsPath}: dropped a cut last line (${dropped} bytes)`);
  }
  let { lines, checkpoint } = plan.resume
    ? resumable(resultsPath, checkpointPath, header, plan, parameters, note)
    : { lines: [] as JournalLine[], checkpoint: undefined };
  if (lines.length === 0) lines = [header];
  if (!checkpoint) rmSync(checkpointPath, { force: true }); // a fresh start never resumes a stale checkpoint
  writeFileAtomic(resultsPath, jsonLinesText(lines));
  const append = (line: JournalLine) => {
    lines.push(line);
    appendJsonLine(resultsPath, line);
  };
  const diverged = new Set(
    lines.filter((line) => line.type === "diverged").map((line) => `${line.seed} ${line.optimizer}`),
  );

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
      onIteration: (update, losses) => {
        for (let k = 0; k < losses.length; k++) {
          if (Number.isFinite(losses[k]) || diverged.has(`${seed} ${plan.specs[k]}`)) continue;
          diverged.add(`${seed} ${plan.specs[k]}`);
          append({ type: "diverged", seed, optimizer: plan.specs[k], update });
        }
        events.onIteration?.(seed, update, losses);
      },
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
  return {
    header,
    runs: collectRuns(lines as ResultLine[], header),
    description: data.description,
    trainImages: data.train.count,
    testImages: data.test.count,
    journal: resultsPath,
    divergences: lines.filter((line): line is DivergedLine => line.type === "diverged"),
  };
}
