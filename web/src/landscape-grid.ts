/**
 * The sampled landscape behind the map and the 3D surface: values on a grid, their contour lines, a
 * rank-based colour for each cell, and the negative-gradient arrows. Computed once per landscape and
 * window, never per frame. Contour lines are plain marching-squares segments rather than d3-contour's
 * polygons: the map only strokes them, and assembling polygons with holes took 70–190 ms on
 * Rastrigin's 365 rings (measured), against the landscape-switch budget of 100 ms.
 */
import type { Landscape } from "../../src/landscapes/index.js";
import type { ScalarGrid } from "../../src/plot/index.js";
import { sampleGrid } from "../../src/plot/index.js";
import type { Window2 } from "./state.js";

export interface SampledLandscape {
  readonly grid: ScalarGrid;
  /** Finite values sorted ascending (for ranks and levels). */
  readonly sorted: Float64Array;
  readonly levels: readonly number[];
  /**
   * Per level, line segments x0, y0, x1, y1, … in grid coordinates: sample (i, j) sits at
   * (i + 0.5, j + 0.5), the grid spans 0 … nx by 0 … ny. Empty when contours were not asked for.
   */
  readonly lines: readonly { readonly value: number; readonly segments: Float64Array }[];
}

/** Where `value` falls among the sorted finite values, in [0, 1]. */
export function rankOf(sorted: Float64Array, value: number): number {
  if (!Number.isFinite(value)) return 1;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length <= 1 ? 0 : lo / (sorted.length - 1);
}

/**
 * Contour levels at quantiles of the sampled values, denser near the minimum (p = (i / n)²): every
 * landscape, from the seed's bowl to Rosenbrock's valley, gets lines where the paths are.
 */
export function quantileLevels(sorted: Float64Array, count: number): number[] {
  const levels: number[] = [];
  if (sorted.length === 0) return levels;
  for (let i = 1; i <= count; i++) {
    const p = (i / (count + 1)) ** 2;
    const value = sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    if (levels.length === 0 || value > levels[levels.length - 1]) levels.push(value);
  }
  return levels;
}

/** The point where the level crosses the edge from value p to value q, as a fraction from p. */
function crossing(level: number, p: number, q: number): number {
  return p === q ? 0.5 : (level - p) / (q - p);
}

/**
 * Marching squares over the cells between samples; the two saddle cases are resolved by the mean of
 * the cell's corners. Returns segments as x0, y0, x1, y1, … (see SampledLandscape.lines).
 */
export function contourSegments(
  values: ArrayLike<number>,
  nx: number,
  ny: number,
  level: number,
): Float64Array {
  const out: number[] = [];
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const a = values[j * nx + i];
      const b = values[j * nx + i + 1];
      const c = values[(j + 1) * nx + i + 1];
      const d = values[(j + 1) * nx + i];
      const index = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0);
      if (index === 0 || index === 15) continue;
      const x = i + 0.5;
      const y = j + 0.5;
      // Crossing points on the bottom (a–b), right (b–c), top (d–c) and left (a–d) edges.
      const bottom = () => out.push(x + crossing(level, a, b), y);
      const right = () => out.push(x + 1, y + crossing(level, b, c));
      const top = () => out.push(x + crossing(level, d, c), y + 1);
      const left = () => out.push(x, y + crossing(level, a, d));
      switch (index) {
        case 1:
        case 14:
          left();
          bottom();
          break;
        case 2:
        case 13:
          bottom();
          right();
          break;
        case 3:
        case 12:
          left();
          right();
          break;
        case 4:
        case 11:
          right();
          top();
          break;
        case 6:
        case 9:
          bottom();
          top();
          break;
        case 7:
        case 8:
          left();
          top();
          break;
        case 5:
        case 10: {
          // Saddle: a and c on one side, b and d on the other; the centre decides which pair connects.
          const centreAbove = (a + b + c + d) / 4 >= level;
          const cutAroundAAndC = (index === 5) !== centreAbove;
          if (cutAroundAAndC) {
            left();
            bottom();
            right();
            top();
          } else {
            bottom();
            right();
            top();
            left();
          }
          break;
        }
      }
    }
  }
  return Float64Array.from(out);
}

export function sampleLandscape(
  landscape: Landscape,
  window: Window2,
  n = 128,
  withContours = true,
): SampledLandscape {
  const point = new Float64Array(2);
  const grid = sampleGrid(
    (x, y) => {
      point[0] = x;
      point[1] = y;
      return landscape.f(point);
    },
    window.x,
    window.y,
    n,
    n,
  );
  const sorted = Float64Array.from(grid.values).filter(Number.isFinite).sort();
  const levels = quantileLevels(sorted, 16);
  const top = sorted.length > 0 ? sorted[sorted.length - 1] : 0;
  const clean = Float64Array.from(grid.values, (v) => (Number.isFinite(v) ? v : top));
  const lines = withContours
    ? levels.map((value) => ({ value, segments: contourSegments(clean, grid.nx, grid.ny, value) }))
    : [];
  return { grid, sorted, levels, lines };
}

export interface GradientArrow {
  readonly x: number;
  readonly y: number;
  /** −∇f, unscaled. */
  readonly dx: number;
  readonly dy: number;
}

/** The negative gradient at the centres of an n × n grid of cells. */
export function gradientArrows(landscape: Landscape, window: Window2, n = 17): GradientArrow[] {
  const arrows: GradientArrow[] = [];
  const p = new Float64Array(2);
  const g = new Float64Array(2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      p[0] = window.x[0] + ((i + 0.5) * (window.x[1] - window.x[0])) / n;
      p[1] = window.y[0] + ((j + 0.5) * (window.y[1] - window.y[0])) / n;
      landscape.grad(p, g);
      if (Number.isFinite(g[0]) && Number.isFinite(g[1]))
        arrows.push({ x: p[0], y: p[1], dx: -g[0], dy: -g[1] });
    }
  }
  return arrows;
}

/** A pale blue-to-sand colour for a rank in [0, 1] (low values bluer); pale so the coloured paths stand out. */
export function rankColor(rank: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, rank));
  const stops: [number, number, number][] = [
    [150, 190, 225],
    [188, 218, 236],
    [222, 237, 232],
    [244, 244, 226],
    [255, 253, 246],
  ];
  const scaled = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(scaled));
  const f = scaled - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/**
 * How the map colours a value: linear in f − f_min, or, when the window spans more than two orders of magnitude
 * above its minimum (Rosenbrock's walls), log(1 + (f − f_min)/s) with s the median of f − f_min. Returns the
 * position in [0, 1] and the scale's name for the colour bar.
 */
export function valueScale(sorted: Float64Array): {
  t(value: number): number;
  log: boolean;
  lo: number;
  hi: number;
} {
  const lo = sorted.length > 0 ? sorted[0] : 0;
  const hi = sorted.length > 0 ? sorted[sorted.length - 1] : 1;
  const range = hi - lo || 1;
  const median = sorted.length > 0 ? sorted[sorted.length >> 1] - lo : range;
  const log = median > 0 && range / median > 100;
  const s = log ? median : range;
  const top = Math.log1p(range / s);
  return {
    lo,
    hi,
    log,
    t: (value: number) => {
      if (!Number.isFinite(value)) return 1;
      const d = Math.max(0, value - lo);
      return log ? Math.log1p(d / s) / top : d / range;
    },
  };
}
