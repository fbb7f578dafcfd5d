import * as Plot from "@observablehq/plot";
import type { MapCell, Outcome } from "../lab/landscape-maps.js";
import type { OptimizerSummary } from "../lab/study.js";
import { curveBands } from "../lab/study.js";
import { legendPanel } from "./legend.js";
import { DIVERGENCE_COLOR, lineStyle, optimizerIdOfLabel, optimizerStyles } from "./palette.js";
import { logTick } from "./series.js";
import type { Panel } from "./svg.js";

/**
 * Panels of `optlab compare`: training curves with bands over seeds, lr sensitivity, steps to target,
 * performance profiles and outcome maps. Each returns a Panel for `composeFigure`; the caller writes the title
 * with the settings actually used.
 */

const MARGIN = { marginTop: 20, marginRight: 16, marginBottom: 40, marginLeft: 60 };

/** Converged cells of a basin map, by the minimum reached: the blue-green end of Okabe–Ito, then black. */
export const MINIMUM_COLORS = ["#0072B2", "#009E73", "#56B4E9", "#CC79A7", "#000000", "#F0E442"] as const;

/** Colours of the three outcomes (Okabe–Ito: blue, orange, vermillion) and a letter so grey prints stay readable. */
export const OUTCOME_STYLE: Record<Outcome, { color: string; letter: string }> = {
  converged: { color: "#0072B2", letter: "" },
  slow: { color: "#E69F00", letter: "s" },
  diverged: { color: DIVERGENCE_COLOR, letter: "×" },
};

function panel(
  plot: (HTMLElement | SVGSVGElement) & { outerHTML: string },
  width: number,
  height: number,
): Panel {
  return { svg: plot.outerHTML, width, height };
}

/** Median training-batch loss per optimizer with the interquartile band over seeds. */
export function curvesPanel(
  document: Document,
  summaries: readonly OptimizerSummary[],
  width = 640,
  height = 360,
): Panel {
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  const styles = optimizerStyles(summaries.map((s) => s.id));
  summaries.forEach((s, i) => {
    const style = styles[i];
    const bands = curveBands(s.runs).filter((b) => b.median > 0);
    marks.push(
      Plot.areaY(bands, { x: "x", y1: "q1", y2: "q3", fill: style.color, fillOpacity: 0.18 }),
      Plot.line(bands, {
        x: "x",
        y: "median",
        ...lineStyle(style, 1.6),
      }),
      Plot.dot(
        bands.filter((_, k) => k % Math.max(1, Math.ceil(bands.length / 10)) === 0),
        { x: "x", y: "median", symbol: style.marker, fill: style.color, r: 3 },
      ),
    );
  });
  const plot = Plot.plot({
    document,
    width,
    height,
    ...MARGIN,
    marginRight: 90,
    className: "optlab-panel",
    x: { label: "update", labelAnchor: "center", labelArrow: "none" },
    y: {
      type: "log",
      label: "training batch loss (median, IQR band)",
      grid: true,
      tickFormat: logTick,
      labelArrow: "none",
    },
    marks,
  });
  return panel(plot, width, height);
}

/** Final validation loss against lr at the first tuning rung, one dot per seed; diverged runs as × on top. */
export function sensitivityPanel(
  document: Document,
  summaries: readonly OptimizerSummary[],
  width = 640,
  height = 360,
): Panel {
  const rows = summaries.flatMap((s, i) => s.sensitivity.map((p) => ({ ...p, label: s.label, index: i })));
  const finite = rows.filter((r) => !r.diverged && Number.isFinite(r.score));
  const top = Math.max(2.5, ...finite.map((r) => r.score)) * 1.15;
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  const styles = optimizerStyles(summaries.map((s) => s.id));
  summaries.forEach((s, i) => {
    const style = styles[i];
    const mine = finite.filter((r) => r.label === s.label).sort((a, b) => a.lr - b.lr);
    marks.push(
      Plot.line(mine, {
        x: "lr",
        y: "score",
        ...lineStyle(style),
      }),
      Plot.dot(mine, { x: "lr", y: "score", symbol: style.marker, fill: style.color, r: 3.2 }),
      Plot.dot(
        rows.filter((r) => r.label === s.label && r.diverged),
        { x: "lr", y: () => top, symbol: "times", stroke: style.color, r: 5, strokeWidth: 2 },
      ),
    );
    if (Number.isFinite(s.lr)) {
      marks.push(Plot.ruleX([s.lr], { stroke: style.color, strokeOpacity: 0.5, strokeDasharray: "2 3" }));
    }
  });
  marks.push(
    Plot.text(["× on the top line = diverged"], {
      frameAnchor: "top-left",
      dx: 6,
      dy: 6,
      fill: DIVERGENCE_COLOR,
      fontSize: 10,
    }),
  );
  const plot = Plot.plot({
    document,
    width,
    height,
    ...MARGIN,
    className: "optlab-panel",
    x: { type: "log", label: "learning rate", tickFormat: logTick, labelArrow: "none" },
    y: {
      label: "validation loss after the first rung",
      domain: [0, top * 1.05],
      grid: true,
      labelArrow: "none",
    },
    color: { legend: false },
    marks,
  });
  return panel(plot, width, height);
}

/** Steps to the target accuracy per run (a miss drawn at the right edge as "never"); the tick is the median. */
export function stepsToTargetPanel(
  document: Document,
  summaries: readonly OptimizerSummary[],
  iterations: number,
  width = 640,
  height = 60 + 34 * 6,
): Panel {
  const never = iterations * 1.08;
  const rows = summaries.flatMap((s) =>
    s.runs.map((r) => ({
      label: s.label,
      steps: r.stepsToTarget ?? never,
      missed: r.stepsToTarget === null,
    })),
  );
  const medians = summaries
    .filter((s) => s.stepsToTarget.median !== null)
    .map((s) => ({ label: s.label, steps: s.stepsToTarget.median as number }));
  const plot = Plot.plot({
    document,
    width,
    height: 60 + 34 * summaries.length,
    ...MARGIN,
    marginLeft: 110,
    className: "optlab-panel",
    x: {
      label: "updates to reach the target (× = never)",
      domain: [0, never * 1.02],
      grid: true,
      labelArrow: "none",
    },
    y: { label: null, domain: summaries.map((s) => s.label) },
    marks: [
      Plot.frame({ stroke: "#999" }),
      Plot.ruleX([iterations], { stroke: "#999", strokeDasharray: "3 3" }),
      Plot.dot(
        rows.filter((r) => !r.missed),
        { x: "steps", y: "label", fill: "#0072B2", r: 3.5 },
      ),
      Plot.dot(
        rows.filter((r) => r.missed),
        { x: "steps", y: "label", symbol: "times", stroke: DIVERGENCE_COLOR, r: 5, strokeWidth: 2 },
      ),
      Plot.tickX(medians, { x: "steps", y: "label", stroke: "black", strokeWidth: 2 }),
    ],
  });
  return panel(plot, width, height);
}

/** Dolan–Moré performance profiles: share of problems solved within a factor τ of the best. */
export function profilePanel(
  document: Document,
  labels: readonly string[],
  taus: readonly number[],
  profile: readonly (readonly number[])[],
  width = 640,
  height = 360,
  ids: readonly string[] = labels.map(optimizerIdOfLabel),
): Panel {
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  const styles = optimizerStyles(ids);
  labels.forEach((_label, i) => {
    const style = styles[i];
    const rows = taus.map((tau, k) => ({ tau, rho: profile[i][k] }));
    marks.push(
      Plot.line(rows, {
        x: "tau",
        y: "rho",
        curve: "step-after",
        ...lineStyle(style, 1.8),
      }),
      Plot.dot(
        rows.filter((_, k) => k % 4 === 0),
        { x: "tau", y: "rho", symbol: style.marker, fill: style.color, r: 3 },
      ),
    );
  });
  const plot = Plot.plot({
    document,
    width,
    height,
    ...MARGIN,
    className: "optlab-panel",
    x: { type: "log", label: "τ (within this factor of the best)", tickFormat: logTick, labelArrow: "none" },
    y: { label: "share of problems", domain: [0, 1], grid: true, labelArrow: "none" },
    marks,
  });
  return panel(plot, width, height);
}

/** An outcome map: cells coloured converged / slow / diverged (letters for grey prints). */
export function outcomeMapPanel(
  document: Document,
  cells: readonly MapCell[],
  options: {
    title: string;
    xLabel: string;
    yLabel: string;
    logX: boolean;
    /** Basin maps: colour converged cells by the minimum reached (its number in the landscape's list). */
    byMinimum?: boolean;
    width?: number;
    height?: number;
  },
): Panel {
  const fill = (d: MapCell) =>
    options.byMinimum && d.outcome === "converged" && d.minimum >= 0
      ? MINIMUM_COLORS[d.minimum % MINIMUM_COLORS.length]
      : OUTCOME_STYLE[d.outcome].color;
  const letter = (d: MapCell) =>
    options.byMinimum && d.outcome === "converged" && d.minimum >= 0
      ? String(d.minimum + 1)
      : OUTCOME_STYLE[d.outcome].letter;
  const width = options.width ?? 320;
  const height = options.height ?? 280;
  const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
  const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => a - b);
  const rows = cells.map((c) => ({ ...c, xi: xs.indexOf(c.x), yi: ys.indexOf(c.y) }));
  const xTicks = xs.map((_, i) => i).filter((i) => i % Math.max(1, Math.ceil(xs.length / 5)) === 0);
  const yTicks = ys.map((_, i) => i).filter((i) => i % Math.max(1, Math.ceil(ys.length / 6)) === 0);
  const format = (v: number) => (options.logX ? logTick(v) : String(Number(v.toPrecision(3))));
  const plot = Plot.plot({
    document,
    width,
    height,
    marginTop: 24,
    marginRight: 10,
    marginBottom: 40,
    marginLeft: 50,
    className: "optlab-panel",
    x: {
      type: "band",
      label: options.xLabel,
      ticks: xTicks,
      tickFormat: (i: number) => format(xs[i]),
      labelArrow: "none",
      padding: 0,
    },
    y: {
      type: "band",
      label: options.yLabel,
      ticks: yTicks,
      tickFormat: (i: number) => String(Number(ys[i].toPrecision(3))),
      reverse: true,
      labelArrow: "none",
      padding: 0,
    },
    marks: [
      Plot.cell(rows, { x: "xi", y: "yi", fill, inset: 0.2 }),
      Plot.text(
        rows.filter((r) => letter(r) !== "" && xs.length <= 30),
        {
          x: "xi",
          y: "yi",
          text: letter,
          fill: "white",
          fontSize: 8,
        },
      ),
      Plot.text([options.title], {
        frameAnchor: "top",
        dy: -18,
        fontSize: 11,
        fontWeight: "bold",
        lineAnchor: "top",
      }),
    ],
  });
  return panel(plot, width, height);
}

/** The legend of a comparison figure: one entry per optimizer, each in its optimizer's fixed style. */
export function optimizerLegend(
  labels: readonly string[],
  width = 150,
  ids: readonly string[] = labels.map(optimizerIdOfLabel),
): Panel {
  const styles = optimizerStyles(ids);
  return legendPanel(
    labels.map((label, i) => ({ label, style: styles[i], id: ids[i] })),
    width,
  );
}
