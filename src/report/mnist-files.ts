import { join } from "node:path";
// The modules themselves, not lab/index.js and plot/index.js, which load the formula parser (mathjs) as well.
import {
  type CollectedRun,
  mnistSummaryTable,
  type RunHeader,
  summarizeMnistRuns,
} from "../lab/mnist-results.js";
import { mnistFigures } from "../plot/mnist-figures.js";
import type { MnistResult } from "../run/index.js";
import { writeFileAtomic } from "../util/files.js";
import { createDocument } from "./dom.js";
import { writeFigureFiles } from "./figure-files.js";

/**
 * The files of a paired MNIST run beside its journal: `mnist-summary.json` (median and range over seeds),
 * `mnist-curves.csv` (first seed, raw and smoothed loss per update) and `mnist-curves.json` (every seed), and the
 * figures `mnist-loss` and `mnist-accuracy`. Returns the paths written and the summary as a text table.
 */
export function writeMnistFiles(folder: string, result: MnistResult): { paths: string[]; table: string } {
  const { header, runs, description } = result;
  const rows = summarizeMnistRuns(runs, header.optimizers);
  const summaryPath = join(folder, "mnist-summary.json");
  writeFileAtomic(
    summaryPath,
    `${JSON.stringify({ settings: header, engine: header.engine, dataset: description, summary: rows }, null, 2)}\n`,
  );
  const curves = writeCurves(folder, runs, header);
  const printout = join(folder, "mnist-printout.txt");
  writeFileAtomic(printout, printoutText(runs, header));
  const figures = mnistFigures(createDocument(), runs, header, description).flatMap((figure) =>
    writeFigureFiles(figure, folder).map((name) => join(folder, name)),
  );
  return {
    paths: [result.journal, summaryPath, ...curves, printout, ...figures],
    table: mnistSummaryTable(rows),
  };
}

/** The homework's printout (first seed): each optimizer's loss after updates 0, 100, 200, … (0-based). */
function printoutText(runs: readonly CollectedRun[], header: RunHeader): string {
  const seed = header.seeds[0];
  const lines: string[] = [];
  for (let i = 0; i < header.iterations; i += 100) {
    lines.push(`===========iteration:${i}===========`);
    for (const label of header.optimizers) {
      const run = runs.find((r) => r.label === label && r.seed === seed);
      if (run && i < run.losses.length) lines.push(`${label}:${run.losses[i]}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** `mnist-curves.csv`: one row per update, raw and smoothed loss per optimizer (first seed); JSON with all seeds. */
function writeCurves(folder: string, runs: readonly CollectedRun[], header: RunHeader): string[] {
  const seed = header.seeds[0];
  const first = header.optimizers.map((label) =>
    runs.find((run) => run.label === label && run.seed === seed),
  );
  const columns = [
    "iteration",
    ...header.optimizers.flatMap((label) => [`${label} loss`, `${label} smoothed`]),
  ];
  const rows = [columns.map((c) => JSON.stringify(c)).join(",")];
  for (let i = 0; i < header.iterations; i++) {
    const cells = [String(i)];
    for (const run of first) {
      cells.push(
        run && i < run.losses.length ? String(run.losses[i]) : "",
        run && i < run.smoothed.length ? String(run.smoothed[i]) : "",
      );
    }
    rows.push(cells.join(","));
  }
  const csv = join(folder, "mnist-curves.csv");
  const json = join(folder, "mnist-curves.json");
  writeFileAtomic(csv, `${rows.join("\n")}\n`);
  writeFileAtomic(
    json,
    `${JSON.stringify({
      settings: header,
      runs: runs.map((run) => ({
        optimizer: run.label,
        seed: run.seed,
        loss: Array.from(run.losses),
        smoothed: Array.from(run.smoothed),
        evaluations: run.evaluations.map(({ iteration, testLoss, testAccuracy }) => ({
          iteration,
          testLoss,
          testAccuracy,
        })),
      })),
    })}\n`,
  );
  return [csv, json];
}
