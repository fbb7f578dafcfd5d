import { ticks } from "d3";
import type { ScalarGrid } from "./types.js";

/**
 * Samples f on an nx × ny grid of cell centres over [x0, x1] × [y0, y1] (Plot's raster convention:
 * row 0 at y0). Non-finite values are kept; contouring treats them as gaps.
 */
export function sampleGrid(
  f: (x: number, y: number) => number,
  x: readonly [number, number],
  y: readonly [number, number],
  nx: number,
  ny: number,
): ScalarGrid {
  const values = new Float64Array(nx * ny);
  const dx = (x[1] - x[0]) / nx;
  const dy = (y[1] - y[0]) / ny;
  for (let j = 0; j < ny; j++) {
    const yj = y[0] + (j + 0.5) * dy;
    for (let i = 0; i < nx; i++) values[j * nx + i] = f(x[0] + (i + 0.5) * dx, yj);
  }
  return { x: [x[0], x[1]], y: [y[0], y[1]], nx, ny, values };
}

/** Smallest and largest finite value of a grid. */
export function finiteExtent(values: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/**
 * Contour levels for a grid. With `maskAbove` (the seed masks f > 7), evenly spaced round levels up
 * to it; otherwise evenly spaced levels when the values are spread evenly, and geometrically spaced
 * ones above the minimum when a few huge values dominate (as on Rosenbrock's function), so the
 * valley still gets contours.
 */
export function contourLevels(grid: ScalarGrid, count = 8, maskAbove?: number): number[] {
  const [lo, hiRaw] = finiteExtent(grid.values);
  if (!(lo <= hiRaw)) return [];
  const hi = maskAbove === undefined ? hiRaw : Math.min(hiRaw, maskAbove);
  if (!(hi > lo)) return [];
  const sorted = Float64Array.from(grid.values).filter(Number.isFinite).sort();
  const median = sorted[Math.floor(sorted.length / 2)];
  const skewed = maskAbove === undefined && hi - lo > 8 * (median - lo);
  if (!skewed) return ticks(lo, hi, count).filter((t) => t > lo && t <= hi);
  const span = hi - lo;
  const levels: number[] = [];
  for (let i = 0; i < count; i++) levels.push(lo + span * 10 ** (-4 + (4 * i) / (count - 1)) * 0.5);
  return levels
    .map((level) => Number(level.toPrecision(2)))
    .filter((t, i, all) => t > lo && all.indexOf(t) === i);
}
