import { join } from "node:path";
import {
  caveats,
  createNetworkOptimizer,
  measureStepCosts,
  networkFor,
  type OptimizerSummary,
  optimizerText,
  PROFILE_TAUS,
  performanceProfile,
  type RunResult,
  runTwoD,
  type StudyConfig,
  splitForRun,
  summarizeStudy,
  type TwoDResult,
  twoDSettings,
} from "../lab/index.js";
import { type EngineName, networkLayout } from "../nn/index.js";
import {
  composeFigure,
  curvesPanel,
  optimizerLegend,
  outcomeMapPanel,
  type Panel,
  profilePanel,
  type RenderedFigure,
  sensitivityPanel,
  stepsToTargetPanel,
} from "../plot/index.js";
import { nodeRunEnvironment, plannedRuns } from "../run/index.js";
import { writeFileAtomic } from "../util/files.js";
import {
  fairnessLedger,
  headlineTable,
  mapsTable,
  rankingSentence,
  selectionRule,
} from "./compare-tables.js";
import { createDocument } from "./dom.js";
import { writeFigureFiles } from "./figure-files.js";

/** A comparison to report: its tier and studies (the main study first, then the §6 remedies when there). */
export interface CompareSettings {
  readonly tier: "book" | "fair";
  readonly studies: StudyConfig[];
  readonly quick: boolean;
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

/** Mean ms per update of each optimizer of a study, measured interleaved in this process (`step-cost.ts`). */
export function studyStepCosts(study: StudyConfig, engine?: EngineName): Map<string, number> {
  const environment = nodeRunEnvironment(engine);
  const data = environment.loadData(study.data);
  const { train } = splitForRun(data, study.validation);
  const config = networkFor(study, data);
  const costs = measureStepCosts(
    environment.engineFactory,
    config,
    train,
    // As the study trains them: Muon on the hidden matrices, SOAP, Adafactor and SM3 per matrix with its shape.
    study.optimizers.map((o) => ({
      label: o.label,
      optimizer: createNetworkOptimizer(optimizerText({ id: o.id, hp: o.hp }), networkLayout(config))
        .optimizer,
    })),
    { batchSize: study.batchSize },
  );
  return new Map(costs.map((c) => [c.label, c.mean]));
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
      [
        curvesPanel(document, summaries),
        optimizerLegend(
          summaries.map((s) => s.label),
          150,
          summaries.map((s) => s.id),
        ),
      ],
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
        [
          sensitivityPanel(document, summaries),
          optimizerLegend(
            summaries.map((s) => s.label),
            150,
            summaries.map((s) => s.id),
          ),
        ],
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
      ? "ms per update: gradient + optimizer step + the post-update loss, mean of 60 updates measured interleaved with the other optimizers in one process (the runs' own times are not comparable on a shared machine)."
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
    "Item 6 of the homework: is SGD obsolete? SGD+Momentum, Adam, SWATS, AdaBound",
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
  ids: readonly string[],
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
      [
        profilePanel(document, labels, PROFILE_TAUS, profile, 640, 360, ids),
        optimizerLegend(labels, 150, ids),
      ],
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

/** Writes `compare.md`, `compare.json` and every figure of a comparison into `out`, from its results. */
export function writeCompareReport(
  out: string,
  settings: CompareSettings,
  results: ReadonlyMap<string, RunResult>,
  log: (line: string) => void,
  engine?: EngineName,
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
        : "MNIST, book tier (the homework's settings)",
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
        main.optimizers.map((o) => o.id),
        document,
        mnistCosts,
      ),
    );
  }
  const remaining = plannedRuns(settings.studies, results).length;
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
