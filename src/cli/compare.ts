import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FASHION_MNIST_DIR } from "../data/index.js";
import { PROFILE_TAUS, runTwoD, type TwoDResult, twoDSettings } from "../lab/compare-2d.js";
import {
  fairnessLedger,
  headlineTable,
  mapsTable,
  rankingSentence,
  selectionRule,
} from "../lab/compare-report.js";
import { networkFor, type RunResult, splitForRun } from "../lab/runspec.js";
import { performanceProfile } from "../lab/stats.js";
import { measureStepCosts } from "../lab/step-cost.js";
import {
  caveats,
  checkStudyConfig,
  nextRuns,
  type OptimizerSummary,
  type StudyConfig,
  summarizeStudy,
} from "../lab/study.js";
import { bookStudy, fairStudy, remediesStudy } from "../lab/study-presets.js";
import { createOptimizer } from "../optim/index.js";
import {
  curvesPanel,
  optimizerLegend,
  outcomeMapPanel,
  profilePanel,
  sensitivityPanel,
  stepsToTargetPanel,
} from "../plot/compare-figures.js";
import type { RenderedFigure } from "../plot/figures.js";
import { createDocument } from "../plot/node/dom.js";
import { composeFigure, type Panel } from "../plot/svg.js";
import { InputRangeError, InputTypeError } from "../util/errors.js";
import { intFlag, parseCommandArgs } from "./args.js";
import { writeFigureFiles } from "./figure.js";
import { writeFileAtomic } from "./io.js";
import type { Command } from "./main.js";
import { runPool } from "./pool.js";
import { nodeRunEnvironment } from "./run-environment.js";
import { readJsonLines } from "./run-spec.js";

export const COMPARE_USAGE = `usage: optlab compare [--tier book|fair] [options]
  --tier book|fair   book: the seed's settings with paired seeds (default); fair: same lr-tuning budget for
                     everyone, validation split, reporting seeds, plus the 2D maps and the seed's §6 remedies
  --out DIR          where results.jsonl, the report and the figures go (default out/compare-TIER)
  --data NAME        mnist (bundled, default), fashion-mnist, or a folder of IDX files
  --seeds N          reporting seeds (book 3, fair 5)
  --iterations N     updates per full-length run (default 2000)
  --workers N        worker threads (default: one per core; 0 = this thread)
  --engine E         auto, wasm or reference
  --quick            a tiny version of the same protocol (small network, few updates)
  --plan [FILES…]    print the runs that can start now as JSON lines (given the result files so far); run them
                     anywhere with 'optlab run-spec', then plan again until nothing is left
  --merge FILES…     read result files (JSON lines from run-spec) and write the report into --out`;

interface CompareSettings {
  readonly tier: "book" | "fair";
  readonly studies: StudyConfig[];
  readonly quick: boolean;
}

function settingsFrom(values: Record<string, string | boolean | undefined>): CompareSettings {
  const tier = (values.tier as string | undefined) ?? "book";
  if (tier !== "book" && tier !== "fair")
    throw new InputRangeError(`--tier must be book or fair, got ${JSON.stringify(tier)}`);
  const quick = values.quick === true;
  const seeds = values.seeds === undefined ? undefined : intFlag("seeds", values.seeds as string, 3, 1, 100);
  const iterations =
    values.iterations === undefined
      ? undefined
      : intFlag("iterations", values.iterations as string, 2000, 1, 1e7);
  const data = (values.data as string | undefined) ?? "mnist";
  const options = { data, seeds, iterations, quick };
  if (tier === "book") return { tier, quick, studies: [bookStudy(options)] };
  const remediesData = quick ? data : existsSync(FASHION_MNIST_DIR) ? "fashion-mnist" : data;
  return {
    tier,
    quick,
    studies: [
      fairStudy(options),
      remediesStudy({ ...options, data: remediesData, iterations: quick ? iterations : undefined }),
    ],
  };
}

function readResults(paths: readonly string[]): Map<string, RunResult> {
  const results = new Map<string, RunResult>();
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new InputRangeError(`cannot read result file ${path}`);
    }
    // A run interrupted while writing leaves at most one partial last line: drop it, the run will be redone.
    const lines = text.split("\n");
    const complete = text.endsWith("\n") ? text : lines.slice(0, -1).join("\n");
    for (const value of readJsonLines(complete, path)) {
      const result = value as RunResult;
      if (typeof result?.id !== "string" || typeof result?.spec !== "object") {
        throw new InputTypeError(`${path}: every line must be a run result with "id" and "spec"`);
      }
      results.set(result.id, result);
    }
  }
  return results;
}

function plannedRuns(settings: CompareSettings, results: ReadonlyMap<string, RunResult>) {
  return settings.studies.flatMap((study) => nextRuns(study, results));
}

/** A comparison figure: panels under a title and the settings lines, with the data behind it. */
function figure(
  id: string,
  title: string,
  caption: string,
  subtitle: string[],
  panels: Panel[],
  data: unknown,
  columns?: number,
): RenderedFigure {
  const svg = composeFigure({ id, title, subtitle, panels, columns });
  return { id, title, caption, svg, data, files: [] };
}

function studyLine(study: StudyConfig): string {
  return (
    `${study.data}, network 784-${study.hidden.join("-")}-10, batch ${study.batchSize}, ${study.iterations} updates, ` +
    `seeds ${study.seeds.join(", ")}`
  );
}

interface ReportSection {
  readonly markdown: string;
  readonly figures: RenderedFigure[];
  readonly json: unknown;
}

/** Median ms per update of each optimizer of a study, measured interleaved in this process (`step-cost.ts`). */
export function studyStepCosts(
  study: StudyConfig,
  engine?: "auto" | "wasm" | "reference",
): Map<string, number> {
  const environment = nodeRunEnvironment(engine);
  const data = environment.loadData(study.data);
  const { train } = splitForRun(data, study.validation);
  const costs = measureStepCosts(
    environment.engineFactory,
    networkFor(study, data),
    train,
    study.optimizers.map((o) => ({ label: o.label, optimizer: createOptimizer({ id: o.id, hp: o.hp }) })),
    { batchSize: study.batchSize },
  );
  return new Map(costs.map((c) => [c.label, c.ms.median]));
}

function studySection(
  study: StudyConfig,
  summaries: OptimizerSummary[],
  document: Document,
  heading: string,
  stepMs?: ReadonlyMap<string, number>,
): ReportSection {
  const figures: RenderedFigure[] = [];
  const settings = studyLine(study);
  const notes = caveats(study, summaries);
  figures.push(
    figure(
      `${study.name}-curves`,
      `${heading}: training loss, median and interquartile band over seeds`,
      "How to read this: each line is the median over the reporting seeds of the training-batch loss after each update (mean of 10 updates); the shaded band spans the middle half of the seeds. Overlapping bands mean the seeds cannot tell the optimizers apart.",
      [settings],
      [curvesPanel(document, summaries)],
      summaries.map((s) => ({
        label: s.label,
        lr: s.lr,
        runs: s.runs.map((r) => ({ seed: r.spec.seed, curveEvery: r.curveEvery, curve: r.curve })),
      })),
    ),
  );
  if (study.target > 0) {
    figures.push(
      figure(
        `${study.name}-steps-to-target`,
        `${heading}: updates to reach ${(study.target * 100).toFixed(0)} % ${study.validation > 0 ? "validation" : "test"} accuracy`,
        "How to read this: one dot per seed at the first evaluation that reached the target; × marks a run that never did (it counts as never in the median, the black tick).",
        [settings, `evaluated every ${study.evalEvery} updates`],
        [stepsToTargetPanel(document, summaries, study.iterations)],
        summaries.map((s) => ({ label: s.label, steps: s.runs.map((r) => r.stepsToTarget) })),
      ),
    );
  }
  if (study.tier === "fair") {
    figures.push(
      figure(
        `${study.name}-lr-sensitivity`,
        `${heading}: sensitivity to the learning rate (first tuning rung)`,
        "How to read this: each dot is one tuning run's validation loss after the first rung at that learning rate; × on top marks divergence. A flat, wide valley means the optimizer forgives a badly chosen rate; the dashed line is the rate finally chosen.",
        [settings, selectionRule(study)],
        [sensitivityPanel(document, summaries), optimizerLegend(summaries.map((s) => s.label))],
        summaries.map((s) => ({ label: s.label, chosen: s.lr, points: s.sensitivity })),
      ),
    );
  }
  const markdown = [
    `## ${heading}`,
    "",
    `Settings: ${settings}. ${selectionRule(study)}`,
    "",
    headlineTable(study, summaries, stepMs),
    "",
    stepMs
      ? "ms per update: gradient + optimizer step + the post-update loss, median of 60 updates measured interleaved with the other optimizers in one process (the runs' own times are not comparable on a shared machine)."
      : "",
    "",
    `Ranking by ${study.tier === "fair" ? "test" : "held-out"} accuracy: ${rankingSentence(summaries, study.tier === "fair" ? "test" : "heldOut")}`,
    "",
    "### Fairness ledger",
    "",
    fairnessLedger(study, summaries),
    "",
    ...(notes.length > 0 ? ["### Caveats", "", ...notes.map((c) => `- ${c}`), ""] : []),
    ...figures.map((f) => `![${f.title}](${f.id}.png)\n\n${f.caption}\n`),
  ].join("\n");
  return {
    markdown,
    figures,
    json: {
      study,
      summaries: summaries.map(({ runs, ...rest }) => ({ ...rest, runIds: runs.map((r) => r.id) })),
    },
  };
}

export function remediesSection(
  study: StudyConfig,
  summaries: OptimizerSummary[],
  document: Document,
  stepMs?: ReadonlyMap<string, number>,
): ReportSection {
  const swats = summaries.find((s) => s.id === "swats");
  const switches = swats
    ? swats.runs.map((r) =>
        r.finalState.phase === 1
          ? `update ${r.finalState.switchStep} (Λ = ${Number(r.finalState.switchLr.toPrecision(3))})`
          : "never",
      )
    : [];
  const base = studySection(
    study,
    summaries,
    document,
    "Seed §6: is SGD obsolete? SGD+Momentum, Adam, SWATS, AdaBound",
    stepMs,
  );
  const rows = summaries.map((s) => {
    const train = s.runs
      .map((r) => r.final.trainAccuracy)
      .filter((v): v is number => v !== null && Number.isFinite(v));
    const test = s.runs.map((r) => r.final.heldOutAccuracy).filter((v) => Number.isFinite(v));
    const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
    return `| ${s.label} | ${(mean(train) * 100).toFixed(2)} | ${(mean(test) * 100).toFixed(2)} | ${((mean(train) - mean(test)) * 100).toFixed(2)} |`;
  });
  const gap = [
    "",
    `### Train–test gap (${study.trainEval} training images vs the test split)`,
    "",
    "| optimizer | train accuracy % | test accuracy % | gap (points) |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    ...(switches.length > 0
      ? [
          `SWATS switched to SGD at: ${switches.join(", ")} (one entry per seed). Its switch rule waits until the bias-corrected average of the projected SGD rate agrees with the current one within ε = ${swats?.runs[0]?.spec.optimizer.hp.eps ?? "1e-9"}; on a network this size the estimate keeps moving, so "never" means the run was Adam throughout.`,
          "",
        ]
      : []),
    `What this small problem can and cannot show: ${study.iterations} updates of ${study.batchSize} on ${study.data} is a few epochs of a small fully connected network; the generalization gaps Wilson et al. (2017) and Keskar & Socher (2017) report appear on long training of large networks, so a gap difference here of less than a point or two is not evidence either way.`,
    "",
  ].join("\n");
  return { ...base, markdown: base.markdown + gap };
}

function twoDSection(
  result: TwoDResult,
  labels: readonly string[],
  document: Document,
  mnistCosts: number[] | null,
): ReportSection {
  const { settings } = result;
  const problems = mnistCosts ? [...result.costs, mnistCosts] : result.costs;
  const names = mnistCosts ? [...settings.landscapes, "mnist (steps to target)"] : [...settings.landscapes];
  const profile = performanceProfile(problems, PROFILE_TAUS);
  const figures: RenderedFigure[] = [
    figure(
      "fair-performance-profile",
      "Performance profile over the 2D landscapes and MNIST",
      "How to read this: for each optimizer, the share of problems (y) it solves within a factor τ (x) of the fastest optimizer on that problem. The left end is the share it wins outright; the right end the share it solves at all. Cost = fewest steps to f − f* ≤ 1e-3 over the same lr grid for everyone (2D), median updates to the target accuracy (MNIST).",
      [
        `problems: ${names.join(", ")}`,
        `lr grid ${settings.lrs.length} points in [1e-4, 10], ${settings.steps} steps`,
      ],
      [profilePanel(document, labels, PROFILE_TAUS, profile), optimizerLegend(labels)],
      {
        problems: names,
        optimizers: labels,
        costs: problems.map((row) => row.map((c) => (Number.isFinite(c) ? c : null))),
        taus: PROFILE_TAUS,
        profile,
      },
    ),
  ];
  for (const landscape of new Set(result.maps.map((m) => m.landscape))) {
    for (const kind of ["stability", "basin"] as const) {
      const maps = result.maps.filter((m) => m.landscape === landscape && m.kind === kind);
      if (maps.length === 0) continue;
      const panels = maps.map((m) =>
        outcomeMapPanel(document, m.cells, {
          title: m.optimizer,
          xLabel: kind === "stability" ? "learning rate" : "x₀",
          yLabel: kind === "stability" ? (m.second ?? "") : "y₀",
          logX: kind === "stability",
          byMinimum: kind === "basin",
        }),
      );
      figures.push(
        figure(
          `fair-${kind}-${landscape}`,
          kind === "stability"
            ? `Stability map on ${landscape}: learning rate × momentum (or β₁, ρ)`
            : `Basin map on ${landscape}: where each start ends`,
          kind === "stability"
            ? "How to read this: each cell is one run from the landscape's canonical start; blue converged (f − f* ≤ 1e-3), orange 's' still on its way after the step budget, vermillion '×' diverged. The blue region is the set of settings that work; its width is how forgiving the optimizer is."
            : "How to read this: each cell is a starting point, run at the optimizer's best learning rate from the canonical start; a converged start is coloured and numbered by the minimum it reached (its place in the landscape's list of minima), orange 's' did not arrive, vermillion '×' diverged. The coloured regions are the basins of attraction as this optimizer sees them.",
          [
            `${settings.steps} steps, tolerance ${settings.tol}. Colours: ${kind === "basin" ? "converged starts coloured and numbered by the minimum reached (1 = the landscape's first listed minimum)" : "blue = converged"}, orange 's' = slow (not there after ${settings.steps} steps), vermillion '×' = diverged.`,
          ],
          panels,
          maps.map((m) => ({ optimizer: m.optimizer, cells: m.cells })),
          3,
        ),
      );
    }
  }
  const costRows = names.map(
    (name, p) =>
      `| ${name} | ${problems[p].map((c) => (Number.isFinite(c) ? String(c) : "never")).join(" | ")} |`,
  );
  const markdown = [
    "## The 2D landscapes under the same protocol",
    "",
    "Fewest steps to f − f* ≤ 1e-3 over the same learning-rate grid for every optimizer (the tuned cost), and MNIST's median updates to the target:",
    "",
    `| problem | ${labels.join(" | ")} |`,
    `| --- | ${labels.map(() => "---").join(" | ")} |`,
    ...costRows,
    "",
    mapsTable(result.maps),
    "",
    ...figures.map((f) => `![${f.title}](${f.id}.png)\n\n${f.caption}\n`),
  ].join("\n");
  return {
    markdown,
    figures,
    json: { settings, problems: names, costs: problems, maps: result.maps.map(({ cells, ...rest }) => rest) },
  };
}

function writeCompareReport(
  out: string,
  settings: CompareSettings,
  results: ReadonlyMap<string, RunResult>,
  log: (line: string) => void,
  engine?: "auto" | "wasm" | "reference",
): void {
  const document = createDocument();
  const sections: ReportSection[] = [];
  const [main, remedies] = settings.studies;
  const mainSummaries = summarizeStudy(main, results);
  log("compare: measuring the cost per update of each optimizer …");
  sections.push(
    studySection(
      main,
      mainSummaries,
      document,
      main.tier === "fair"
        ? "MNIST, fair tier (tuned learning rates)"
        : "MNIST, book tier (the seed's settings)",
      studyStepCosts(main, engine),
    ),
  );
  if (remedies) {
    const summaries = summarizeStudy(remedies, results);
    sections.push(remediesSection(remedies, summaries, document, studyStepCosts(remedies, engine)));
  }
  if (settings.tier === "fair") {
    log("compare: 2D maps and performance profile …");
    const two = runTwoD(main.optimizers, twoDSettings(settings.quick));
    const mnistCosts = mainSummaries.map((s) => s.stepsToTarget.median ?? Number.POSITIVE_INFINITY);
    sections.push(
      twoDSection(
        two,
        main.optimizers.map((o) => o.label),
        document,
        mnistCosts,
      ),
    );
  }
  const remaining = plannedRuns(settings, results).length;
  const header = [
    `# optlab compare — ${settings.tier} tier${remaining > 0 ? ` (INCOMPLETE: ${remaining} runs still to do)` : ""}`,
    "",
    `Results: ${results.size} runs. Reproduce: \`optlab compare --tier ${settings.tier}${settings.quick ? " --quick" : ""} --out ${out}\` (finished runs in results.jsonl are kept).`,
    "",
  ].join("\n");
  for (const section of sections) for (const f of section.figures) writeFigureFiles(f, out);
  writeFileAtomic(join(out, "compare.md"), `${header}\n${sections.map((s) => s.markdown).join("\n")}`);
  writeFileAtomic(
    join(out, "compare.json"),
    `${JSON.stringify({ tier: settings.tier, complete: remaining === 0, sections: sections.map((s) => s.json) }, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 1)}\n`,
  );
}

export const compare: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs("compare", argv, {
    tier: { type: "string" },
    out: { type: "string" },
    data: { type: "string" },
    seeds: { type: "string" },
    iterations: { type: "string" },
    workers: { type: "string" },
    engine: { type: "string" },
    quick: { type: "boolean" },
    plan: { type: "boolean" },
    merge: { type: "boolean" },
  });
  const settings = settingsFrom(values);
  for (const study of settings.studies) checkStudyConfig(study);
  const workers = values.workers === undefined ? undefined : intFlag("workers", values.workers, 2, 0, 64);
  const engine = values.engine as "auto" | "wasm" | "reference" | undefined;
  if (engine !== undefined && !["auto", "wasm", "reference"].includes(engine)) {
    throw new InputRangeError(`--engine must be auto, wasm or reference, got ${JSON.stringify(engine)}`);
  }
  const out = values.out ?? join("out", `compare-${settings.tier}${settings.quick ? "-quick" : ""}`);
  const log = (line: string) => io.stderr(`${line}\n`);

  if (values.plan) {
    const results = readResults(positionals);
    const runs = plannedRuns(settings, results);
    for (const run of runs) io.stdout(`${JSON.stringify(run)}\n`);
    log(
      runs.length === 0
        ? "compare --plan: nothing left to run; merge the results with --merge"
        : `compare --plan: ${runs.length} runs can start now`,
    );
    return 0;
  }
  if (values.merge) {
    if (positionals.length === 0)
      throw new InputTypeError("--merge needs result files (JSON lines from optlab run-spec)");
    const results = readResults(positionals);
    mkdirSync(out, { recursive: true });
    writeFileAtomic(
      join(out, "results.jsonl"),
      [...results.values()].map((r) => `${JSON.stringify(r)}\n`).join(""),
    );
    writeCompareReport(out, settings, results, log, engine);
    const remaining = plannedRuns(settings, results).length;
    log(
      remaining === 0
        ? `compare: report in ${join(out, "compare.md")}`
        : `compare: ${remaining} runs still to do; plan again with --plan and the result files`,
    );
    return 0;
  }
  if (positionals.length > 0)
    throw new InputTypeError(
      `unexpected argument ${JSON.stringify(positionals[0])} (see optlab compare --help)`,
    );

  mkdirSync(out, { recursive: true });
  const resultsPath = join(out, "results.jsonl");
  const studyPath = join(out, "study.json");
  const studyText = `${JSON.stringify(settings.studies, null, 1)}\n`;
  if (existsSync(studyPath) && readFileSync(studyPath, "utf8") !== studyText) {
    throw new InputRangeError(
      `${out} holds results of a different study (study.json differs); choose another --out or remove it`,
    );
  }
  writeFileAtomic(studyPath, studyText);
  const results = existsSync(resultsPath) ? readResults([resultsPath]) : new Map<string, RunResult>();
  if (results.size > 0) log(`compare: resuming with ${results.size} finished runs from ${resultsPath}`);
  const terminal = process.stderr.isTTY === true;
  const started = Date.now();
  for (let stage = 1; ; stage++) {
    const runs = plannedRuns(settings, results);
    if (runs.length === 0) break;
    log(`compare: stage ${stage}: ${runs.length} runs`);
    await runPool(runs, {
      workers,
      engine,
      onResult(result, done, total) {
        appendFileSync(resultsPath, `${JSON.stringify(result)}\n`);
        results.set(result.id, result);
        const elapsed = (Date.now() - started) / 1000;
        const line = `compare: stage ${stage} ${done}/${total} ${result.id} ${result.status} (${elapsed.toFixed(0)} s)`;
        io.stderr(terminal ? `\r\x1b[2K${line}${done === total ? "\n" : ""}` : `${line}\n`);
      },
    });
  }
  writeCompareReport(out, settings, results, log, engine);
  io.stdout(`compare: report in ${join(out, "compare.md")} (${results.size} runs)\n`);
  return 0;
};
