import type { DivergenceMark, Window } from "./types.js";

/** A vertex of a drawable path piece; `piece` separates the parts of a path that leaves and re-enters. */
export interface PathVertex {
  readonly x: number;
  readonly y: number;
  readonly piece: number;
}

/** An iterate that lies inside the window (drawn as a marker). */
export interface PathDot {
  readonly x: number;
  readonly y: number;
  readonly step: number;
}

/** Where the drawn path ends early, and why. */
export interface PathEnd {
  readonly x: number;
  readonly y: number;
  readonly step: number;
  /** "diverged": the run diverged at `step`; "outside": the last iterate lies outside the window. */
  readonly reason: "diverged" | "outside";
}

export interface ClippedPath {
  readonly vertices: PathVertex[];
  readonly dots: PathDot[];
  readonly end: PathEnd | null;
}

function inside(x: number, y: number, w: Window): boolean {
  return x >= w.x[0] && x <= w.x[1] && y >= w.y[0] && y <= w.y[1];
}

/** The part of a segment inside the window: its end points and whether each was cut by the border. */
export interface ClippedSegment {
  readonly start: readonly [number, number];
  readonly end: readonly [number, number];
  readonly startCut: boolean;
  readonly endCut: boolean;
}

/**
 * Liang–Barsky clipping of segment a→b to the window, or null when it misses. A point where the
 * segment crosses a border gets that border's coordinate exactly and the other one interpolated, so
 * a segment between ±1e27 still crosses the window at the right place (interpolating both from a
 * parameter t would cancel catastrophically).
 */
export function clipSegment(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  w: Window,
): ClippedSegment | null {
  let t0 = 0;
  let t1 = 1;
  let side0 = -1;
  let side1 = -1;
  const dx = bx - ax;
  const dy = by - ay;
  const checks: [number, number][] = [
    [-dx, ax - w.x[0]],
    [dx, w.x[1] - ax],
    [-dy, ay - w.y[0]],
    [dy, w.y[1] - ay],
  ];
  for (let side = 0; side < 4; side++) {
    const [p, q] = checks[side];
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const t = q / p;
      if (p < 0) {
        if (t > t1) return null;
        if (t > t0) [t0, side0] = [t, side];
      } else {
        if (t < t0) return null;
        if (t < t1) [t1, side1] = [t, side];
      }
    }
  }
  const border = [w.x[0], w.x[1], w.y[0], w.y[1]];
  const pointOn = (side: number, fallback: readonly [number, number]): readonly [number, number] => {
    if (side < 0) return fallback;
    if (side < 2) return [border[side], ay + ((border[side] - ax) / dx) * dy];
    return [ax + ((border[side] - ay) / dy) * dx, border[side]];
  };
  return {
    start: pointOn(side0, [ax, ay]),
    end: pointOn(side1, [bx, by]),
    startCut: side0 >= 0,
    endCut: side1 >= 0,
  };
}

/**
 * Cuts a path of iterates to what can be drawn inside `window`: finite points only, up to the
 * divergence step, each segment clipped to the window (so no huge or non-finite coordinate ever
 * reaches the SVG). Reports where a diverged or escaping path should carry its end marker.
 */
export function clipPath(
  points: readonly (readonly [number, number])[],
  window: Window,
  divergence?: DivergenceMark | null,
): ClippedPath {
  const vertices: PathVertex[] = [];
  const dots: PathDot[] = [];
  let piece = -1;
  /** Whether the last vertex pushed is the previous iterate itself (so the next segment continues it). */
  let connected = false;
  let lastExitStep = -1;
  let lastFinite = -1;
  const limit = divergence ? Math.min(points.length, divergence.step + 1) : points.length;
  for (let k = 0; k < limit; k++) {
    const [x, y] = points[k];
    if (!Number.isFinite(x) || !Number.isFinite(y)) break;
    lastFinite = k;
    if (inside(x, y, window)) dots.push({ x, y, step: k });
    if (k === 0) {
      connected = inside(x, y, window);
      if (connected) vertices.push({ x, y, piece: ++piece });
      continue;
    }
    const [ax, ay] = points[k - 1];
    const t = clipSegment(ax, ay, x, y, window);
    if (t === null) {
      connected = false;
      continue;
    }
    if (t.startCut || !connected) vertices.push({ x: t.start[0], y: t.start[1], piece: ++piece });
    vertices.push({ x: t.end[0], y: t.end[1], piece });
    if (t.endCut) lastExitStep = k;
    connected = !t.endCut;
  }
  let end: PathEnd | null = null;
  const tail = vertices.at(-1);
  if (tail !== undefined) {
    if (divergence) end = { x: tail.x, y: tail.y, step: divergence.step, reason: "diverged" };
    else if (lastFinite >= 0 && !inside(points[lastFinite][0], points[lastFinite][1], window)) {
      end = { x: tail.x, y: tail.y, step: lastExitStep, reason: "outside" };
    }
  }
  return { vertices, dots, end };
}
