import * as Plot from "@observablehq/plot";
import type { CollectedRun, RunHeader } from "../lab/mnist-results.js";
import { median } from "../lab/stats.js";
import type { RenderedFigure } from "./figures.js";
import { legendPanel } from "./legend.js";
import { lineStyle, optimizerIdOfLabel, optimizerStyles, type SeriesStyle } from "./palette.js";
import { composeFigure } from "./svg.js";

/** Median over seeds, position by position (the curves of one optimizer all have the same length). */
function medianCurve(curves: readonly ArrayLike<number>[]): number[] {
  const length = Math.min(...curves.map((c) => c.length));
  return Array.from({ length }, (_, i) => median(curves.map((c) => c[i])));
}

function settingsLine(header: RunHeader, description: string): string {
  const net = [784, ...header.network.hiddenSizes, 10].join("-");
  const seeds =
    header.seeds.length === 1
      ? `seed ${header.seeds[0]}`
      : `median over seeds ${header.seeds[0]}–${header.seeds.at(-1)}`;
  const decay = header.network.weightDecayLambda
    ? `, weight decay λ=${header.network.weightDecayLambda}`
    : "";
  return `${net} ${header.network.activation}${decay}, batch ${header.batchSize} drawn at random, ${header.iterations} iterations, ${seeds}; data: ${description}`;
}

const WIDTH = 620;
const HEIGHT = 380;

/**
 * The seed's figure: each optimizer's post-update batch loss smoothed by the book's `smooth_curve`, y from 0
 * to 1, a marker every 100 iterations; the raw loss drawn faintly behind it.
 */
export function mnistLossFigure(
  document: Document,
  runs: readonly CollectedRun[],
  header: RunHeader,
  description: string,
): string {
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  const legend: { label: string; style: SeriesStyle; id: string }[] = [];
  const styles = optimizerStyles(header.optimizers.map(optimizerIdOfLabel));
  header.optimizers.forEach((label, k) => {
    const mine = runs.filter((run) => run.label === label);
    if (mine.length === 0) return;
    const style = styles[k];
    legend.push({ label, style, id: optimizerIdOfLabel(label) });
    // Values above the axis (y ≤ 1, as the seed's plot) become gaps in the line: no clip path needed.
    const inside = (value: number, i: number) => ({ iteration: i, value: value <= 1 ? value : Number.NaN });
    const raw = medianCurve(mine.map((run) => run.losses)).map(inside);
    const smooth = medianCurve(mine.map((run) => run.smoothed)).map(inside);
    marks.push(
      Plot.line(raw, {
        x: "iteration",
        y: "value",
        stroke: style.color,
        strokeOpacity: 0.18,
        strokeWidth: 0.8,
      }),
      Plot.line(smooth, {
        x: "iteration",
        y: "value",
        ...lineStyle(style, 1.8),
      }),
      Plot.dot(
        smooth.filter((row) => row.iteration % 100 === 0 && row.value <= 1),
        { x: "iteration", y: "value", symbol: style.marker, r: 3.2, fill: style.color },
      ),
    );
  });
  const plot = Plot.plot({
    document,
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 52,
    marginBottom: 40,
    x: { label: "iterations", labelAnchor: "center", labelArrow: "none", domain: [0, header.iterations] },
    y: { label: "loss (smoothed)", labelAnchor: "center", labelArrow: "none", domain: [0, 1], grid: true },
    marks,
  });
  return composeFigure({
    id: "mnist-loss",
    title: `${header.data}: training loss of each optimizer (post-update batch loss, book's smooth_curve)`,
    subtitle: [
      settingsLine(header, description),
      "Faint lines: the raw batch loss; markers every 100 iterations.",
    ],
    panels: [{ svg: plot.outerHTML, width: WIDTH, height: HEIGHT }, legendPanel(legend, 200)],
  });
}

/** Test-set accuracy against iterations (null when the run made no evaluations). */
export function mnistAccuracyFigure(
  document: Document,
  runs: readonly CollectedRun[],
  header: RunHeader,
  description: string,
): string | null {
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  const legend: { label: string; style: SeriesStyle; id: string }[] = [];
  let any = false;
  const lateValues: number[] = [];
  const styles = optimizerStyles(header.optimizers.map(optimizerIdOfLabel));
  header.optimizers.forEach((label, k) => {
    const mine = runs.filter((run) => run.label === label && run.evaluations.length > 0);
    if (mine.length === 0) return;
    any = true;
    const style = styles[k];
    legend.push({ label, style, id: optimizerIdOfLabel(label) });
    const iterations = [...new Set(mine.flatMap((run) => run.evaluations.map((e) => e.iteration)))].sort(
      (a, b) => a - b,
    );
    const rows = iterations.map((iteration) => {
      const values = mine.flatMap((run) =>
        run.evaluations.filter((e) => e.iteration === iteration).map((e) => 100 * e.testAccuracy),
      );
      return { iteration, value: median(values) };
    });
    for (const row of rows) if (row.iteration >= header.iterations / 4) lateValues.push(row.value);
    marks.push(
      Plot.line(rows, {
        x: "iteration",
        y: "value",
        ...lineStyle(style, 1.8),
      }),
      Plot.dot(rows, { x: "iteration", y: "value", symbol: style.marker, r: 3.2, fill: style.color }),
    );
  });
  if (!any) return null;
  // The axis zooms to the data of the later three quarters of training (differences of a point or two must be
  // visible); the first evaluations, near chance, lie below it and are said so in the subtitle.
  const late = lateValues;
  const low = Math.max(0, Math.floor(Math.min(...late) - 0.5));
  const high = Math.min(100, Math.ceil(Math.max(...late) + 0.5));
  const domain: [number, number] = late.length > 0 && high > low ? [low, high] : [0, 100];
  const plot = Plot.plot({
    document,
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 52,
    marginBottom: 40,
    x: { label: "iterations", labelAnchor: "center", labelArrow: "none", domain: [0, header.iterations] },
    y: {
      label: "test accuracy (%)",
      labelAnchor: "center",
      labelArrow: "none",
      domain,
      grid: true,
    },
    clip: true,
    marks,
  });
  return composeFigure({
    id: "mnist-accuracy",
    title: `${header.data}: test-set accuracy every ${header.evalEvery} iterations`,
    subtitle: [
      settingsLine(header, description),
      `Median over the seeds. The y axis spans ${domain[0]}–${domain[1]} %: the values after update ${Math.round(header.iterations / 4)}; earlier, lower values lie below it.`,
    ],
    panels: [{ svg: plot.outerHTML, width: WIDTH, height: HEIGHT }, legendPanel(legend, 200)],
  });
}

/** The MNIST figures of a run: `mnist-loss`, and `mnist-accuracy` when the run made evaluations (SVG only; no data file). */
export function mnistFigures(
  document: Document,
  runs: readonly CollectedRun[],
  header: RunHeader,
  description: string,
): RenderedFigure[] {
  const figures: RenderedFigure[] = [];
  const loss = mnistLossFigure(document, runs, header, description);
  figures.push({
    id: "mnist-loss",
    title: "MNIST training loss",
    caption: "",
    svg: loss,
    data: undefined,
    files: [],
  });
  const accuracy = mnistAccuracyFigure(document, runs, header, description);
  if (accuracy !== null)
    figures.push({
      id: "mnist-accuracy",
      title: "MNIST test accuracy",
      caption: "",
      svg: accuracy,
      data: undefined,
      files: [],
    });
  return figures;
}
