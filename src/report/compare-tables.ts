import {
  type Interval,
  type LandscapeMapSummary,
  type OptimizerSummary,
  overlaps,
  type StudyConfig,
  tuningBudget,
} from "../lab/index.js";
import { createOptimizer, optimizerLabel } from "../optim/index.js";

/** Formats numbers once, for every table of the comparison report. */
export function formatInterval(
  interval: Interval | null,
  digits = 3,
  scale = 1,
  range?: [number, number],
): string {
  if (interval === null || !Number.isFinite(interval.center)) return "—";
  // An interval is clipped to the quantity's possible range (an accuracy stays within 0…100 %).
  const clip = (v: number) => (range ? Math.min(range[1], Math.max(range[0], v)) : v);
  const c = (interval.center * scale).toFixed(digits);
  if (interval.n < 2) return `${c} (1 run)`;
  return `${c} [${clip(interval.low * scale).toFixed(digits)}, ${clip(interval.high * scale).toFixed(digits)}]`;
}

const PERCENT: [number, number] = [0, 100];

export function formatLr(lr: number): string {
  return Number.isFinite(lr) ? Number(lr.toPrecision(3)).toString() : "—";
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * The headline table: one row per optimizer. `stepMs` (label → mean ms per update, measured interleaved in one
 * process, see `step-cost.ts`) gives the cost column; without it the runs' own times are used.
 */
export function headlineTable(
  config: StudyConfig,
  summaries: readonly OptimizerSummary[],
  stepMs?: ReadonlyMap<string, number>,
): string {
  const reference = summaries.find((s) => s.id === "sgd") ?? summaries[0];
  const cost = (s: OptimizerSummary) => stepMs?.get(s.label) ?? s.msPerStep;
  const heldOut = config.validation > 0 ? "validation" : "test";
  const header = [
    "optimizer",
    config.tier === "fair" ? "chosen lr (grid index)" : "lr",
    `${heldOut} loss`,
    `${heldOut} accuracy %`,
    ...(config.tier === "fair" ? ["test accuracy %", "one-shot (default lr) test accuracy %"] : []),
    ...(config.target > 0 ? [`steps to ${(config.target * 100).toFixed(0)} % (median, reached)`] : []),
    `ms per update (÷ ${reference.label})`,
    "diverged runs",
  ];
  const rows = summaries.map((s) => [
    s.label,
    config.tier === "fair"
      ? `${formatLr(s.lr)} (${s.gridIndex ?? "—"}${s.atEdge ? ", edge" : ""})`
      : formatLr(s.lr),
    formatInterval(s.heldOutLoss, 3),
    formatInterval(s.heldOutAccuracy, 1, 100, PERCENT),
    ...(config.tier === "fair"
      ? [
          formatInterval(s.testAccuracy, 1, 100, PERCENT),
          formatInterval(s.oneShot?.testAccuracy ?? null, 1, 100, PERCENT),
        ]
      : []),
    ...(config.target > 0
      ? [
          `${s.stepsToTarget.median === null ? "never" : String(s.stepsToTarget.median)} (${s.stepsToTarget.reached}/${s.stepsToTarget.runs})`,
        ]
      : []),
    `${cost(s).toFixed(2)} (${(cost(s) / cost(reference)).toFixed(2)})`,
    config.tier === "fair"
      ? `${s.diverged.reporting} + ${s.diverged.tuning} in tuning`
      : String(s.diverged.reporting),
  ]);
  return table(header, rows);
}

/** The fairness ledger: what each optimizer was given. */
export function fairnessLedger(config: StudyConfig, summaries: readonly OptimizerSummary[]): string {
  const rule = config.tuning;
  const rows = summaries.map((s) => {
    const base = createOptimizer({
      id: s.id,
      hp: config.optimizers.find((o) => o.label === s.label)?.hp ?? {},
    });
    const grid =
      rule === undefined
        ? "none (fixed settings)"
        : `${formatLr(base.hp.lr as number)}·10^(${rule.spacing}·k), k ∈ {${s.gridTried.join(", ")}}`;
    return [
      s.label,
      optimizerLabel(base),
      String(s.trials),
      String(rule ? tuningBudget(rule) : 0),
      String(config.seeds.length * config.iterations),
      grid,
    ];
  });
  return table(
    ["optimizer", "base settings", "tuning trials", "tuning updates", "reporting updates", "lr grid"],
    rows,
  );
}

export function selectionRule(config: StudyConfig): string {
  const rule = config.tuning;
  if (rule === undefined) {
    return `No tuning: fixed settings (the base settings in the ledger), ${config.seeds.length} paired seeds (same initial weights and batches per seed).`;
  }
  return (
    `Log grid of ${rule.initialPoints} learning rates spaced ${rule.spacing} decades around each default, plus ` +
    `${rule.extensionPoints} points beyond the edge holding the best (both edges when it is inside); successive ` +
    `halving: all points for ${rule.rungs[0].iterations} updates, the best ${rule.rungs[0].keep} for ` +
    `${rule.rungs[1]?.iterations ?? rule.rungs[0].iterations}, then the best is chosen. Score: validation loss ` +
    `(${config.validation} images held out of the training split), mean over tuning seeds ` +
    `${rule.tuningSeeds.join(", ")}; diverged = +∞; ties → smaller lr. Reporting seeds ` +
    `${config.seeds.join(", ")} (disjoint), full length ${config.iterations}; the test split is used only there.`
  );
}

/** One sentence per pair of neighbours in the ranking: "A beats B" only when their intervals do not overlap. */
export function rankingSentence(summaries: readonly OptimizerSummary[], which: "test" | "heldOut"): string {
  const pick = (s: OptimizerSummary) => (which === "test" ? s.testAccuracy : s.heldOutAccuracy);
  const ranked = summaries
    .filter((s) => pick(s) !== null && Number.isFinite((pick(s) as Interval).center))
    .sort((a, b) => (pick(b) as Interval).center - (pick(a) as Interval).center);
  if (ranked.length === 0) return "No optimizer finished a run.";
  const parts = [ranked[0].label];
  for (let i = 1; i < ranked.length; i++) {
    parts.push(overlaps(pick(ranked[i - 1]) as Interval, pick(ranked[i]) as Interval) ? " ≈ " : " > ");
    parts.push(ranked[i].label);
  }
  return `${parts.join("")} (">" where the 95 % intervals over seeds do not overlap, "≈" where they do: tied at this number of seeds).`;
}

export function mapsTable(maps: readonly LandscapeMapSummary[]): string {
  const rows = maps.map((m) => [
    m.landscape,
    m.optimizer,
    m.kind,
    `${(m.shares.converged * 100).toFixed(0)} %`,
    `${(m.shares.slow * 100).toFixed(0)} %`,
    `${(m.shares.diverged * 100).toFixed(0)} %`,
  ]);
  return table(["landscape", "optimizer", "map", "converged", "slow", "diverged"], rows);
}

export { table as markdownTable };
