import { smoothCurve } from "./smooth.js";
import { type Spread, spreadOf } from "./stats.js";
import type { EvaluationRecord, LossChunk } from "./train.js";

/** The first line of `mnist-results.jsonl`: the settings a `--resume` must match. */
export interface RunHeader {
  readonly type: "run";
  readonly version: 1;
  readonly optimizers: readonly string[];
  readonly iterations: number;
  readonly batchSize: number;
  readonly seeds: readonly number[];
  readonly evalEvery: number;
  readonly data: string;
  /** "wasm-simd" or "reference": they agree only up to float32 rounding, so a resume must not switch. */
  readonly engine: string;
  readonly network: { hiddenSizes: readonly number[]; activation: string; weightDecayLambda: number };
}

export interface SeedDone {
  readonly type: "seed-done";
  readonly seed: number;
  readonly seconds: number;
}

export type ResultLine = RunHeader | LossChunk | EvaluationRecord | SeedDone;

/** Per optimizer and seed: the raw curve, its smoothed version and the evaluations. */
export interface CollectedRun {
  readonly label: string;
  readonly seed: number;
  readonly losses: Float64Array;
  readonly smoothed: Float64Array;
  readonly evaluations: readonly EvaluationRecord[];
}

/** Reassembles curves from result lines (in any order of chunks). */
export function collectRuns(lines: readonly ResultLine[], header: RunHeader): CollectedRun[] {
  const runs: CollectedRun[] = [];
  for (const seed of header.seeds) {
    for (const label of header.optimizers) {
      const losses = new Float64Array(header.iterations).fill(Number.NaN);
      let seen = 0;
      const evaluations: EvaluationRecord[] = [];
      for (const line of lines) {
        if (line.type === "losses" && line.seed === seed && line.optimizer === label) {
          line.losses.forEach((loss, i) => {
            losses[line.from - 1 + i] = loss;
          });
          seen += line.losses.length;
        } else if (line.type === "eval" && line.seed === seed && line.optimizer === label) {
          evaluations.push(line);
        }
      }
      if (seen === 0) continue;
      const complete = losses.subarray(0, seen);
      runs.push({ label, seed, losses: complete, smoothed: smoothCurve(complete), evaluations });
    }
  }
  return runs;
}

export interface SummaryRow {
  readonly optimizer: string;
  readonly seeds: number;
  readonly finalLoss: MedianRange;
  readonly finalSmoothedLoss: MedianRange;
  readonly testLoss: MedianRange | null;
  readonly testAccuracy: MedianRange | null;
}

/** Median and range over seeds (the part of `Spread` the MNIST summary keeps). */
export type MedianRange = Pick<Spread, "median" | "min" | "max">;

export function medianRange(values: readonly number[]): MedianRange {
  const { median, min, max } = spreadOf(values);
  return { median, min, max };
}

export function summarizeMnistRuns(runs: readonly CollectedRun[], labels: readonly string[]): SummaryRow[] {
  return labels.flatMap((label) => {
    const mine = runs.filter((run) => run.label === label && run.losses.length > 0);
    if (mine.length === 0) return [];
    const last = (run: CollectedRun) =>
      run.evaluations.reduce<EvaluationRecord | null>(
        (best, e) => (best === null || e.iteration > best.iteration ? e : best),
        null,
      );
    const finals = mine.map(last).filter((e): e is EvaluationRecord => e !== null);
    return [
      {
        optimizer: label,
        seeds: mine.length,
        finalLoss: medianRange(mine.map((run) => run.losses[run.losses.length - 1])),
        finalSmoothedLoss: medianRange(
          mine.map((run) => run.smoothed[run.smoothed.length - 1] ?? Number.NaN),
        ),
        testLoss: finals.length ? medianRange(finals.map((e) => e.testLoss)) : null,
        testAccuracy: finals.length ? medianRange(finals.map((e) => e.testAccuracy)) : null,
      },
    ];
  });
}

/** The summary as a plain-text table. */
export function mnistSummaryTable(rows: readonly SummaryRow[]): string {
  const many = rows.some((row) => row.seeds > 1);
  const show = (s: MedianRange | null, digits: number, scale = 1) =>
    s === null
      ? "—"
      : many
        ? `${(s.median * scale).toFixed(digits)} [${(s.min * scale).toFixed(digits)}, ${(s.max * scale).toFixed(digits)}]`
        : (s.median * scale).toFixed(digits);
  const header = ["optimizer", "final batch loss", "smoothed loss", "test loss", "test accuracy %"];
  const body = rows.map((row) => [
    row.optimizer,
    show(row.finalLoss, 4),
    show(row.finalSmoothedLoss, 4),
    show(row.testLoss, 4),
    show(row.testAccuracy, 2, 100),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join("  ")
      .trimEnd();
  const note = many ? "\n(median [min, max] over seeds)" : "";
  return `${[format(header), ...body.map(format)].join("\n")}${note}\n`;
}
