import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { loadDataset } from "../data/index.js";
import { decodeCheckpoint, encodeCheckpoint } from "../lab/mnist-checkpoint.js";
import {
  type TrainingCallbacks,
  type TrainingCheckpoint,
  type TrainingPlan,
  trainPaired,
} from "../lab/train.js";
import { BOOK_NETWORK, checkNetworkConfig, type NetworkConfig } from "../nn/layout.js";
import { createOptimizer } from "../optim/index.js";
import { InputRangeError, InputTypeError } from "../util/errors.js";
import { intFlag, numberFlag, parseCommandArgs } from "./args.js";
import { type CliIO, processIO, writeFileAtomic } from "./io.js";
import type { Command } from "./main.js";
import { chooseEngine } from "./mnist-kernels.js";
import { shareData, trainPairedInWorkers, workerScriptPath } from "./mnist-parallel.js";
import { TrainingProgress } from "./mnist-progress.js";
import { collectRuns, type ResultLine, type RunHeader, summarize, summaryTable } from "./mnist-results.js";

/** The seed's §8 optimizers plus RMSprop and Nesterov, book defaults. */
export const DEFAULT_MNIST_OPTIMIZERS = ["sgd", "momentum", "adagrad", "adam", "rmsprop", "nesterov"];

export const MNIST_USAGE = `usage: optlab mnist [options]
  --optimizers LIST   optimizer specs, comma-separated (default ${DEFAULT_MNIST_OPTIMIZERS.join(",")});
                      hyperparameters ride along: 'adam:lr=0.001,beta1=0.9,sgd:lr=0.1'
  --iterations N      updates per optimizer (default 2000)
  --batch-size N      images per batch, drawn at random with replacement (default 128)
  --seed N            first seed (default 1); --seeds N runs seeds seed … seed+N−1 (default 1)
  --eval-every N      test-set loss and accuracy every N updates (default 100; 0 = never, as the seed)
  --data D            mnist (bundled 8,000/2,000, default) | fashion-mnist | a folder of IDX files
  --hidden LIST       hidden layer sizes (default 100,100,100,100)
  --activation A      relu (default) | sigmoid
  --weight-decay λ    the book's L2 weight decay (default 0)
  --engine E          auto (default: wasm when built) | wasm | reference (plain TypeScript)
  --workers N         worker threads, optimizers split between them (default: one per core, at most one
                      per optimizer); the numbers are identical for any N
  --out DIR           output folder (default out)
  --resume            continue an interrupted run in DIR from its last checkpoint
`;

const OPTIONS = {
  optimizers: { type: "string" },
  iterations: { type: "string" },
  "batch-size": { type: "string" },
  seed: { type: "string" },
  seeds: { type: "string" },
  "eval-every": { type: "string" },
  data: { type: "string" },
  hidden: { type: "string" },
  activation: { type: "string" },
  "weight-decay": { type: "string" },
  engine: { type: "string" },
  workers: { type: "string" },
  out: { type: "string" },
  resume: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Where a checkpoint's loss chunks and checkpoint files go (every this many updates, and the last). */
const CHECKPOINT_EVERY = 500;

/**
 * Splits `adam:lr=0.001,beta1=0.9,sgd` into `adam:lr=0.001,beta1=0.9` and `sgd`: a comma starts a new
 * optimizer unless the next piece is a `key=value` (or we are inside brackets).
 */
export function splitOptimizerList(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    if (i === text.length || (c === "," && depth === 0)) {
      pieces.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const specs: string[] = [];
  for (const piece of pieces) {
    if (piece === "") continue;
    const colon = piece.indexOf(":");
    const equals = piece.indexOf("=");
    const isHyperparameter = equals >= 0 && (colon < 0 || colon > equals);
    if (isHyperparameter && specs.length > 0) specs[specs.length - 1] += `,${piece}`;
    else specs.push(piece);
  }
  if (specs.length === 0)
    throw new InputRangeError(`--optimizers must name at least one optimizer, got ${JSON.stringify(text)}`);
  return specs;
}

function parseHidden(raw: string | undefined): number[] {
  if (raw === undefined) return [...BOOK_NETWORK.hiddenSizes];
  const sizes = raw.split(",").map((part) => Number(part.trim()));
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 100000)) {
    throw new InputRangeError(
      `--hidden must be comma-separated whole numbers in [1, 100000], got ${JSON.stringify(raw)}`,
    );
  }
  return sizes;
}

function readResults(path: string): ResultLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as ResultLine];
      } catch {
        return []; // a line cut by an interruption
      }
    });
}

function sameSettings(a: RunHeader, b: RunHeader): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const mnist: Command = async (argv: string[], io: CliIO) => {
  const { values } = parseCommandArgs("mnist", argv, OPTIONS);
  if (values.help) {
    io.stdout(MNIST_USAGE);
    return 0;
  }
  // The plotting stack (Plot, jsdom, resvg) takes ≈1 s to load: start now, so it loads while workers train.
  const figuresModule = import("./mnist-figures.js");
  figuresModule.catch(() => {}); // awaited (and its error reported) after training
  const specs = splitOptimizerList(values.optimizers ?? DEFAULT_MNIST_OPTIMIZERS.join(","));
  const optimizers = specs.map((spec) => ({ label: spec, optimizer: createOptimizer(spec) }));
  if (new Set(specs).size !== specs.length) {
    throw new InputRangeError(
      `--optimizers must not list the same optimizer twice, got ${JSON.stringify(values.optimizers)}`,
    );
  }
  const iterations = intFlag("iterations", values.iterations, 2000, 1, 10_000_000);
  const batchSize = intFlag("batch-size", values["batch-size"], 128, 1, 65536);
  const firstSeed = intFlag("seed", values.seed, 1, 0, 2 ** 31 - 1);
  const seedCount = intFlag("seeds", values.seeds, 1, 1, 1000);
  const evalEvery = intFlag("eval-every", values["eval-every"], 100, 0, 10_000_000);
  const activation = values.activation ?? "relu";
  if (activation !== "relu" && activation !== "sigmoid") {
    throw new InputTypeError(`--activation must be relu or sigmoid, got ${JSON.stringify(activation)}`);
  }
  const weightDecayLambda = numberFlag("weight-decay", values["weight-decay"], 0, 0, 1e6);
  const hiddenSizes = parseHidden(values.hidden);
  const outDir = values.out ?? "out";
  const dataName = values.data ?? "mnist";
  const data = loadDataset(dataName);
  const config: NetworkConfig = {
    inputSize: data.train.rows * data.train.cols,
    hiddenSizes,
    outputSize: data.classes,
    activation,
    weightDecayLambda,
  };
  checkNetworkConfig(config);
  const engineChoice = await chooseEngine(values.engine ?? "auto", config);
  if (engineChoice.note) io.stderr(`optlab mnist: ${engineChoice.note}\n`);
  const workerScript = workerScriptPath();
  const defaultWorkers = workerScript ? Math.min(availableParallelism(), specs.length) : 1;
  const workers = Math.min(intFlag("workers", values.workers, defaultWorkers, 1, 64), specs.length);
  if (workers > 1 && !workerScript) {
    throw new InputRangeError("--workers: the compiled worker script is missing; run npm run build first");
  }
  const sharedData = workers > 1 ? shareData(data) : data;

  const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
  const header: RunHeader = {
    type: "run",
    version: 1,
    optimizers: specs,
    iterations,
    batchSize,
    seeds,
    evalEvery,
    data: dataName,
    engine: engineChoice.kind,
    network: { hiddenSizes, activation, weightDecayLambda },
  };
  const resultsPath = join(outDir, "mnist-results.jsonl");
  const checkpointPath = join(outDir, "mnist-checkpoint.bin");

  // Resume: keep the lines up to the last checkpoint, drop anything computed after it.
  let lines: ResultLine[] = [];
  let checkpoint: TrainingCheckpoint | undefined;
  if (values.resume) {
    const previous = readResults(resultsPath);
    const previousHeader = previous[0]?.type === "run" ? (previous[0] as RunHeader) : undefined;
    if (!previousHeader) {
      io.stderr(`optlab mnist: --resume: no earlier run in ${resultsPath}; starting afresh\n`);
    } else if (!sameSettings(previousHeader, header)) {
      const differences = (Object.keys(header) as (keyof RunHeader)[])
        .filter((key) => JSON.stringify(previousHeader[key]) !== JSON.stringify(header[key]))
        .map(
          (key) => `${key} ${JSON.stringify(previousHeader[key])} there, ${JSON.stringify(header[key])} now`,
        );
      throw new InputRangeError(
        `--resume: ${resultsPath} was made with other settings (${differences.join("; ")}); run with the same flags or without --resume`,
      );
    } else {
      if (existsSync(checkpointPath))
        checkpoint = decodeCheckpoint(new Uint8Array(readFileSync(checkpointPath)), checkpointPath);
      const done = new Set(previous.filter((line) => line.type === "seed-done").map((line) => line.seed));
      lines = previous.filter((line) => {
        if (line.type === "run" || line.type === "seed-done") return true;
        if (done.has(line.seed)) return true;
        if (!checkpoint || line.seed !== checkpoint.seed) return false;
        return line.type === "losses"
          ? line.from - 1 + line.losses.length <= checkpoint.iteration
          : line.iteration <= checkpoint.iteration;
      });
      if (checkpoint && done.has(checkpoint.seed)) checkpoint = undefined;
    }
  }
  if (lines.length === 0) lines = [header];
  if (!checkpoint) rmSync(checkpointPath, { force: true }); // a fresh start never resumes a stale checkpoint
  writeFileAtomic(resultsPath, lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
  const append = (line: ResultLine) => {
    lines.push(line);
    appendFileSync(resultsPath, `${JSON.stringify(line)}\n`);
  };

  const terminal = io === processIO && process.stdout.isTTY === true;
  const doneSeeds = new Set(
    lines.filter((line) => line.type === "seed-done").map((line) => (line as { seed: number }).seed),
  );
  io.stdout(
    `optlab mnist: ${data.description}; network ${[config.inputSize, ...hiddenSizes, config.outputSize].join("-")} ${activation}` +
      `${weightDecayLambda ? ` λ=${weightDecayLambda}` : ""}; ${iterations} iterations of batch ${batchSize}; engine ${engineChoice.kind}` +
      `${workers > 1 ? ` × ${workers} workers` : ""}\n`,
  );
  for (const seed of seeds) {
    if (doneSeeds.has(seed)) continue;
    const resumeFrom = checkpoint?.seed === seed ? checkpoint : undefined;
    if (resumeFrom) io.stdout(`resuming seed ${seed} after update ${resumeFrom.iteration}\n`);
    const progress = new TrainingProgress(
      io,
      terminal,
      specs,
      iterations,
      seeds.length > 1 ? `seed ${seed}` : "",
    );
    if (resumeFrom) progress.resumeFrom(resumeFrom.iteration);
    const plan: TrainingPlan = {
      seed,
      iterations,
      batchSize,
      evalEvery,
      checkpointEvery: CHECKPOINT_EVERY,
      optimizers,
    };
    const started = performance.now();
    const callbacks: TrainingCallbacks = {
      onIteration: (update, losses) => progress.update(update, losses),
      onLosses: append,
      onEvaluation: append,
      onCheckpoint: (state) => writeFileAtomic(checkpointPath, encodeCheckpoint(state)),
    };
    if (workers > 1 && workerScript) {
      const { optimizers: _, ...numbers } = plan;
      await trainPairedInWorkers({
        script: workerScript,
        workers,
        specs,
        config,
        data: sharedData,
        module: engineChoice.module ?? null,
        plan: numbers,
        callbacks,
        resume: resumeFrom,
      });
    } else {
      trainPaired(
        engineChoice.factory(config, optimizers.length, batchSize),
        data,
        plan,
        callbacks,
        resumeFrom,
      );
    }
    append({ type: "seed-done", seed, seconds: (performance.now() - started) / 1000 });
  }
  rmSync(checkpointPath, { force: true });

  const runs = collectRuns(lines, header);
  const rows = summarize(runs, specs);
  writeFileAtomic(
    join(outDir, "mnist-summary.json"),
    `${JSON.stringify({ settings: header, engine: engineChoice.kind, dataset: data.description, summary: rows }, null, 2)}\n`,
  );
  writeCurves(outDir, runs, header);
  const { writeMnistFigures } = await figuresModule;
  const figures = await writeMnistFigures(outDir, runs, header, data.description);
  io.stdout(`\n${summaryTable(rows)}`);
  io.stdout(
    `wrote ${[resultsPath, join(outDir, "mnist-summary.json"), join(outDir, "mnist-curves.csv"), ...figures].join(", ")}\n`,
  );
  return 0;
};

/** `mnist-curves.csv`: one row per update, raw and smoothed loss per optimizer (first seed), and JSON with all seeds. */
function writeCurves(outDir: string, runs: ReturnType<typeof collectRuns>, header: RunHeader): void {
  const seed = header.seeds[0];
  const first = header.optimizers.map((label) =>
    runs.find((run) => run.label === label && run.seed === seed),
  );
  const columns = [
    "iteration",
    ...header.optimizers.flatMap((label) => [`${label} loss`, `${label} smoothed`]),
  ];
  const rows = [columns.map((c) => JSON.stringify(c)).join(",")];
  for (let i = 0; i < header.iterations; i++) {
    const cells = [String(i)];
    for (const run of first) {
      cells.push(
        run && i < run.losses.length ? String(run.losses[i]) : "",
        run && i < run.smoothed.length ? String(run.smoothed[i]) : "",
      );
    }
    rows.push(cells.join(","));
  }
  writeFileAtomic(join(outDir, "mnist-curves.csv"), `${rows.join("\n")}\n`);
  writeFileAtomic(
    join(outDir, "mnist-curves.json"),
    `${JSON.stringify({
      settings: header,
      runs: runs.map((run) => ({
        optimizer: run.label,
        seed: run.seed,
        loss: Array.from(run.losses),
        smoothed: Array.from(run.smoothed),
        evaluations: run.evaluations.map(({ iteration, testLoss, testAccuracy }) => ({
          iteration,
          testLoss,
          testAccuracy,
        })),
      })),
    })}\n`,
  );
}
