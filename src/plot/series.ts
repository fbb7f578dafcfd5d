import * as Plot from "@observablehq/plot";
import { DIVERGENCE_COLOR, lineStyle, type SeriesStyle } from "./palette.js";
import type { Panel } from "./svg.js";
import type { StepSeries } from "./types.js";

export interface SeriesPanelOptions {
  readonly title?: string;
  readonly yLabel: string;
  readonly series: readonly { readonly series: StepSeries; readonly style: SeriesStyle }[];
  /** Log y axis (the default); values ≤ floor are drawn at the floor. */
  readonly log?: boolean;
  readonly floor?: number;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { top: 26, right: 16, bottom: 36, left: 56 };

/** Log-axis tick labels: 0.01 … 1000 written out, smaller and larger ones as 1e−6 (never SI prefixes). */
export function logTick(value: number): string {
  if (value === 0) return "0";
  const exponent = Math.round(Math.log10(Math.abs(value)));
  const mantissa = value / 10 ** exponent;
  if (exponent >= -2 && exponent <= 3) return String(Number(value.toPrecision(3)));
  const m = Number(mantissa.toPrecision(2));
  return `${m}e${exponent}`.replace("-", "−");
}

/** What a series panel drew after cutting: the points, and where runs ended early. */
interface CutSeries {
  readonly rows: { step: number; value: number }[];
  readonly end: { step: number; value: number; text: string } | null;
  readonly floored: boolean;
}

/**
 * Cuts a per-step series at its divergence step or first non-finite value, and clamps values
 * below the floor (a log axis cannot show 0), so the SVG holds only readable numbers.
 */
export function cutSeries(series: StepSeries, floor: number, ceiling: number): CutSeries {
  const rows: { step: number; value: number }[] = [];
  let floored = false;
  const stop = series.divergence
    ? Math.min(series.divergence.step, series.values.length)
    : series.values.length;
  let end: CutSeries["end"] = null;
  for (let k = series.firstStep ?? 0; k < stop; k++) {
    const v = series.values[k];
    if (!Number.isFinite(v) || v > ceiling) {
      // Mark the last value drawn, so the marker stays inside the axes.
      const last = rows.at(-1) ?? { step: k, value: floor };
      const text = series.divergence
        ? `diverged at step ${series.divergence.step}`
        : `beyond the plot from step ${k}`;
      end = { step: last.step, value: last.value, text };
      break;
    }
    if (v < floor) floored = true;
    rows.push({ step: k, value: Math.max(v, floor) });
  }
  if (end === null && series.divergence) {
    const last = rows.at(-1);
    end = {
      step: last?.step ?? 0,
      value: last?.value ?? ceiling,
      text: `diverged at step ${series.divergence.step}`,
    };
  }
  return { rows, end, floored };
}

/** Per-step values of several runs on one panel (Plot.line + Plot.dot), e.g. f(x_k) against k. */
export function seriesPanel(
  document: Document,
  options: SeriesPanelOptions,
): { panel: Panel; floored: boolean } {
  const width = options.width ?? 420;
  const height = options.height ?? 300;
  const log = options.log ?? true;
  const floor = options.floor ?? (log ? 1e-12 : Number.NEGATIVE_INFINITY);
  // Readable window: at most 1e6 times the largest starting value.
  const starts = options.series.map(({ series }) => Math.abs(series.values[0] ?? 0)).filter(Number.isFinite);
  const ceiling = Math.max(1, ...starts) * 1e6;
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  let floored = false;
  for (const { series, style } of options.series) {
    const cut = cutSeries(series, floor, ceiling);
    floored ||= cut.floored;
    const every = Math.max(1, Math.ceil(cut.rows.length / 15));
    marks.push(
      Plot.line(cut.rows, {
        x: "step",
        y: "value",
        ...lineStyle(style, 1.6),
      }),
      Plot.dot(
        cut.rows.filter((_, i) => i % every === 0),
        { x: "step", y: "value", symbol: style.marker, r: 2.8, fill: style.color },
      ),
    );
    if (cut.end) {
      marks.push(
        Plot.dot([cut.end], {
          x: "step",
          y: "value",
          symbol: "times",
          r: 6,
          stroke: DIVERGENCE_COLOR,
          strokeWidth: 2.2,
        }),
        Plot.text([cut.end], {
          x: "step",
          y: "value",
          text: "text",
          dx: 8,
          dy: 12,
          textAnchor: "start",
          fill: DIVERGENCE_COLOR,
          stroke: "white",
          strokeWidth: 3,
          paintOrder: "stroke",
          fontSize: 10,
        }),
      );
    }
  }
  if (options.title) {
    marks.push(
      Plot.text([options.title], {
        frameAnchor: "top",
        dy: -MARGIN.top + 6,
        fontSize: 12,
        fontWeight: "bold",
        lineAnchor: "top",
      }),
    );
  }
  const plot = Plot.plot({
    document,
    width,
    height,
    marginTop: MARGIN.top,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginLeft: MARGIN.left,
    className: "optlab-panel",
    x: { label: "step k", labelAnchor: "center", labelArrow: "none" },
    y: {
      type: log ? "log" : "linear",
      label: options.yLabel,
      labelAnchor: "center",
      labelArrow: "none",
      grid: true,
      tickFormat: log ? logTick : undefined,
    },
    marks,
  });
  return { panel: { svg: plot.outerHTML, width, height }, floored };
}
