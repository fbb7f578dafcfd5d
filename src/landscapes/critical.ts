import type { CriticalPoint, Domain, Landscape } from "./types.js";

/** What kind of critical point the Hessian says a point is. */
export type CriticalKind = "minimum" | "maximum" | "saddle" | "degenerate";

export interface PolishedPoint {
  readonly point: [number, number];
  readonly value: number;
  readonly gradNorm: number;
  readonly kind: CriticalKind;
}

type Gradient2 = (p: ArrayLike<number>, out: Float64Array) => void;

/**
 * The Hessian of a 2D function at p, by central differences of its exact gradient (step
 * h = 1e-6·max(1, |pᵢ|), error O(h²)), symmetrised. Writes [hxx, hxy, hyy] into `out`.
 */
export function hessian2(grad: Gradient2, p: readonly number[], out: Float64Array): void {
  const q = new Float64Array(2);
  const plus = new Float64Array(2);
  const minus = new Float64Array(2);
  const columns = [new Float64Array(2), new Float64Array(2)];
  for (let j = 0; j < 2; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(p[j]));
    q[0] = p[0];
    q[1] = p[1];
    q[j] = p[j] + h;
    grad(q, plus);
    q[j] = p[j] - h;
    grad(q, minus);
    columns[j][0] = (plus[0] - minus[0]) / (2 * h);
    columns[j][1] = (plus[1] - minus[1]) / (2 * h);
  }
  out[0] = columns[0][0];
  out[1] = 0.5 * (columns[0][1] + columns[1][0]);
  out[2] = columns[1][1];
}

/** Classifies a critical point from its Hessian [hxx, hxy, hyy]. */
export function classifyHessian2(h: ArrayLike<number>): CriticalKind {
  const det = h[0] * h[2] - h[1] * h[1];
  const scale = Math.max(Math.abs(h[0]), Math.abs(h[1]), Math.abs(h[2]));
  if (!(Math.abs(det) > 1e-10 * scale * scale)) return "degenerate";
  if (det < 0) return "saddle";
  return h[0] > 0 ? "minimum" : "maximum";
}

/**
 * Newton's method on ∇f = 0 from `guess` (Hessian by central differences of the exact gradient),
 * at most `iterations` steps; stops when a step no longer changes the point. Converges to whatever
 * critical point is nearby — minimum, maximum or saddle — and says which. Returns null when the
 * iteration leaves the finite numbers or the Hessian is singular.
 */
export function polishCriticalPoint(
  f: (p: ArrayLike<number>) => number,
  grad: Gradient2,
  guess: readonly number[],
  iterations = 50,
): PolishedPoint | null {
  const p: [number, number] = [guess[0], guess[1]];
  const g = new Float64Array(2);
  const h = new Float64Array(3);
  for (let k = 0; k < iterations; k++) {
    grad(p, g);
    hessian2(grad, p, h);
    const det = h[0] * h[2] - h[1] * h[1];
    if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return null;
    const dx = (h[2] * g[0] - h[1] * g[1]) / det;
    const dy = (h[0] * g[1] - h[1] * g[0]) / det;
    const nextX = p[0] - dx;
    const nextY = p[1] - dy;
    if (!Number.isFinite(nextX) || !Number.isFinite(nextY)) return null;
    const unchanged = nextX === p[0] && nextY === p[1];
    p[0] = nextX;
    p[1] = nextY;
    if (unchanged || Math.abs(dx) + Math.abs(dy) <= 1e-15 * (Math.abs(p[0]) + Math.abs(p[1]) + 1e-300)) break;
  }
  grad(p, g);
  hessian2(grad, p, h);
  return { point: p, value: f(p), gradNorm: Math.hypot(g[0], g[1]), kind: classifyHessian2(h) };
}

/** Options of `searchMinima2`. */
export interface MinimumSearchOptions {
  /** Grid points per axis (default 41). */
  readonly gridSize?: number;
  /** At most this many minima are returned, lowest first (default 4). */
  readonly maxCount?: number;
}

/**
 * A cheap numeric search for the minima of a 2D function inside `domain`: evaluate f on a grid,
 * take the grid points lower than their 8 neighbours (lowest first), polish each with Newton's
 * method and keep those that converge to a minimum (positive definite Hessian, ‖∇f‖ ≤ 1e-6·(1 + |f|))
 * inside the domain. The results are marked `approximate`: a grid can miss narrow wells, and a
 * minimum on the boundary of the window is not reported.
 */
export function searchMinima2(
  landscape: Pick<Landscape, "f" | "grad">,
  domain: Domain,
  options: MinimumSearchOptions = {},
): CriticalPoint[] {
  const n = options.gridSize ?? 41;
  const maxCount = options.maxCount ?? 4;
  const [x0, x1] = domain.x;
  const [y0, y1] = domain.y;
  const values = new Float64Array(n * n);
  const p = new Float64Array(2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      p[0] = x0 + ((x1 - x0) * i) / (n - 1);
      p[1] = y0 + ((y1 - y0) * j) / (n - 1);
      const v = landscape.f(p);
      values[j * n + i] = Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
    }
  }
  const candidates: { i: number; j: number; v: number }[] = [];
  for (let j = 1; j < n - 1; j++) {
    for (let i = 1; i < n - 1; i++) {
      const v = values[j * n + i];
      if (!Number.isFinite(v)) continue;
      let lowest = true;
      for (let dj = -1; dj <= 1 && lowest; dj++) {
        for (let di = -1; di <= 1; di++) {
          if ((di !== 0 || dj !== 0) && values[(j + dj) * n + i + di] < v) {
            lowest = false;
            break;
          }
        }
      }
      if (lowest) candidates.push({ i, j, v });
    }
  }
  candidates.sort((a, b) => a.v - b.v);
  const grad = (q: ArrayLike<number>, out: Float64Array) => landscape.grad(q, out);
  const found: CriticalPoint[] = [];
  const width = Math.max(x1 - x0, y1 - y0);
  for (const c of candidates.slice(0, 4 * maxCount)) {
    const guess = [x0 + ((x1 - x0) * c.i) / (n - 1), y0 + ((y1 - y0) * c.j) / (n - 1)];
    const polished = polishCriticalPoint(landscape.f, grad, guess);
    if (polished === null || polished.kind !== "minimum") continue;
    if (!(polished.gradNorm <= 1e-6 * (1 + Math.abs(polished.value)))) continue;
    const [px, py] = polished.point;
    if (px < x0 || px > x1 || py < y0 || py > y1) continue;
    const duplicate = found.some((m) => Math.hypot(m.point[0] - px, m.point[1] - py) <= 1e-6 * width);
    if (!duplicate) found.push({ point: [px, py], value: polished.value, approximate: true });
    if (found.length === maxCount) break;
  }
  return found.sort((a, b) => a.value - b.value);
}
