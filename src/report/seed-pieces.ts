import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import {
  type ExperimentRun,
  nextRuns,
  type RunResult,
  remediesStudy,
  type StudyConfig,
  summarizeStudy,
  type TimingReport,
} from "../lab/index.js";
import { getLandscape } from "../landscapes/index.js";
import { createOptimizer } from "../optim/index.js";
import {
  DEFAULT_MNIST_OPTIMIZERS,
  type MnistPlan,
  type MnistResult,
  runMnist,
  runPool,
} from "../run/index.js";
import { writeFileAtomic } from "../util/files.js";
import { jsonLinesText } from "../util/json-lines.js";
import { optlabVersion } from "../util/project.js";
import { answerQuestions, type Measurements, type ReportEntry, type TimingFacts } from "./answers.js";
import { remediesSection } from "./compare-report.js";
import { createDocument } from "./dom.js";
import { landscapeFacts, stabilityFacts, trajectoryFacts } from "./facts.js";
import { writeFigureFiles } from "./figure-files.js";
import { writeMnistFiles } from "./mnist-files.js";
import { reportMarkdown } from "./page.js";

/**
 * The parts of `npm start` beyond the 2D figures: the seed's MNIST experiment (§8) with paired seeds, a small
 * §6 experiment (SGD+Momentum, Adam, SWATS, AdaBound), and the report answering every question from this run's
 * numbers (report.md, report.json; index.html shows them with the figures).
 */
export interface ReportSettings {
  /** A tiny version (small network, few updates) for tests and a first look. */
  readonly quick: boolean;
  readonly mnistSeeds: number;
  readonly remedySeeds: number;
  /** Where progress lines go (one per line, no newline). */
  readonly log: (line: string) => void;
}

/** What the pieces leave for the report. */
export interface ReportFacts {
  timing?: TimingReport;
  mnist?: Measurements["mnist"];
  remedies?: Measurements["remedies"];
  answers?: ReportEntry[];
  settingsLines?: string[];
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model?.trim() ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version} on ${process.platform}/${process.arch}`;
}

/** The MNIST run (the seed's §8: 2000 updates of 128, the book's defaults) and the quick version. */
export function mnistPlanFor(settings: ReportSettings, folder: string): MnistPlan {
  const common = {
    specs: DEFAULT_MNIST_OPTIMIZERS,
    seeds: Array.from({ length: settings.mnistSeeds }, (_, i) => 1 + i),
    data: "mnist",
    activation: "relu" as const,
    weightDecayLambda: 0,
    engine: "auto" as const,
    folder,
    resume: false,
  };
  return settings.quick
    ? { ...common, iterations: 40, batchSize: 32, hiddenSizes: [16], evalEvery: 20 }
    : { ...common, iterations: 2000, batchSize: 128, hiddenSizes: [100, 100, 100, 100], evalEvery: 200 };
}

/** Runs the seed's MNIST experiment into the report folder and keeps its numbers for the answers. */
export async function runMnistPart(folder: string, settings: ReportSettings, facts: ReportFacts) {
  return mnistPartFiles(folder, await trainMnistPart(folder, settings), facts);
}

/** The training of the MNIST part (worker threads; its journal goes into `folder`). */
export function trainMnistPart(folder: string, settings: ReportSettings): Promise<MnistResult> {
  const done: number[] = [];
  return runMnist(mnistPlanFor(settings, folder), {
    onNote: (text) => settings.log(`  mnist: ${text}`),
    onSeedDone: (seed, seconds) => {
      done.push(seconds);
      const left = settings.mnistSeeds - done.length;
      const eta =
        left > 0
          ? `, about ${Math.round((left * done.reduce((a, b) => a + b, 0)) / done.length)} s to go`
          : "";
      settings.log(
        `  mnist: seed ${seed} done (${done.length}/${settings.mnistSeeds}) in ${seconds.toFixed(1)} s${eta}`,
      );
    },
  });
}

/** The MNIST part's files and facts, from its training. */
export function mnistPartFiles(folder: string, result: MnistResult, facts: ReportFacts) {
  writeMnistFiles(folder, result);
  const { header, runs } = result;
  const lastAccuracy = (r: (typeof runs)[number]) =>
    [...r.evaluations].sort((x, y) => y.iteration - x.iteration)[0]?.testAccuracy ?? Number.NaN;
  facts.mnist = {
    facts: header.optimizers.map((label) => {
      const mine = header.seeds
        .map((seed) => runs.find((r) => r.label === label && r.seed === seed))
        .filter((r) => r !== undefined);
      const first = mine[0];
      return {
        label,
        optimizerId: createOptimizer(label).id,
        seeds: mine.map((r) => r.seed),
        finalLoss: mine.map((r) => r.smoothed[r.smoothed.length - 1]),
        testAccuracy: mine.map(lastAccuracy),
        lossEvery100: first ? Array.from(first.losses.filter((_, i) => i % 100 === 0)) : [],
        diverged: mine.filter((r) => !Number.isFinite(r.losses[r.losses.length - 1])).length,
      };
    }),
    hidden: header.network.hiddenSizes,
    seeds: header.seeds,
    iterations: header.iterations,
    batchSize: header.batchSize,
    data: result.description,
    trainImages: result.trainImages,
    testImages: result.testImages,
  };
  return {
    id: "mnist",
    title: `MNIST (the homework's item 8): ${header.optimizers.join(", ")}, ${header.iterations} updates of ${header.batchSize}, ${header.seeds.length} paired seeds`,
    caption:
      "How to read this: the smoothed training loss (the book's smooth_curve) per optimizer, y from 0 to 1, a marker every 100 updates; mnist-accuracy shows test accuracy during training. Every optimizer starts from the same weights and sees the same batches for a given seed.",
    files: [
      "mnist-loss.svg",
      "mnist-loss.png",
      "mnist-accuracy.svg",
      "mnist-accuracy.png",
      "mnist-summary.json",
      "mnist-results.jsonl",
      "mnist-curves.csv",
      "mnist-curves.json",
      "mnist-printout.txt",
    ],
  };
}

/** Seed §6 as a small experiment inside npm start (the fair tier of optlab compare runs it at full size). */
export async function runRemediesPart(folder: string, settings: ReportSettings, facts: ReportFacts) {
  return remediesPartFiles(folder, await trainRemediesPart(settings), facts);
}

/** The §6 study of npm start and its results (one run per optimizer and seed, on the worker pool). */
export interface TrainedRemedies {
  readonly study: StudyConfig;
  readonly results: ReadonlyMap<string, RunResult>;
}

/** The training of the §6 part (run specs on the worker pool). */
export async function trainRemediesPart(settings: ReportSettings): Promise<TrainedRemedies> {
  const study = remediesStudy({
    data: "mnist",
    seeds: settings.remedySeeds,
    quick: settings.quick,
    iterations: settings.quick ? 40 : 2000,
  });
  const results = new Map<string, RunResult>();
  await runPool(nextRuns(study, results), {
    onResult(result, done, total) {
      results.set(result.id, result);
      if (done === total) settings.log(`  item 6: ${total} runs done`);
    },
  });
  return { study, results };
}

/** The §6 part's figures, tables and facts, from its training (after the MNIST part's facts: it compares with them). */
export function remediesPartFiles(folder: string, trained: TrainedRemedies, facts: ReportFacts) {
  const { study, results } = trained;
  const summaries = summarizeStudy(study, results);
  const bySeed = (values: (r: RunResult) => number) => (id: string) =>
    study.seeds.map((seed) => {
      const run = summaries.find((x) => x.id === id)?.runs.find((r) => r.spec.seed === seed);
      return run ? values(run) : Number.NaN;
    });
  const swats = study.optimizers.find((o) => o.id === "swats");
  facts.remedies = {
    facts: summaries.map((s) => ({
      label: s.label,
      optimizerId: s.id,
      testAccuracy: bySeed((r) => r.final.heldOutAccuracy)(s.id),
      trainAccuracy: bySeed((r) => r.final.trainAccuracy ?? Number.NaN)(s.id),
      ...(s.id === "swats"
        ? {
            switchedAt: study.seeds.map((seed) => {
              const r = s.runs.find((x) => x.spec.seed === seed);
              return r && r.finalState.phase === 1 ? r.finalState.switchStep : null;
            }),
          }
        : {}),
    })),
    seeds: study.seeds,
    iterations: study.iterations,
    batchSize: study.batchSize,
    hidden: study.hidden,
    data: study.data,
    trainImages: facts.mnist?.trainImages ?? 8000,
    differences: remedyDifferences(study, facts.mnist),
    swatsEps: typeof swats?.hp?.eps === "number" ? swats.hp.eps : null,
  };
  const section = remediesSection(study, summaries, createDocument());
  const files: string[] = [];
  for (const figure of section.figures) files.push(...writeFigureFiles(figure, folder));
  writeFileAtomic(join(folder, "remedies.md"), `${section.markdown}\n`);
  writeFileAtomic(join(folder, "remedies.jsonl"), jsonLinesText([...results.values()]));
  return {
    id: "remedies",
    title: `The homework's item 6: SGD+Momentum, Adam, SWATS and AdaBound on ${study.data}, ${study.iterations} updates, ${study.seeds.length} seed(s)`,
    caption:
      "How to read this: training loss of the two remedies against their parents; remedies.md has the train–test gap table. A small network trained for a few epochs: see the answer to question 6 for what this can and cannot show.",
    files: [...files, "remedies.md", "remedies.jsonl"],
  };
}

/** How the §6 experiment's settings differ from item 8's (the MNIST run), in words. */
function remedyDifferences(study: StudyConfig, mnist: Measurements["mnist"] | undefined): string[] {
  const out = [
    "its own optimizers (torch's SGD with momentum 0.9 at lr 0.05, torch's Adam at lr 0.001, SWATS, AdaBound)",
  ];
  if (!mnist) return out;
  if (study.iterations !== mnist.iterations)
    out.push(`${study.iterations} updates instead of ${mnist.iterations}`);
  if (study.batchSize !== mnist.batchSize)
    out.push(`batches of ${study.batchSize} instead of ${mnist.batchSize}`);
  if (study.hidden.join(",") !== mnist.hidden.join(","))
    out.push(`hidden layers ${study.hidden.join("-")} instead of ${mnist.hidden.join("-")}`);
  if (study.seeds.length !== mnist.seeds.length)
    out.push(`${study.seeds.length} seeds instead of ${mnist.seeds.length}`);
  return out;
}

function timingFacts(report: TimingReport): TimingFacts[] {
  return report.timings.map((t) => ({
    label: t.label,
    optimizerId: t.optimizerId,
    stepNs: { median: t.stepNs.median, q1: t.stepNs.q1, q3: t.stepNs.q3 },
    iterationNs: { median: t.iterationNs.median, q1: t.iterationNs.q1, q3: t.iterationNs.q3 },
    stepsToTolerance: t.stepsToTolerance,
    timeToToleranceUs: t.timeToToleranceUs?.median ?? null,
  }));
}

/** The step budget of every point of the report's learning-rate grid. */
const STABILITY_STEPS = 200;

/** The six tuned settings of the seed (§3 and §7), whose lr ranges the report measures. */
const TUNED = [
  "sgd:lr=0.95",
  "momentum:lr=0.1",
  "nesterov:lr=0.1",
  "adagrad:lr=1.5",
  "rmsprop:lr=0.1",
  "adam:lr=0.3",
];

type ExperimentRuns = Map<string, ExperimentRun>;

/** Gathers this run's measurements and answers the seed's questions. */
export function buildMeasurements(runs: ExperimentRuns, facts: ReportFacts, tolerance: number): Measurements {
  const quadratic = getLandscape("quadratic");
  const six = runs.get("trajectories-6");
  if (!six) throw new Error("optlab all: the report needs the trajectories-6 runs");
  const variant = (id: string, setting: string) => {
    const run = runs.get(id);
    return { setting, runs: run ? run.runs.map((r) => trajectoryFacts(r, run.landscape, tolerance)) : [] };
  };
  const field = runs.get("gradient-field");
  const arrows: [number, number][] = [];
  if (field) {
    const n = field.experiment.arrows ?? 17;
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++)
        arrows.push([
          field.window.x[0] + ((field.window.x[1] - field.window.x[0]) * (i + 0.5)) / n,
          field.window.y[0] + ((field.window.y[1] - field.window.y[0]) * (j + 0.5)) / n,
        ]);
  }
  return {
    tolerance,
    landscape: landscapeFacts(quadratic, arrows),
    seedRuns: six.runs.map((r) => trajectoryFacts(r, six.landscape, tolerance)),
    variants: [
      variant("lr-0.01", "every lr 0.01"),
      variant("lr-11", "every lr 11"),
      variant("lr-tuned", "the tuned set"),
    ],
    timing: facts.timing ? timingFacts(facts.timing) : [],
    timingMaxSteps: facts.timing?.maxSteps ?? 0,
    stability: TUNED.map((spec) => stabilityFacts(spec, quadratic, STABILITY_STEPS, tolerance)),
    stabilitySteps: STABILITY_STEPS,
    mnist: facts.mnist ?? null,
    remedies: facts.remedies ?? null,
  };
}

export const REPORT_TITLE = "optlab report: the homework's questions, answered with this run's measurements";

/** report.md and report.json: one entry per question, with the settings and the command that reproduces it. */
export function writeAnswers(
  folder: string,
  measurements: Measurements,
  settings: ReportSettings,
  facts: ReportFacts,
) {
  const answers = answerQuestions(measurements);
  facts.answers = answers;
  const command = `npm start   (= optlab all --out out${settings.quick ? " --quick" : ""})`;
  const header = [
    `optlab ${optlabVersion()} on ${machineLine()}, ${new Date().toISOString().slice(0, 10)}.`,
    `2D: f(x, y) = x²/20 + y² from (−7, 2), 30 steps, the homework's settings (SGD lr 0.95, Momentum 0.1 with μ 0.9, AdaGrad 1.5, Adam 0.3 with β 0.9/0.999, RMSprop and Nesterov 0.1); tolerance f − f* ≤ ${measurements.tolerance}; the lr grid runs ${measurements.stabilitySteps} steps per point; timing runs at most ${measurements.timingMaxSteps} steps.`,
    measurements.mnist
      ? `MNIST (item 8): ${measurements.mnist.data}; ${measurements.mnist.iterations} updates of ${measurements.mnist.batchSize}, the book's defaults, random seeds ${measurements.mnist.seeds.join(", ")} (paired: each seed gives every optimizer the same start and batches). Full-size Fashion-MNIST with optlab mnist --data fashion-mnist.`
      : "MNIST: not run.",
    measurements.remedies
      ? `Item 6: ${measurements.remedies.data}, ${measurements.remedies.iterations} updates of ${measurements.remedies.batchSize}, random seeds ${measurements.remedies.seeds.join(", ")}.`
      : "",
    "Per optimizer over seeds: median [min–max]. Between optimizers: the median of the per-seed differences with its exact sign-test interval.",
  ].filter((l) => l !== "");
  facts.settingsLines = header;
  const closing = `Reproduce: \`${command}\`. Numbers differ between machines only in the timings; for a given seed the trajectories and MNIST losses are the same.`;
  const markdown = reportMarkdown(REPORT_TITLE, header, answers, closing);
  writeFileAtomic(join(folder, "report.md"), markdown);
  writeFileAtomic(
    join(folder, "report.json"),
    `${JSON.stringify(
      { format: "optlab-report-answers", version: 2, settings: header, command, entries: answers },
      (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
      1,
    )}\n`,
  );
  return {
    id: "report",
    title: "The homework's questions, answered with this run's measurements",
    caption:
      "report.md and report.json hold one entry per item of the homework (id, question, answer, definitions, figures, numbers, and the claims with the rule and the numbers behind each).",
    files: ["report.md", "report.json"],
  };
}
