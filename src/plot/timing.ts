import * as Plot from "@observablehq/plot";
import type { TimingReport } from "../lab/timing.js";
import { legendPanel } from "./legend.js";
import { OKABE_ITO, seriesStyle } from "./palette.js";
import { composeFigure, type Panel } from "./svg.js";

const MARGIN_LEFT = 150;

/**
 * The timing chart: per optimizer, the median time of one step (filled) and of gradient + step
 * (hollow) with interquartile bars; beside it, the median time to reach the
 * tolerance with its interquartile bar and the number of steps it took.
 */
export function timingFigure(
  document: Document,
  report: TimingReport,
  id: string,
  title: string,
  subtitle: readonly string[],
): string {
  const rows = report.timings.map((t) => ({ ...t, name: t.label }));
  const order = rows.map((r) => r.name);
  const height = 60 + 28 * rows.length;
  // The axis ends past the largest upper quartile: single slow repetitions (a GC pause, another
  // process) would otherwise squeeze every bar into a corner. Minimum and maximum are in the CSV.
  const stepMax = Math.max(...rows.map((r) => Math.max(r.stepNs.q3, r.iterationNs.q3))) * 1.15;
  const perStep = Plot.plot({
    document,
    width: 420,
    height,
    marginLeft: MARGIN_LEFT,
    marginTop: 26,
    marginBottom: 36,
    marginRight: 16,
    className: "optlab-panel",
    x: {
      label: "nanoseconds per step",
      labelAnchor: "center",
      labelArrow: "none",
      grid: true,
      domain: [0, stepMax],
    },
    y: { domain: order, label: null },
    marks: [
      Plot.frame({ stroke: "#999" }),
      Plot.ruleY(rows, {
        y: "name",
        x1: (r) => r.stepNs.q1,
        x2: (r) => r.stepNs.q3,
        stroke: OKABE_ITO[0],
        strokeWidth: 4,
        dy: -4,
      }),
      Plot.dot(rows, { y: "name", x: (r) => r.stepNs.median, fill: OKABE_ITO[0], r: 3.5, dy: -4 }),
      Plot.ruleY(rows, {
        y: "name",
        x1: (r) => r.iterationNs.q1,
        x2: (r) => r.iterationNs.q3,
        stroke: OKABE_ITO[1],
        strokeWidth: 4,
        dy: 5,
      }),
      Plot.dot(rows, {
        y: "name",
        x: (r) => r.iterationNs.median,
        stroke: OKABE_ITO[1],
        fill: "white",
        r: 3.5,
        symbol: "square",
        dy: 5,
      }),
      Plot.text(["time per step"], {
        frameAnchor: "top",
        dy: -20,
        fontWeight: "bold",
        fontSize: 12,
        lineAnchor: "top",
      }),
    ],
  });
  const reached = rows.filter((r) => r.timeToToleranceUs !== null);
  const toTolerance = Plot.plot({
    document,
    width: 380,
    height,
    marginLeft: 16,
    marginTop: 26,
    marginBottom: 36,
    marginRight: 70,
    className: "optlab-panel",
    x: {
      label: `microseconds to reach f ≤ ${report.tolerance}`,
      labelAnchor: "center",
      labelArrow: "none",
      grid: true,
      zero: true,
    },
    y: { domain: order, label: null, axis: null },
    marks: [
      Plot.frame({ stroke: "#999" }),
      Plot.barX(reached, {
        y: "name",
        x: (r) => r.timeToToleranceUs?.median,
        fill: OKABE_ITO[2],
        fillOpacity: 0.75,
        insetTop: 6,
        insetBottom: 6,
      }),
      Plot.ruleY(reached, {
        y: "name",
        x1: (r) => r.timeToToleranceUs?.q1,
        x2: (r) => r.timeToToleranceUs?.q3,
        stroke: "black",
        strokeWidth: 1.5,
      }),
      Plot.text(rows, {
        y: "name",
        x: (r) => r.timeToToleranceUs?.q3 ?? 0,
        text: (r) =>
          r.stepsToTolerance === null ? `not within ${report.maxSteps} steps` : `${r.stepsToTolerance} steps`,
        textAnchor: "start",
        dx: 6,
        fontSize: 10,
      }),
      Plot.text([`time to f ≤ ${report.tolerance}`], {
        frameAnchor: "top",
        dy: -20,
        fontWeight: "bold",
        fontSize: 12,
        lineAnchor: "top",
      }),
    ],
  });
  const legend = legendPanel(
    [
      {
        label: "optimizer step alone, fixed gradient (median, IQR bar)",
        style: { ...seriesStyle(0), marker: "circle", dash: "none" },
      },
      {
        label: "gradient + step (median, IQR bar)",
        style: { ...seriesStyle(1), marker: "square", dash: "none" },
      },
    ],
    420,
  );
  const panels: Panel[] = [
    { svg: perStep.outerHTML, width: 420, height },
    { svg: toTolerance.outerHTML, width: 380, height },
    legend,
  ];
  return composeFigure({ id, title, subtitle, panels, columns: 2 });
}
