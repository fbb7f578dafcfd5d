import * as Plot from "@observablehq/plot";
import { clipPath } from "./clip.js";
import { DIVERGENCE_COLOR, lineStyle, type SeriesStyle } from "./palette.js";
import type { Panel } from "./svg.js";
import type { MarkedPoint, PathSeries, ScalarGrid, Window } from "./types.js";

/** An arrow of a vector field: anchored at (x, y), pointing along (u, v) in data units. */
export interface Arrow {
  readonly x: number;
  readonly y: number;
  readonly u: number;
  readonly v: number;
}

export interface PlanarPanelOptions {
  /** Title drawn above the panel (e.g. "SGD lr=0.95"). */
  readonly title?: string;
  readonly window: Window;
  /** Landscape values for the contour lines, and the levels to draw. */
  readonly grid?: ScalarGrid;
  readonly levels?: readonly number[];
  readonly paths?: readonly { readonly series: PathSeries; readonly style: SeriesStyle }[];
  readonly arrows?: readonly Arrow[];
  /** Points marked with "+" (the minima). */
  readonly minima?: readonly MarkedPoint[];
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { top: 26, right: 14, bottom: 34, left: 42 };

/** At most about `count` markers per path: every k-th iterate, always the first and the last. */
export function thinDots<T>(dots: readonly T[], count: number): T[] {
  const stride = Math.max(1, Math.ceil(dots.length / count));
  return dots.filter((_, i) => i % stride === 0 || i === dots.length - 1);
}

function endLabel(reason: "diverged" | "outside", step: number): string {
  return reason === "diverged" ? `diverged at step ${step}` : `outside the plot from step ${step}`;
}

/**
 * One 2D panel over a data window: contour lines of the landscape (Plot.contour), paths of
 * iterates clipped to the window with a marker at every iterate, arrows (Plot.vector), a "+" at
 * each minimum, and an end marker with its step where a path diverged or left the plot.
 */
export function planarPanel(document: Document, options: PlanarPanelOptions): Panel {
  const width = options.width ?? 340;
  const height = options.height ?? 320;
  const { window } = options;
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#999" })];
  const contourDomain = [...(options.levels ?? [])].map((level) => -level).sort((a, b) => a - b);

  if (options.grid && options.levels && options.levels.length > 0) {
    const grid = options.grid;
    // Contours of −f at −level: the sublevel sets {f ≤ level} are closed curves around the minimum,
    // so the grid's border is not traced as if it were a level line.
    // The grid is sampled at cell centres with Plot's raster size, so Plot's default ("nearest" over a Delaunay
    // triangulation of every sample) gives each cell its own sample back. Where every value is finite, x and y
    // null hand Plot the grid as it is, with the same cells and the same paths, without the triangulation
    // (≈ 0.3 s a panel); a grid with a gap keeps the default, which fills the gap from the nearest finite sample.
    const dense = grid.values.every(Number.isFinite) ? { x: null, y: null } : {};
    marks.push(
      Plot.contour(
        Array.from(grid.values, (v) => -v),
        {
          ...dense,
          width: grid.nx,
          height: grid.ny,
          x1: grid.x[0],
          x2: grid.x[1],
          y1: grid.y[0],
          y2: grid.y[1],
          value: (d: number) => d,
          thresholds: contourDomain,
          stroke: "value",
          strokeOpacity: 0.7,
          strokeWidth: 0.8,
          clip: true,
        },
      ),
    );
  }

  if (options.arrows && options.arrows.length > 0) {
    const innerWidth = width - MARGIN.left - MARGIN.right;
    const innerHeight = height - MARGIN.top - MARGIN.bottom;
    // Pixels per data unit on each axis, so an arrow's on-screen angle is the true direction.
    const sx = innerWidth / (window.x[1] - window.x[0]);
    const sy = innerHeight / (window.y[1] - window.y[0]);
    const arrows = options.arrows.map((a) => ({
      x: a.x,
      y: a.y,
      length: Math.hypot(a.u, a.v),
      rotate: (Math.atan2(a.u * sx, a.v * sy) * 180) / Math.PI,
    }));
    marks.push(
      Plot.vector(arrows, {
        x: "x",
        y: "y",
        length: "length",
        rotate: "rotate",
        anchor: "start",
        stroke: "#333",
        strokeWidth: 1,
      }),
    );
  }

  const ends: { x: number; y: number; text: string; anchor: "start" | "end" }[] = [];
  for (const { series, style } of options.paths ?? []) {
    const clipped = clipPath(series.points, window, series.divergence);
    marks.push(
      Plot.line(clipped.vertices, {
        x: "x",
        y: "y",
        z: "piece",
        ...lineStyle(style, 1.6),
      }),
      Plot.dot(thinDots(clipped.dots, 40), {
        x: "x",
        y: "y",
        symbol: style.marker,
        r: 2.6,
        fill: style.color,
      }),
    );
    if (clipped.end) {
      const middle = (window.x[0] + window.x[1]) / 2;
      ends.push({
        x: clipped.end.x,
        y: clipped.end.y,
        text: endLabel(clipped.end.reason, clipped.end.step),
        anchor: clipped.end.x > middle ? "end" : "start",
      });
    }
  }
  for (const end of ends) {
    marks.push(
      Plot.dot([end], { x: "x", y: "y", symbol: "times", r: 6, stroke: DIVERGENCE_COLOR, strokeWidth: 2.2 }),
      Plot.text([end], {
        x: "x",
        y: "y",
        text: "text",
        dy: end.y > (window.y[0] + window.y[1]) / 2 ? 12 : -12,
        dx: end.anchor === "start" ? 4 : -4,
        textAnchor: end.anchor,
        fill: DIVERGENCE_COLOR,
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
        fontSize: 11,
      }),
    );
  }

  const minima = (options.minima ?? []).filter(
    (m) => m.x >= window.x[0] && m.x <= window.x[1] && m.y >= window.y[0] && m.y <= window.y[1],
  );
  if (minima.length > 0) {
    marks.push(Plot.dot(minima, { x: "x", y: "y", symbol: "plus", r: 7, stroke: "black", strokeWidth: 2 }));
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

  const arrowLengths = (options.arrows ?? []).map((a) => Math.hypot(a.u, a.v));
  const longest = Math.max(0, ...arrowLengths);
  // Longest arrow: 85 % of the spacing of a square grid of that many arrows over the plot area.
  const inner = Math.min(width - MARGIN.left - MARGIN.right, height - MARGIN.top - MARGIN.bottom);
  const cell = inner / Math.max(2, Math.sqrt(arrowLengths.length));
  const plot = Plot.plot({
    document,
    width,
    height,
    marginTop: MARGIN.top,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginLeft: MARGIN.left,
    className: "optlab-panel",
    style: { background: "white" },
    x: { domain: [...window.x], label: "x", labelAnchor: "center", labelArrow: "none", nice: false },
    y: { domain: [...window.y], label: "y", labelAnchor: "center", labelArrow: "none", nice: false },
    // One colour per level by rank (levels may be geometric): darkest at the lowest level, as matplotlib.
    color: { type: "ordinal", domain: contourDomain, scheme: "viridis", reverse: true },
    // √ scaling keeps short arrows visible next to ones 20× longer; directions are exact.
    length: { type: "sqrt", domain: [0, longest || 1], range: [0, cell * 0.85] },
    marks,
  });
  return { svg: plot.outerHTML, width, height };
}
