import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import {
  type ExperimentRun,
  type OptimizerRun,
  runExperiment,
  timeOptimizers,
  timingCsv,
  timingMarkdown,
  trajectoryMetrics,
} from "../lab/index.js";
import { getLandscape } from "../landscapes/index.js";
import { escapeXml, renderFigure, timingFigure } from "../plot/index.js";
import { experimentsFolder, type MnistResult, printToPdf, readExperimentFile } from "../run/index.js";
import { writeFileAtomic } from "../util/files.js";
import { createDocument } from "./dom.js";
import { writeFigureFiles } from "./figure-files.js";
import { howToRead } from "./how-to-read.js";
import { indexHtml, type ReportItem } from "./page.js";
import {
  buildMeasurements,
  machineLine,
  mnistPartFiles,
  REPORT_TITLE,
  type ReportFacts,
  type ReportSettings,
  remediesPartFiles,
  type TrainedRemedies,
  trainMnistPart,
  trainRemediesPart,
  writeAnswers,
} from "./seed-pieces.js";

/** What every piece of the report shares: where to write, a DOM for Plot, the runs made so far. */
export interface ReportContext {
  readonly folder: string;
  readonly document: Document;
  /** Every experiment run so far, by figure id (the metrics table reads them). */
  readonly runs: Map<string, ExperimentRun>;
  /** Numbers the pieces leave for the answers (timing, MNIST, §6). */
  readonly facts: ReportFacts;
}

/** A piece of the report: writes its files into the context's folder and returns its manifest entry. */
export interface ReportPiece {
  readonly id: string;
  /**
   * Work on worker threads (the MNIST training) that `writeReport` starts before it builds any piece but the quiet
   * ones, so that it runs beside the main thread's pieces; `build` comes later, in order, and awaits it.
   */
  start?(context: ReportContext): Promise<unknown>;
  /** Built before any `start`, while the cores are free: a piece that measures time. */
  readonly quiet?: boolean;
  build(context: ReportContext): ReportItem | Promise<ReportItem>;
}

/** The seed's 2D figures, in report order; each is `experiments/ID.json`. */
export const SEED_FIGURE_IDS = [
  "surface",
  "gradient-field",
  "trajectories",
  "trajectories-6",
  "lr-0.01",
  "lr-11",
  "lr-tuned",
  "momentum-vs-nesterov",
  "adagrad-vs-rmsprop",
  "book-vs-torch",
  "losses",
] as const;

/** The optimizers timed (the seed's tuned settings plus Nesterov and RMSprop). */
export const TIMED_OPTIMIZERS = [
  "sgd:lr=0.95",
  "momentum:lr=0.1,momentum=0.9",
  "nesterov:lr=0.1,momentum=0.9",
  "adagrad:lr=1.5",
  "rmsprop:lr=0.1,rho=0.99",
  "adam:lr=0.3,beta1=0.9,beta2=0.999",
];

/** The tolerance of "steps to tolerance" in the metrics and timing tables (the seed's §4.4 asks f ≤ 1e-3). */
export const TOLERANCE = 1e-3;

/** A figure of the seed from its experiment file. */
export function seedFigure(id: string, context: ReportContext): ReportItem {
  const experiment = readExperimentFile(join(experimentsFolder(), `${id}.json`));
  const run = runExperiment(experiment);
  context.runs.set(id, run);
  const rendered = renderFigure(run, context.document);
  const files = writeFigureFiles(rendered, context.folder);
  return { id: rendered.id, title: rendered.title, caption: rendered.caption, files };
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join("")}</tr>`;
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(cell)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table>\n${head}\n${body}\n</table>`;
}

/** The seed's §4.4 done properly: time per step and time to f ≤ 1e-3, as table and chart. */
export function timingItem(context: ReportContext): ReportItem {
  const landscape = getLandscape("quadratic");
  const start = [-7, 2];
  const report = timeOptimizers(landscape, TIMED_OPTIMIZERS, start, { tolerance: TOLERANCE });
  context.facts.timing = report;
  const title = `Time per optimizer step and time to reach f ≤ ${TOLERANCE} on f(x, y) = x²/20 + y², from (−7, 2)`;
  const method = `Median over ${report.repetitions} repetitions after ${report.warmup} warm-up repetitions; one repetition times ${report.stepsPerRepetition} steps (per-step figures) or ${report.runsPerRepetition} whole runs to the tolerance (at most ${report.maxSteps} steps, f evaluated after every step to check it). The step alone is timed on a fixed gradient; gradient + step from the start. Bars: interquartile range. ${machineLine()}. Compare within one run only: the machine is shared and noisy.`;
  const svg = timingFigure(context.document, report, "timing", title, [method]);
  const markdown = `# ${title}\n\n${method}\n\n${timingMarkdown(report)}`;
  const files = writeFigureFiles(
    {
      id: "timing",
      title,
      caption: method,
      svg,
      data: { ...report, environment: machineLine() },
      files: [
        { suffix: ".md", text: markdown },
        { suffix: ".csv", text: timingCsv(report) },
      ],
    },
    context.folder,
  );
  const rows = report.timings.map((t) => [
    t.label,
    t.stepNs.median.toFixed(1),
    `${t.stepNs.q1.toFixed(1)}–${t.stepNs.q3.toFixed(1)}`,
    t.iterationNs.median.toFixed(1),
    t.stepsToTolerance === null ? "—" : String(t.stepsToTolerance),
    t.timeToToleranceUs ? t.timeToToleranceUs.median.toFixed(2) : "—",
  ]);
  return {
    id: "timing",
    title,
    caption: method,
    files,
    html: htmlTable(
      [
        "optimizer",
        "step (ns)",
        "IQR (ns)",
        "gradient + step (ns)",
        `steps to f ≤ ${TOLERANCE}`,
        "time to tolerance (µs)",
      ],
      rows,
    ),
  };
}

interface MetricsRow {
  readonly figures: string[];
  readonly setting: string;
  readonly run: OptimizerRun;
  readonly metrics: ReturnType<typeof trajectoryMetrics>;
}

function number(value: number | null, digits = 4): string {
  if (value === null || Number.isNaN(value)) return "—";
  return Math.abs(value) >= 1e5 || (Math.abs(value) < 1e-3 && value !== 0)
    ? value.toExponential(digits - 1)
    : String(Number(value.toPrecision(digits)));
}

/** Every trajectory of the report once (runs shared by several figures are listed with all of them). */
export function metricsItem(context: ReportContext): ReportItem {
  const rows = new Map<string, MetricsRow>();
  for (const [figureId, run] of context.runs) {
    const groups = [{ label: "", runs: run.runs }, ...run.variants];
    for (const group of groups) {
      for (const r of group.runs) {
        const key = `${run.landscape.id}|${run.start.join(",")}|${run.experiment.steps}|${r.settings}`;
        const existing = rows.get(key);
        if (existing) {
          if (!existing.figures.includes(figureId)) existing.figures.push(figureId);
          continue;
        }
        rows.set(key, {
          figures: [figureId],
          setting: `${run.landscape.id} from (${run.start.join(", ")}), ${run.experiment.steps} steps`,
          run: r,
          metrics: trajectoryMetrics(r.trajectory, run.landscape, TOLERANCE),
        });
      }
    }
  }
  const list = [...rows.values()];
  const header = [
    "figures",
    "optimizer",
    "settings",
    "steps run",
    "diverged at",
    "final f",
    "final distance to minimum",
    `steps to f − f* ≤ ${TOLERANCE}`,
    "path length",
    "zig-zag x",
    "zig-zag y",
    "mean step/|g| x",
    "mean step/|g| y",
  ];
  const cells = list.map(({ figures, run, metrics: m }) => [
    figures.join(" "),
    run.label,
    run.settings,
    String(m.stepsRun),
    run.trajectory.divergence ? String(run.trajectory.divergence.step) : "—",
    number(m.finalLoss),
    number(m.finalDistance),
    m.stepsToTolerance === null ? "not reached" : String(m.stepsToTolerance),
    number(m.pathLength),
    number(m.zigzag.perCoordinate[0], 3),
    number(m.zigzag.perCoordinate[1], 3),
    number(m.effectiveStepSizes[0], 3),
    number(m.effectiveStepSizes[1], 3),
  ]);
  const title =
    "Metrics of every trajectory: final loss, distance to the minimum, speed, path length, zig-zag";
  const caption =
    `All on f(x, y) = x²/20 + y² from (−7, 2). Zig-zag: share of consecutive updates whose sign flips, per coordinate. ` +
    `Mean step/|g|: the effective learning rate per coordinate (lr for SGD; AdaGrad and Adam give the flat x axis a larger one). ` +
    `Steps to tolerance counts from step 0; "not reached" within the steps run.`;
  const escapeCsv = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const csv = [
    "figures,optimizer,settings,steps_run,diverged_at,final_loss,final_distance,steps_to_tolerance,path_length,zigzag_x,zigzag_y,effective_lr_x,effective_lr_y",
    ...list.map(({ figures, run, metrics: m }) =>
      [
        figures.join(" "),
        run.optimizerId,
        escapeCsv(run.settings),
        m.stepsRun,
        run.trajectory.divergence?.step ?? "",
        m.finalLoss,
        m.finalDistance ?? "",
        m.stepsToTolerance ?? "",
        m.pathLength,
        m.zigzag.perCoordinate[0],
        m.zigzag.perCoordinate[1],
        m.effectiveStepSizes[0],
        m.effectiveStepSizes[1],
      ].join(","),
    ),
  ].join("\n");
  const markdown = [
    `# ${title}`,
    "",
    caption,
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...cells.map((row) => `| ${row.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`),
    "",
  ].join("\n");
  const json = list.map(({ figures, setting, run, metrics }) => ({
    figures,
    setting,
    optimizer: run.optimizerId,
    settings: run.settings,
    divergence: run.trajectory.divergence,
    metrics,
  }));
  writeFileAtomic(join(context.folder, "metrics.md"), markdown);
  writeFileAtomic(join(context.folder, "metrics.csv"), `${csv}\n`);
  writeFileAtomic(join(context.folder, "metrics.json"), `${JSON.stringify(json, null, 1)}\n`);
  return {
    id: "metrics",
    title,
    caption,
    files: ["metrics.md", "metrics.csv", "metrics.json"],
    html: htmlTable(header, cells),
  };
}

/** The pieces of the report, in order: each writes its files and returns its manifest entry. */
export function reportPieces(settings?: ReportSettings): ReportPiece[] {
  const pieces: ReportPiece[] = [
    ...SEED_FIGURE_IDS.map((id) => ({ id, build: (context: ReportContext) => seedFigure(id, context) })),
    { id: "timing", build: timingItem, quiet: true },
    { id: "metrics", build: metricsItem },
  ];
  if (settings === undefined) return pieces;
  // The two trainings run on worker threads from the start, side by side (four threads on the cores, so neither
  // leaves a core idle while the other starts, ends a seed or waits for its last run) and beside the 2D pieces;
  // each is turned into files and facts in report order, item 6 after MNIST (its facts compare with MNIST's).
  let mnist: Promise<MnistResult> | undefined;
  let remedies: Promise<TrainedRemedies> | undefined;
  return [
    ...pieces,
    {
      id: "mnist",
      start: (context) => (mnist = trainMnistPart(context.folder, settings)),
      build: async (context) =>
        mnistPartFiles(
          context.folder,
          await (mnist ?? trainMnistPart(context.folder, settings)),
          context.facts,
        ),
    },
    {
      id: "remedies",
      start: () => (remedies = trainRemediesPart(settings)),
      build: async (context) =>
        remediesPartFiles(context.folder, await (remedies ?? trainRemediesPart(settings)), context.facts),
    },
    {
      id: "report",
      build: (context) =>
        writeAnswers(
          context.folder,
          buildMeasurements(context.runs, context.facts, TOLERANCE),
          settings,
          context.facts,
        ),
    },
  ];
}

/**
 * Builds the pieces into the context's folder and returns their items in the pieces' order: the quiet pieces first,
 * then every piece's `start`, then the others in order, each awaiting its own started work. Logs one line per
 * piece: `  ID  SECONDS s` (the main thread's time on it; for a piece with started work,
 * `  ID  SECONDS s for its files, after SPAN s on worker threads (WAITED s waited for)`: the work's time from its
 * start to its end, and how long the main thread waited for it before building). When a piece fails, the started work is awaited before the error goes on (no thread writes into
 * a folder that is being removed).
 */
export async function buildPieces(
  pieces: readonly ReportPiece[],
  context: ReportContext,
  log: (line: string) => void,
): Promise<ReportItem[]> {
  const items: (ReportItem | undefined)[] = pieces.map(() => undefined);
  const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);
  const build = async (i: number, note = (text: string) => text) => {
    const started = performance.now();
    items[i] = await pieces[i].build(context);
    log(note(`  ${pieces[i].id.padEnd(22)} ${seconds(started)} s`));
  };
  const background = new Map<number, { promise: Promise<unknown>; settled: Promise<number> }>();
  try {
    for (let i = 0; i < pieces.length; i++) if (pieces[i].quiet === true) await build(i);
    for (let i = 0; i < pieces.length; i++) {
      const start = pieces[i].start;
      if (start === undefined) continue;
      const started = performance.now();
      const promise = start.call(pieces[i], context);
      // Settled is what waits on failure; it never rejects, so a failure before its build is not unhandled.
      const settled = promise.then(
        () => performance.now() - started,
        () => performance.now() - started,
      );
      background.set(i, { promise, settled });
    }
    for (let i = 0; i < pieces.length; i++) {
      if (pieces[i].quiet === true) continue;
      const work = background.get(i);
      if (work === undefined) {
        await build(i);
        continue;
      }
      const waiting = performance.now();
      await work.promise;
      const waited = seconds(waiting);
      const span = ((await work.settled) / 1000).toFixed(2);
      await build(
        i,
        (line) => `${line} for its files, after ${span} s on worker threads (${waited} s waited for)`,
      );
    }
  } catch (error) {
    await Promise.all([...background.values()].map((work) => work.settled));
    throw error;
  }
  return items as ReportItem[];
}

/**
 * Builds the whole report into a fresh folder beside `out`, then moves each file into `out`: a
 * failure leaves `out` as it was (and the partial folder removed).
 */
export async function writeReport(
  out: string,
  log: (line: string) => void = () => {},
  pieces: readonly ReportPiece[] = reportPieces(),
  options: { readonly pdf?: boolean } = {},
): Promise<ReportItem[]> {
  const target = resolve(out);
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const context: ReportContext = {
      folder: partial,
      document: createDocument(),
      runs: new Map(),
      facts: {},
    };
    const items = await buildPieces(pieces, context, log);
    const manifest = {
      format: "optlab-report",
      version: 1,
      command: "optlab all",
      figures: items.map(({ id, title, caption, files }) => ({
        id,
        title,
        caption,
        howToRead: files
          .filter((f) => f.endsWith(".png"))
          .map((f) => howToRead(f.replace(/\.png$/, "")))
          .filter((text) => text !== undefined),
        files,
      })),
    };
    writeFileAtomic(join(partial, "manifest.json"), `${JSON.stringify(manifest, null, 1)}\n`);
    const page = (note: string) =>
      indexHtml(
        REPORT_TITLE,
        context.facts.settingsLines ?? [],
        context.facts.answers ?? [],
        items,
        `Regenerate with npm start (optlab all --out DIR). Every figure's title states the settings used; its data are in the JSON and CSV files beside it; manifest.json lists them all. ${note}`,
      );
    const indexPath = join(partial, "index.html");
    writeFileAtomic(
      indexPath,
      page(options.pdf ? "A printable copy of this page: report.pdf (printed by Chromium)." : ""),
    );
    if (options.pdf) {
      const started = performance.now();
      const why = await printToPdf(indexPath, join(partial, "report.pdf"));
      if (why !== null) writeFileAtomic(indexPath, page(`No report.pdf: ${why}.`));
      log(`  ${"report.pdf".padEnd(22)} ${why ?? `${((performance.now() - started) / 1000).toFixed(2)} s`}`);
    }
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(partial)) renameSync(join(partial, name), join(target, name));
    return items;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
