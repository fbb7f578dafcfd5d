import { join, resolve } from "node:path";
import {
  type Experiment,
  type ExperimentRun,
  FIGURE_KINDS,
  type FigureKind,
  parseExperiment,
  runExperiment,
} from "../lab/index.js";
import { type RenderedFigure, renderFigure } from "../plot/index.js";
import { createDocument, writeFigureFiles } from "../report/index.js";
import { InputRangeError, show, unknownNameMessage } from "../util/errors.js";
import { prepareOutputFolder } from "../util/files.js";
import { checkExperimentSpecKeys } from "../util/spec-keys.js";
import { joinNegativeValues, numberList, parseCommandArgs } from "./args.js";
import type { CliIO } from "./io.js";
import { MNIST_LANDSCAPE_USAGE, mnistLandscape } from "./mnist-landscape.js";

export const FIGURE_USAGE = `usage: optlab figure KIND [options]   (and optlab figure mnist-landscape [options], below)
  KIND              ${FIGURE_KINDS.join(" | ")}
  --function F      landscape id or formula in x and y (default quadratic)
  --start x,y       start point (default: the landscape's)
  --steps N         optimizer steps (default 30)
  --optimizer SPEC  repeatable: "adam:lr=0.3", "torch.optim.SGD:lr=0.1,momentum=0.9", …
  --variant L=S;S   repeatable (variants figure): a row label, "=", then optimizer specs separated by ";"
  --layout L        panels (default) or overlay
  --window x0,x1,y0,y1   plotting window (default: the landscape's)
  --mask-above V    do not draw contour levels above V
  --schedule SPEC   learning-rate schedule for every optimizer, e.g. warmup-cosine:warmup=10 (lengths
                    default to --steps, peaks to each lr); the lr of every step goes to the figure's JSON.
                    Muon treats the parameter (x, y) as a 1×2 matrix, and the subtitle says so
  --id NAME         output file name (default KIND)
  --title TEXT      figure title
  --out DIR         output folder (default out)
writes DIR/NAME.svg, NAME.png, NAME.json and NAME.csv (when the figure has tabular data)`;

/** Refuses a surface whose window holds no finite value (the renderer has nothing to draw), in one line. */
function checkSurfaceWindow(run: ExperimentRun): void {
  const settings = run.experiment.surface ?? {};
  const x = settings.x ?? run.window.x;
  const y = settings.y ?? run.window.y;
  const n = settings.n ?? 100;
  const p = new Float64Array(2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      p[0] = x[0] + ((x[1] - x[0]) * i) / (n - 1);
      p[1] = y[0] + ((y[1] - y[0]) * j) / (n - 1);
      if (Number.isFinite(run.landscape.f(p))) return;
    }
  }
  throw new InputRangeError(
    `surface: f is NaN or infinite at every point of the window x ${show(x)}, y ${show(y)}; choose another window or function`,
  );
}

/** Runs an experiment and renders its figure (nothing is written). */
export function buildFigure(experiment: Experiment, document: Document = createDocument()): RenderedFigure {
  const run = runExperiment(experiment);
  if (experiment.figure === "surface") checkSurfaceWindow(run);
  return renderFigure(run, document);
}

function parseVariant(raw: string): { label: string; optimizers: string[] } {
  const equals = raw.indexOf("=");
  const label = equals < 0 ? "" : raw.slice(0, equals).trim();
  const specs =
    equals < 0
      ? []
      : raw
          .slice(equals + 1)
          .split(";")
          .map((s) => s.trim())
          .filter((s) => s !== "");
  if (label === "" || specs.length === 0) {
    throw new InputRangeError(
      `--variant must be LABEL=SPEC;SPEC…, e.g. "lr 0.01=sgd:lr=0.01;adam:lr=0.01", got ${show(raw)}`,
    );
  }
  return { label, optimizers: specs };
}

/** Turns the figure command's flags into an experiment document (then validated like a file). */
export function experimentFromFlags(argv: string[]): { experiment: Experiment; out: string } {
  const { values, positionals } = parseCommandArgs(
    "figure",
    joinNegativeValues(argv, ["--start", "--window"]),
    {
      function: { type: "string" },
      start: { type: "string" },
      steps: { type: "string" },
      optimizer: { type: "string", multiple: true },
      variant: { type: "string", multiple: true },
      layout: { type: "string" },
      window: { type: "string" },
      "mask-above": { type: "string" },
      schedule: { type: "string" },
      id: { type: "string" },
      title: { type: "string" },
      out: { type: "string" },
    },
  );
  if (positionals.length !== 1) {
    throw new InputRangeError(
      `expected one figure kind (${FIGURE_KINDS.join(", ")}), got ${show(positionals)}`,
    );
  }
  const kind = positionals[0];
  if (!FIGURE_KINDS.includes(kind as FigureKind))
    throw new InputRangeError(unknownNameMessage("figure", kind, FIGURE_KINDS));
  const document: Record<string, unknown> = { figure: kind, function: values.function ?? "quadratic" };
  if (values.start !== undefined) document.start = numberList("start", values.start, 2, "x,y");
  if (values.steps !== undefined) {
    const steps = Number(values.steps);
    if (values.steps.trim() === "" || !Number.isInteger(steps) || steps <= 0) {
      throw new InputRangeError(`--steps must be a whole number ≥ 1, got ${show(values.steps)}`);
    }
    document.steps = steps;
  }
  if (values.optimizer !== undefined) document.optimizers = values.optimizer;
  if ((kind === "trajectories" || kind === "losses") && values.optimizer === undefined) {
    throw new InputRangeError(
      `the ${kind} figure needs at least one --optimizer, e.g. --optimizer sgd:lr=0.95`,
    );
  }
  if (values.variant !== undefined) document.variants = values.variant.map(parseVariant);
  if (values.layout !== undefined) document.layout = values.layout;
  if (values.window !== undefined) {
    const [x0, x1, y0, y1] = numberList("window", values.window, 4, "x0,x1,y0,y1");
    document.window = { x: [x0, x1], y: [y0, y1] };
  }
  if (values["mask-above"] !== undefined) {
    document.contour = { maskAbove: numberList("mask-above", values["mask-above"], 1, "V")[0] };
  }
  if (values.schedule !== undefined) document.schedule = values.schedule;
  if (values.id !== undefined) document.id = values.id;
  if (values.title !== undefined) document.title = values.title;
  checkExperimentSpecKeys(document, "");
  return { experiment: parseExperiment(document, ""), out: values.out ?? "out" };
}

/** The figure command's whole help: the experiment kinds and the network's loss landscape. */
export const FIGURE_HELP = `${FIGURE_USAGE}\n\n${MNIST_LANDSCAPE_USAGE}`;

/** `optlab figure KIND …`: one figure from flags. */
export async function figure(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] === "mnist-landscape") return mnistLandscape(argv.slice(1), io);
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(`${FIGURE_HELP}\n`);
    return 0;
  }
  const { experiment, out } = experimentFromFlags(argv);
  prepareOutputFolder(out);
  const rendered = buildFigure(experiment);
  const names = writeFigureFiles(rendered, out);
  io.stdout(`wrote ${names.map((name) => join(resolve(out), name)).join(", ")}\n`);
  return 0;
}
