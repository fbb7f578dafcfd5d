import { join, resolve } from "node:path";
import type { SliceMode } from "../lab/index.js";
import { parseEngineName } from "../nn/index.js";
import { splitOptimizerList } from "../optim/index.js";
import { mnistLandscapeFigure } from "../plot/index.js";
import { createDocument, writeFigureFiles } from "../report/index.js";
import { runLandscapeSlice } from "../run/index.js";
import { InputRangeError, show } from "../util/errors.js";
import { prepareOutputFolder } from "../util/files.js";
import { intFlag, noPositionals, parseCommandArgs } from "./args.js";
import type { CliIO } from "./io.js";

export const MNIST_LANDSCAPE_USAGE = `usage: optlab figure mnist-landscape [options]
  the loss of the book's MNIST network on a 2-D slice through weight space, every optimizer's path projected on it
  --optimizers LIST   optimizer specs, comma-separated (default sgd,momentum,adagrad,adam)
  --iterations N      updates per optimizer (default 2000)
  --batch-size N      images per batch (default 128)
  --seed N            the paired seed (default 1)
  --mode M            plane (default: through the shared start and the ends of the first and last runs) |
                      random (two filter-normalised random directions, Li et al. 2018)
  --grid N            N × N slice points (default 21)
  --snapshots N       snapshots per path (default 20)
  --images N          training images the loss is evaluated on (default 1000)
  --engine E          auto (default) | wasm | reference
  --out DIR           output folder (default out)
writes DIR/mnist-landscape.svg, .png and .json (the slice and the projected paths)`;

/** `optlab figure mnist-landscape …` (dispatched by the figure command). */
export async function mnistLandscape(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("figure mnist-landscape", argv, {
    optimizers: { type: "string" },
    iterations: { type: "string" },
    "batch-size": { type: "string" },
    seed: { type: "string" },
    mode: { type: "string" },
    grid: { type: "string" },
    snapshots: { type: "string" },
    images: { type: "string" },
    engine: { type: "string" },
    out: { type: "string" },
  });
  noPositionals(positionals);
  const mode = values.mode ?? "plane";
  if (mode !== "plane" && mode !== "random")
    throw new InputRangeError(`--mode must be plane or random, got ${show(mode)}`);
  const plan = {
    specs: splitOptimizerList(values.optimizers ?? "sgd,momentum,adagrad,adam"),
    iterations: intFlag("iterations", values.iterations, 2000, 1, 100_000),
    batchSize: intFlag("batch-size", values["batch-size"], 128, 1, 4096),
    seed: intFlag("seed", values.seed, 1, 0, 2 ** 31 - 1),
    mode: mode as SliceMode,
    grid: intFlag("grid", values.grid, 21, 3, 101),
    snapshots: intFlag("snapshots", values.snapshots, 20, 1, 1000),
    evaluationImages: intFlag("images", values.images, 1000, 10, 8000),
    engine: parseEngineName(values.engine),
  };
  if (plan.specs.length < 2 && plan.mode === "plane")
    throw new InputRangeError(
      "--mode plane needs at least two optimizers (the plane goes through two runs' ends)",
    );
  const out = prepareOutputFolder(values.out ?? "out");
  const started = performance.now();
  let lastPhase = "";
  const { slice, engine, description } = runLandscapeSlice(plan, (phase, done, total) => {
    if (phase !== lastPhase || done === total) io.stderr(`mnist-landscape: ${phase} ${done}/${total}\n`);
    lastPhase = phase;
  });
  const settings = `784-100-100-100-100-10 relu, batch ${plan.batchSize}, ${plan.iterations} updates, seed ${plan.seed}, engine ${engine}; ${plan.mode} slice, ${plan.grid} × ${plan.grid} points on ${plan.evaluationImages} training images; data: ${description}`;
  const svg = mnistLandscapeFigure(createDocument(), slice, settings);
  const names = writeFigureFiles(
    {
      id: "mnist-landscape",
      title: "The MNIST network's loss landscape",
      caption: settings,
      svg,
      data: { settings: plan, slice },
      files: [],
    },
    out,
  );
  io.stdout(
    `wrote ${names.map((name) => join(resolve(out), name)).join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
