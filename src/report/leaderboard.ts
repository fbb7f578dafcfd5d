import { join } from "node:path";
import * as Plot from "@observablehq/plot";
import {
  type BenchmarkConfig,
  benchmarkRuns,
  costRatios,
  type LeaderboardEntry,
  MISS_PENALTY_BUDGETS,
  PROFILE_MAX_RATIO,
  penalizedSteps,
  profileArea,
  summarizeBenchmark,
  TARGET_RULE,
  type WorkloadBoard,
} from "../lab/protocol.js";
import type { RunResult } from "../lab/runspec.js";
import { describeSpace, findSearchSpace, type TrialConfig } from "../lab/search-spaces.js";
import { performanceProfile } from "../lab/stats.js";
import { createOptimizer } from "../optim/index.js";
import {
  composeFigure,
  optimizerLegend,
  type Panel,
  profilePanel,
  type RenderedFigure,
} from "../plot/index.js";
import { lineStyle, optimizerStyles } from "../plot/palette.js";
import { writeFileAtomic } from "../util/files.js";
import { createDocument } from "./dom.js";
import { writeFigureFiles } from "./figure-files.js";
import { ClaimBook } from "./rules.js";

/**
 * The fair tier's leaderboard (issue 12 §6): `leaderboard.json`, `leaderboard.md` and its figures, from a
 * benchmark's results. Every sentence that compares comes from a rule of `rules.ts` over numbers recorded in the
 * same ClaimBook (`leaderboard.json` carries them and the claims); figures use each optimizer's fixed style.
 */

/** Ratios at which the profile is drawn: 1 … r_max, log-spaced. */
export const LEADERBOARD_TAUS = Array.from({ length: 25 }, (_, i) => PROFILE_MAX_RATIO ** (i / 24));

const fmtSteps = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? "∞" : String(Math.round(v));
/**
 * A paired difference of steps to target. Steps within the budget differ by at most the budget, so a larger one
 * has a miss on one side (counted as MISS_PENALTY_BUDGETS budgets only to order it): it prints as ±∞.
 */
export const fmtDifference = (v: number, budget: number): string =>
  Math.abs(v) > budget ? (v < 0 ? "-∞" : "∞") : fmtSteps(v);
const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : "—");
const fmtHp = (v: unknown) => (typeof v === "number" ? Number(v.toPrecision(3)).toString() : String(v));

function configText(config: TrialConfig, id: string): string {
  const defaults = createOptimizer({ id, hp: {} }).hp;
  const changed = Object.entries(config.hp)
    .filter(([k, v]) => defaults[k] !== v || k === "lr")
    .map(([k, v]) => `${k}=${fmtHp(v)}`);
  return `${changed.join(", ")}${config.schedule ? `; ${config.schedule}` : ""}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Order of a workload's leaderboard: median final steps, then defaults' median, then label. */
function ranked(board: WorkloadBoard): LeaderboardEntry[] {
  const key = (e: LeaderboardEntry) => e.final?.median ?? Number.POSITIVE_INFINITY;
  return [...board.entries].sort(
    (a, b) => key(a) - key(b) || a.defaults.median - b.defaults.median || a.label.localeCompare(b.label),
  );
}

function leaderboardTable(board: WorkloadBoard): string {
  const rows = ranked(board).map((e, i) => [
    String(i + 1),
    e.label,
    e.final
      ? `${fmtSteps(e.final.median)} [${fmtSteps(e.final.low)}, ${fmtSteps(e.final.high)}] (${e.final.reached}/${e.final.steps.length} reached)`
      : "—",
    fmtSteps(e.studyMedianSteps),
    `${fmtSteps(e.defaults.median)} (${e.defaults.reached}/${e.defaults.runs})`,
    fmt(e.secondsToTarget, 2),
    fmt(e.msPerStep, 2),
    e.final ? `${(e.final.testAccuracy * 100).toFixed(1)} %` : "—",
    String(e.ledger.trials),
    e.chosen ? `#${e.chosen.trial}: ${configText(e.chosen.config, e.id)}` : "—",
  ]);
  return table(
    [
      "rank",
      "optimizer",
      "steps to target, final seeds: median [interval]",
      "median of study bests",
      "defaults (1.5× budget)",
      "s to target",
      "ms/step",
      "test acc. (final)",
      "trials",
      "chosen trial",
    ],
    rows,
  );
}

/** The fairness ledger: what each optimizer spent, over every workload. */
function ledgerTable(boards: readonly WorkloadBoard[], labels: readonly string[]): string {
  const rows = labels.map((label) => {
    const entries = boards.map((b) => b.entries.find((e) => e.label === label) as LeaderboardEntry);
    const sum = (f: (e: LeaderboardEntry) => number) => entries.reduce((s, e) => s + f(e), 0);
    return [
      label,
      String(sum((e) => e.ledger.trials)),
      String(sum((e) => e.ledger.runs)),
      String(sum((e) => e.ledger.updates)),
      sum((e) => e.ledger.seconds).toFixed(0),
      String(sum((e) => e.diverged)),
    ];
  });
  return table(["optimizer", "tuning trials", "runs", "updates", "seconds", "diverged runs"], rows);
}

function spacesTable(labels: readonly string[]): string {
  return table(
    ["optimizer", "runs", "search space (the same on every workload)", "note"],
    labels.map((label) => {
      const space = findSearchSpace(label);
      return [label, space.id, describeSpace(space), space.note ?? ""];
    }),
  );
}

function tunabilityPanel(document: Document, board: WorkloadBoard, width = 560, height = 320): Panel {
  const styles = optimizerStyles(board.entries.map((e) => e.id));
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  board.entries.forEach((e, i) => {
    const rows = e.tunability.map((v, k) => ({ k: k + 1, accuracy: v * 100 }));
    marks.push(
      Plot.line(rows, { x: "k", y: "accuracy", ...lineStyle(styles[i], 1.6) }),
      Plot.dot(rows, { x: "k", y: "accuracy", symbol: styles[i].marker, fill: styles[i].color, r: 2.6 }),
    );
  });
  const plot = Plot.plot({
    document,
    width,
    height,
    marginTop: 20,
    marginRight: 16,
    marginBottom: 40,
    marginLeft: 60,
    className: "optlab-panel",
    x: { label: "trials k", labelAnchor: "center", labelArrow: "none" },
    y: { label: "expected best validation accuracy (%)", grid: true, labelArrow: "none" },
    marks,
  });
  return { svg: plot.outerHTML, width, height };
}

/** Everything the leaderboard says, with the numbers it says it from. */
export interface LeaderboardDocument {
  readonly json: unknown;
  readonly markdown: string;
  readonly figures: RenderedFigure[];
}

export function buildLeaderboard(
  config: BenchmarkConfig,
  results: ReadonlyMap<string, RunResult>,
  document: Document = createDocument(),
): LeaderboardDocument {
  const boards = summarizeBenchmark(config, results);
  const labels = config.optimizers;
  const ids = labels.map((l) => findSearchSpace(l).id);
  const book = new ClaimBook();
  const caveats: string[] = [];
  const sections: string[] = [];
  const figures: RenderedFigure[] = [];

  boards.forEach((board, b) => {
    const order = ranked(board);
    const base = `workloads.${b}`;
    order.forEach((e) => {
      book.put(`${base}.${e.label}.median`, e.final?.median ?? null);
      book.put(`${base}.${e.label}.low`, e.final?.low ?? null);
      book.put(`${base}.${e.label}.high`, e.final?.high ?? null);
      book.put(`${base}.${e.label}.defaults`, Number.isFinite(e.defaults.median) ? e.defaults.median : null);
    });
    const lines: string[] = [];
    const [winner, runnerUp] = order;
    if (winner?.final && runnerUp?.final && Number.isFinite(winner.final.median)) {
      const text = book.claim(
        "compare",
        [`${base}.${winner.label}.high`, `${base}.${runnerUp.label}.low`],
        (v) =>
          v === "lower"
            ? `${winner.label} needs the fewest steps to the target, and its interval lies below ${runnerUp.label}'s.`
            : `${winner.label} has the lowest median steps to the target, but its interval overlaps ${runnerUp.label}'s: no clear winner.`,
      );
      lines.push(text);
      if (!text.includes("lies below")) caveats.push(`${board.key}: ${text}`);
      // Paired differences over the same final seeds: winner − each other optimizer.
      for (const other of order.slice(1)) {
        if (!other.final || other.final.seeds.join() !== winner.final.seeds.join()) continue;
        lines.push(
          book.paired(
            `${base}.paired.${winner.label}-${other.label}`,
            penalizedSteps(winner.final.steps, board.stepBudget),
            penalizedSteps(other.final.steps, board.stepBudget),
            (verdict, d) => {
              const diff = (v: number) => fmtDifference(v, board.stepBudget);
              const span = `median difference ${diff(d.median)} steps, interval [${diff(d.low)}, ${diff(d.high)}] at ${(d.confidence * 100).toFixed(1)} %`;
              if (verdict === "lower")
                return `On the same seeds ${winner.label} needs fewer steps than ${other.label} (${span}).`;
              if (verdict === "higher")
                return `On the same seeds ${winner.label} needs more steps than ${other.label} (${span}).`;
              if (verdict === "too-few-seeds")
                return `${winner.label} against ${other.label}: too few paired seeds to rank.`;
              return `On the same seeds ${winner.label} and ${other.label} are not told apart (${span}).`;
            },
          ),
        );
      }
    }
    for (const e of order) {
      if (!e.final) continue;
      const text = book.claim("steps", [`${base}.${e.label}.median`, `${base}.${e.label}.defaults`], (v) =>
        v === "more" || v === "only-b"
          ? `${e.label}: tuned, it needs more steps to the target than at its defaults (${fmtSteps(e.final?.median)} vs ${fmtSteps(e.defaults.median)}, the defaults with 1.5× the budget).`
          : "",
      );
      if (text) caveats.push(`${board.key}: ${text}`);
    }
    const targetLine =
      board.target === null
        ? "Target: not fixed yet (calibration runs pending)."
        : `Target: ${(board.target * 100).toFixed(1)} % validation accuracy (${board.targetSource === "stored" ? "stored with the workload version" : `calibrated by this study: ${TARGET_RULE}, rounded down to 0.1 %`}).`;
    sections.push(
      [
        `## ${board.key}`,
        "",
        `${board.summary}. This study: ${board.stepBudget} updates, validation every ${board.evalEvery}. ${targetLine}`,
        "",
        leaderboardTable(board),
        "",
        ...lines.map((l) => `- ${l}`),
        "",
        `![tunability on ${board.key}](fair-tunability-${b}.png)`,
        "",
      ].join("\n"),
    );
    const legend = optimizerLegend(labels, 170, ids);
    figures.push({
      id: `fair-tunability-${b}`,
      title: `Tunability on ${board.key}: expected best validation accuracy after k trials`,
      caption: `Exact expectation over draws of k trials without replacement from each optimizer's ${config.studies * config.trialsPerStudy} Halton trials (${board.stepBudget} updates each).`,
      svg: composeFigure({
        id: `fair-tunability-${b}`,
        title: `Tunability on ${board.key}`,
        subtitle: [
          `${config.studies} × ${config.trialsPerStudy} Halton trials per optimizer, ${board.stepBudget} updates, best validation accuracy`,
        ],
        panels: [tunabilityPanel(document, board), legend],
      }),
      data: board.entries.map((e) => ({ optimizer: e.label, tunability: e.tunability })),
      files: [],
    });
  });

  // Performance profile across workloads: cost = median final steps to target (∞ = miss).
  const costs = boards.map((board) =>
    labels.map((l) => board.entries.find((e) => e.label === l)?.final?.median ?? Number.POSITIVE_INFINITY),
  );
  const profile = performanceProfile(costs, LEADERBOARD_TAUS);
  const ratios = costs.map(costRatios);
  const areas = labels.map((_, s) => profileArea(ratios.map((row) => row[s])));
  areas.forEach((a, s) => {
    book.put(`profile.area.${labels[s]}`, a);
  });
  const areaOrder = labels
    .map((l, s) => ({ l, a: areas[s] }))
    .sort((x, y) => y.a - x.a || x.l.localeCompare(y.l));
  figures.push({
    id: "fair-performance-profile",
    title: "Performance profiles over the workloads (steps to target)",
    caption: `ρ(τ): share of workloads on which an optimizer reaches the target within τ times the fewest steps; area B up to τ = ${PROFILE_MAX_RATIO}.`,
    svg: composeFigure({
      id: "fair-performance-profile",
      title: "Performance profiles: steps to target",
      subtitle: [
        `${boards.length} workload(s), median over ${config.finalSeeds.length} final seeds, r_max ${PROFILE_MAX_RATIO}`,
      ],
      panels: [
        profilePanel(document, labels, LEADERBOARD_TAUS, profile, 560, 320, ids),
        optimizerLegend(labels, 170, ids),
      ],
    }),
    data: { taus: LEADERBOARD_TAUS, labels, profile },
    files: [],
  });

  if (config.finalSeeds.length < 10)
    caveats.push(`Only ${config.finalSeeds.length} final seeds (the protocol asks for ≥ 10).`);
  if (boards.length < 3)
    caveats.push(
      `${boards.length} workload(s): a performance profile over so few problems is a ranking per workload, not a benchmark score.`,
    );

  const remaining = benchmarkRuns(config, results).length;
  const markdown = [
    `# optlab compare — fair tier, preset ${config.preset}${remaining > 0 ? ` (INCOMPLETE: ${remaining} runs still to do)` : ""}`,
    "",
    `Protocol: per optimizer ${config.studies} independent studies of ${config.trialsPerStudy} trials drawn by a scrambled Halton sequence (seed ${config.haltonSeed}) from its declared space; the best trial of each study by steps to the validation target (ties: best validation accuracy); the median over studies; the best trial of the median study rerun on ${config.finalSeeds.length} paired seeds (${config.finalSeeds.join(", ")}); defaults track at ${config.defaultsBudgetFactor}× the budget on seeds ${config.defaultSeeds.join(", ")}. Steps to target: the first validation evaluation at or above the target; a miss is ∞ (paired differences order it as ${MISS_PENALTY_BUDGETS}× the budget, after every step count, and print a difference with a miss on one side as ±∞). Intervals: the exact sign-test interval of the median.`,
    "",
    ...sections,
    "## Performance profile",
    "",
    table(
      ["optimizer", `area B (τ ≤ ${PROFILE_MAX_RATIO})`],
      areaOrder.map(({ l, a }) => [l, fmt(a, 3)]),
    ),
    "",
    "![performance profile](fair-performance-profile.png)",
    "",
    "## Fairness ledger",
    "",
    ledgerTable(boards, labels),
    "",
    "## Search spaces",
    "",
    spacesTable(labels),
    "",
    "## Caveats",
    "",
    ...(caveats.length > 0 ? caveats.map((c) => `- ${c}`) : ["- none"]),
    "",
  ].join("\n");

  const json = {
    preset: config.preset,
    complete: remaining === 0,
    protocol: {
      studies: config.studies,
      trialsPerStudy: config.trialsPerStudy,
      haltonSeed: config.haltonSeed,
      finalSeeds: config.finalSeeds,
      defaultSeeds: config.defaultSeeds,
      defaultsBudgetFactor: config.defaultsBudgetFactor,
    },
    workloads: Object.fromEntries(
      boards.map((board) => [
        board.key,
        {
          target: board.target,
          targetSource: board.targetSource,
          stepBudget: board.stepBudget,
          optimizers: Object.fromEntries(
            board.entries.map((e) => [
              e.label,
              {
                stepsToTarget: e.final
                  ? {
                      median: e.final.median,
                      low: e.final.low,
                      high: e.final.high,
                      confidence: e.final.confidence,
                      reached: e.final.reached,
                      runs: e.final.steps.length,
                      perSeed: e.final.steps,
                    }
                  : null,
                studyMedianSteps: e.studyMedianSteps,
                defaults: { median: e.defaults.median, reached: e.defaults.reached, runs: e.defaults.runs },
                chosen: e.chosen,
                trials: e.ledger.trials,
                updates: e.ledger.updates,
                seconds: e.ledger.seconds,
                secondsToTarget: e.secondsToTarget,
                msPerStep: e.msPerStep,
              },
            ]),
          ),
        },
      ]),
    ),
    profile: { maxRatio: PROFILE_MAX_RATIO, area: Object.fromEntries(labels.map((l, s) => [l, areas[s]])) },
    caveats,
    numbers: book.numbers,
    claims: book.claims,
  };
  return { json, markdown, figures };
}

/** Keys of `leaderboard.json` that hold measured times (the only numbers that differ between machines). */
export const TIMING_KEYS = ["seconds", "secondsToTarget", "msPerStep"] as const;

/** Writes `leaderboard.json`, `leaderboard.md` and the figures into `out`. */
export function writeLeaderboard(
  out: string,
  config: BenchmarkConfig,
  results: ReadonlyMap<string, RunResult>,
): LeaderboardDocument {
  const doc = buildLeaderboard(config, results);
  for (const f of doc.figures) writeFigureFiles(f, out);
  writeFileAtomic(join(out, "leaderboard.md"), doc.markdown);
  writeFileAtomic(
    join(out, "leaderboard.json"),
    `${JSON.stringify(doc.json, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 1)}\n`,
  );
  return doc;
}
