import { availableParallelism } from "node:os";
import { createNetworkEntry, optimizerSpecsOf, withSchedule } from "../lab/network-optimizer.js";
import { type Activation, BOOK_NETWORK, networkLayout, parseEngineName } from "../nn/index.js";
import { splitOptimizerList } from "../optim/index.js";
import type { writeMnistFiles } from "../report/mnist-files.js";
import { DEFAULT_MNIST_OPTIMIZERS, runMnist } from "../run/mnist.js";
import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import { prepareOutputFolder } from "../util/files.js";
import { lockFolder } from "../util/lock.js";
import { checkOptimizerSpecKeys } from "../util/spec-keys.js";
import { intFlag, noPositionals, numberFlag, parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";
import { type CliIO, processIO } from "./io.js";
import { TrainingProgress } from "./progress.js";

export const MNIST_USAGE = `usage: optlab mnist [options]
  --optimizers LIST   optimizer specs, comma-separated (default ${DEFAULT_MNIST_OPTIMIZERS.join(",")});
                      hyperparameters ride along: 'adam:lr=0.001,beta1=0.9,sgd:lr=0.1'; a spec may end
                      with its own schedule: 'adamw:lr=1e-3 @ warmup-cosine:warmup=100'. muon alone gets
                      the reference recipe (Muon on the hidden 100×100 matrices, adamw:lr=1e-3 on W1, the
                      output layer and the biases); soap, adafactor and sm3 get one instance per W and b
  --schedule SPEC     learning-rate schedule for every optimizer without its own '@ …', e.g.
                      warmup-cosine:warmup=100 (lengths default to --iterations, peaks to the lr); with
                      parameter groups it is a factor on every group's lr. The lr of every update is
                      written to the journal (lr, or lrFactor for groups)
  --groups SPEC       one more network with parameter groups by role (hidden, input, output, bias,
                      matrices, rest), entries split by |: 'hidden=muon:lr=0.02 | rest=adamw:lr=1e-3';
                      unnamed entries are hidden, then rest ('muon:lr=0.02 | adamw:lr=1e-3'). Without
                      --optimizers only this network trains
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
  schedule: { type: "string" },
  groups: { type: "string" },
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

function parseHidden(raw: string | undefined): number[] {
  if (raw === undefined) return [...BOOK_NETWORK.hiddenSizes];
  const sizes = raw.split(",").map((part) => Number(part.trim()));
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 100000)) {
    throw new InputRangeError(
      `--hidden must be comma-separated whole numbers in [1, 100000], got ${show(raw)}`,
    );
  }
  return sizes;
}

/** `optlab mnist`: a paired MNIST comparison (run/mnist.ts), its files (report/mnist-files.ts), a summary table. */
export const mnist: Command = async (argv: string[], io: CliIO) => {
  const { values, positionals } = parseCommandArgs("mnist", argv, OPTIONS);
  if (values.help) {
    io.stdout(MNIST_USAGE);
    return 0;
  }
  noPositionals(positionals);
  const listed =
    values.optimizers === undefined && values.groups !== undefined
      ? []
      : splitOptimizerList(values.optimizers ?? DEFAULT_MNIST_OPTIMIZERS.join(","));
  if (values.groups !== undefined) listed.push(`groups(${values.groups.trim()})`);
  const specs = listed.map((spec) => withSchedule(spec, values.schedule));
  const iterationsForCheck = intFlag("iterations", values.iterations, 2000, 1, 10_000_000);
  const checkLayout = networkLayout({ ...BOOK_NETWORK, hiddenSizes: parseHidden(values.hidden) });
  for (const spec of specs) {
    for (const piece of optimizerSpecsOf(spec)) checkOptimizerSpecKeys(piece, "--optimizers");
    createNetworkEntry(spec, checkLayout, iterationsForCheck); // every spec (groups, schedule) checked before any work
  }
  if (new Set(specs).size !== specs.length) {
    throw new InputRangeError(
      `--optimizers must not list the same optimizer twice, got ${show(values.optimizers)}`,
    );
  }
  const iterations = intFlag("iterations", values.iterations, 2000, 1, 10_000_000);
  const batchSize = intFlag("batch-size", values["batch-size"], 128, 1, 65536);
  const firstSeed = intFlag("seed", values.seed, 1, 0, 2 ** 31 - 1);
  const seedCount = intFlag("seeds", values.seeds, 1, 1, 1000);
  const activation = values.activation ?? "relu";
  if (activation !== "relu" && activation !== "sigmoid") {
    throw new InputTypeError(`--activation must be relu or sigmoid, got ${show(activation)}`);
  }
  const workers =
    values.workers === undefined
      ? undefined
      : intFlag("workers", values.workers, availableParallelism(), 1, 64);
  const evalEvery = intFlag("eval-every", values["eval-every"], 100, 0, 10_000_000);
  const hiddenSizes = parseHidden(values.hidden);
  const weightDecayLambda = numberFlag("weight-decay", values["weight-decay"], 0, 0, 1e6);
  const engine = parseEngineName(values.engine);
  // Every flag is checked; now the folder: created, probed for writing and locked before any work.
  const out = prepareOutputFolder(values.out ?? "out");
  const release = lockFolder(out, ["optlab", "mnist", ...argv].join(" "), (text) =>
    io.stderr(`optlab mnist: ${text}\n`),
  );
  try {
    return await train();
  } finally {
    release();
  }

  async function train(): Promise<number> {
    const terminal = io === processIO && process.stdout.isTTY === true;
    let progress: TrainingProgress | null = null;
    let fileWriter: Promise<typeof writeMnistFiles> | undefined;
    const result = await runMnist(
      {
        specs,
        iterations,
        batchSize,
        seeds: Array.from({ length: seedCount }, (_, i) => firstSeed + i),
        evalEvery,
        data: values.data ?? "mnist",
        hiddenSizes,
        activation: activation as Activation,
        weightDecayLambda,
        engine,
        workers,
        folder: out,
        resume: values.resume === true,
      },
      {
        onNote: (text) => io.stderr(`optlab mnist: ${text}\n`),
        onStart: ({ description, config, engine, workers: threads }) => {
          fileWriter = loadFileWriter();
          io.stdout(
            `optlab mnist: ${description}; network ${[config.inputSize, ...config.hiddenSizes, config.outputSize].join("-")} ${config.activation}` +
              `${config.weightDecayLambda ? ` λ=${config.weightDecayLambda}` : ""}; ${iterations} iterations of batch ${batchSize}; engine ${engine}` +
              `${threads > 1 ? ` × ${threads} workers` : ""}\n`,
          );
        },
        onSeed(seed, resumedAfter) {
          if (resumedAfter !== null) io.stdout(`resuming seed ${seed} after update ${resumedAfter}\n`);
          progress = new TrainingProgress(
            io,
            terminal,
            specs,
            iterations,
            seedCount > 1 ? `seed ${seed}` : "",
          );
          if (resumedAfter !== null) progress.resumeFrom(resumedAfter);
        },
        onIteration: (_seed, update, losses) => progress?.update(update, losses),
      },
    );
    const { paths, table } = (await (fileWriter ?? loadFileWriter()))(out, result);
    io.stdout(`\n${table}`);
    for (const line of result.divergences)
      io.stdout(
        `${line.optimizer} diverged at update ${line.update} (seed ${line.seed}): its batch loss is not finite\n`,
      );
    io.stdout(`wrote ${paths.join(", ")}\n`);
    return 0;
  }
};

/**
 * The result files' writer with its figure stack (Observable Plot, linkedom, resvg: ≈0.5 s to load on this machine),
 * loaded while the workers train rather than before training or after it. A loading error surfaces where it is
 * awaited, after training.
 */
function loadFileWriter(): Promise<typeof writeMnistFiles> {
  const loading = import("../report/mnist-files.js").then((files) => files.writeMnistFiles);
  loading.catch(() => undefined);
  return loading;
}
