import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import {
  type ExperimentRun,
  meanInterval,
  nextRuns,
  type RunResult,
  remediesStudy,
  summarizeStudy,
  type TimingReport,
} from "../lab/index.js";
import { getLandscape } from "../landscapes/index.js";
import { escapeXml } from "../plot/index.js";
import { DEFAULT_MNIST_OPTIMIZERS, type MnistPlan, runMnist, runPool } from "../run/index.js";
import { writeFileAtomic } from "../util/files.js";
import { jsonLinesText } from "../util/json-lines.js";
import { optlabVersion } from "../util/project.js";
import { answerQuestions, type Measurements, type ReportEntry, type TimingFacts } from "./answers.js";
import { remediesSection } from "./compare-report.js";
import { createDocument } from "./dom.js";
import { stabilityFacts, trajectoryFacts } from "./facts.js";
import { writeFigureFiles } from "./figure-files.js";
import { howToRead } from "./how-to-read.js";
import { writeMnistFiles } from "./mnist-files.js";

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
  const result = await runMnist(mnistPlanFor(settings, folder), {
    onNote: (text) => settings.log(`  mnist: ${text}`),
    onSeedDone: (seed, seconds) => settings.log(`  mnist seed ${seed}: ${seconds.toFixed(1)} s`),
  });
  writeMnistFiles(folder, result);
  const { header, runs } = result;
  facts.mnist = {
    facts: header.optimizers.map((label) => {
      const mine = runs.filter((r) => r.label === label);
      const lastEval = (r: (typeof runs)[number]) =>
        [...r.evaluations].sort((a, b) => b.iteration - a.iteration)[0]?.testAccuracy ?? Number.NaN;
      const first = mine.find((r) => r.seed === header.seeds[0]);
      return {
        label,
        finalLoss: meanInterval(mine.map((r) => r.smoothed[r.smoothed.length - 1]).filter(Number.isFinite)),
        testAccuracy: meanInterval(mine.map(lastEval).filter(Number.isFinite)),
        lossEvery100: first ? Array.from(first.losses.filter((_, i) => i % 100 === 0)) : [],
        diverged: mine.filter((r) => !Number.isFinite(r.losses[r.losses.length - 1])).length,
      };
    }),
    hidden: header.network.hiddenSizes,
    seeds: header.seeds,
    iterations: header.iterations,
    batchSize: header.batchSize,
    data: header.data,
  };
  return {
    id: "mnist",
    title: `MNIST (seed §8): ${header.optimizers.join(", ")}, ${header.iterations} updates of ${header.batchSize}, ${header.seeds.length} paired seeds`,
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
    ],
  };
}

/** Seed §6 as a small experiment inside npm start (the fair tier of optlab compare runs it at full size). */
export async function runRemediesPart(folder: string, settings: ReportSettings, facts: ReportFacts) {
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
      settings.log(`  remedies ${done}/${total} ${result.id} (${result.seconds.toFixed(1)} s)`);
    },
  });
  const summaries = summarizeStudy(study, results);
  facts.remedies = {
    facts: summaries.map((s) => ({
      label: s.label,
      testAccuracy: meanInterval(s.runs.map((r) => r.final.heldOutAccuracy).filter(Number.isFinite)),
      trainAccuracy: meanInterval(
        s.runs.map((r) => r.final.trainAccuracy ?? Number.NaN).filter(Number.isFinite),
      ),
      ...(s.id === "swats"
        ? { switchedAt: s.runs.map((r) => (r.finalState.phase === 1 ? r.finalState.switchStep : null)) }
        : {}),
    })),
    seeds: study.seeds,
    iterations: study.iterations,
    data: study.data,
  };
  const section = remediesSection(study, summaries, createDocument());
  const files: string[] = [];
  for (const figure of section.figures) files.push(...writeFigureFiles(figure, folder));
  writeFileAtomic(join(folder, "remedies.md"), `${section.markdown}\n`);
  writeFileAtomic(join(folder, "remedies.jsonl"), jsonLinesText([...results.values()]));
  return {
    id: "remedies",
    title: `Seed §6: SGD+Momentum, Adam, SWATS and AdaBound on ${study.data}, ${study.iterations} updates, ${study.seeds.length} seed(s)`,
    caption:
      "How to read this: training loss of the two remedies against their parents; remedies.md has the train–test gap table. A small network trained for a few epochs: see the answer to question 6 for what this can and cannot show.",
    files: [...files, "remedies.md", "remedies.jsonl"],
  };
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
  return {
    tolerance,
    seedRuns: six.runs.map((r) => trajectoryFacts(r, six.landscape, tolerance)),
    variants: [
      variant("lr-0.01", "every lr 0.01"),
      variant("lr-11", "every lr 11"),
      variant("lr-tuned", "the tuned set"),
    ],
    timing: facts.timing ? timingFacts(facts.timing) : [],
    stability: TUNED.map((spec) => stabilityFacts(spec, quadratic, 200, tolerance)),
    mnist: facts.mnist ?? null,
    remedies: facts.remedies ?? null,
  };
}

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
    `2D: f(x, y) = x²/20 + y² from (−7, 2), 30 steps, the seed's settings (SGD lr 0.95, Momentum 0.1 with μ 0.9, AdaGrad 1.5, Adam 0.3 with β 0.9/0.999, RMSprop and Nesterov 0.1); tolerance f − f* ≤ ${measurements.tolerance}.`,
    measurements.mnist
      ? `MNIST: ${measurements.mnist.data}, ${measurements.mnist.iterations} updates of ${measurements.mnist.batchSize}, book defaults, seeds ${measurements.mnist.seeds.join(", ")} (paired).`
      : "MNIST: not run.",
    measurements.remedies
      ? `§6: ${measurements.remedies.data}, ${measurements.remedies.iterations} updates, seeds ${measurements.remedies.seeds.join(", ")}.`
      : "",
  ].filter((l) => l !== "");
  facts.settingsLines = header;
  const markdown = [
    "# optlab report: the seed's questions, answered with this run's measurements",
    "",
    ...header.map((l) => `${l}  `),
    "",
    ...answers.flatMap((a) => [
      `## ${a.id}. ${a.question}`,
      "",
      a.answer,
      "",
      ...a.figures.flatMap((f) => [
        `![${f}](${f}.png)`,
        "",
        `*How to read this:* ${(howToRead(f) ?? "").replace("\n", " ")}`,
        "",
      ]),
      "",
    ]),
    "---",
    "",
    `Reproduce: \`${command}\`. Numbers differ slightly between machines (timing) and not at all for a given seed (trajectories, MNIST losses).`,
    "",
  ].join("\n");
  writeFileAtomic(join(folder, "report.md"), markdown);
  writeFileAtomic(
    join(folder, "report.json"),
    `${JSON.stringify(
      { format: "optlab-report-answers", version: 1, settings: header, command, entries: answers },
      (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
      1,
    )}\n`,
  );
  return {
    id: "report",
    title: "The seed's questions, answered with this run's measurements",
    caption:
      "report.md and report.json hold one entry per question (id, question, answer, figures, numbers).",
    files: ["report.md", "report.json"],
  };
}

/** The answers as HTML for index.html (text only: every value is escaped). */
export function answersHtml(facts: ReportFacts): string {
  if (!facts.answers) return "";
  const settings = (facts.settingsLines ?? []).map((l) => `<li>${escapeXml(l)}</li>`).join("\n");
  const entries = facts.answers.map((a) => {
    const paragraphs = a.answer
      .split("\n")
      .map((p) => `<p>${escapeXml(p)}</p>`)
      .join("\n");
    const figures = a.figures
      .map(
        (f) =>
          `<a href="#${escapeXml(f)}"><img class="thumb" src="${escapeXml(f)}.png" alt="${escapeXml(f)}"></a>`,
      )
      .join("\n");
    return `<section class="answer" id="q${escapeXml(a.id)}">\n<h2>${escapeXml(a.id)}. ${escapeXml(a.question)}</h2>\n${paragraphs}\n${figures}\n</section>`;
  });
  return `<h1>optlab report: the seed's questions, answered with this run's measurements</h1>\n<ul class="settings">\n${settings}\n</ul>\n${entries.join("\n")}\n<h1>Every figure and table</h1>`;
}
