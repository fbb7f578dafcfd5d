/**
 * The contour map: a background canvas (colour by rank, contour lines, minima, optional gradient
 * arrows, axes) and a foreground of paths redrawn every frame. Hand-drawn on a canvas rather than with
 * Observable Plot because the foreground is redrawn on every slider move and every playback frame
 * (6 × 300 segments in well under a millisecond); the SVG export uses the library's Plot figure.
 */
import { ticks } from "d3";
import type { Landscape } from "../../src/landscapes/index.js";
import { DIVERGENCE_COLOR } from "../../src/plot/index.js";
import type { Internals, PathRun } from "./compute.js";
import { fitCanvas, shortNumber } from "./dom.js";
import {
  type GradientArrow,
  gradientArrows,
  rankColor,
  type SampledLandscape,
  sampleLandscape,
  valueScale,
} from "./landscape-grid.js";
import type { Window2 } from "./state.js";

export interface MapScene {
  readonly landscape: Landscape;
  readonly window: Window2;
  readonly start: readonly [number, number];
  readonly runs: readonly PathRun[];
  readonly cursor: number;
  readonly arrows: boolean;
  readonly internals: readonly (Internals | null)[] | null;
}

export interface MapCallbacks {
  /** The user set or dragged the start; `done` is false while dragging. */
  onStart(x: number, y: number, done: boolean): void;
  onWindow(window: Window2): void;
  /** The "set start" mode was used up (one tap or click sets the start). */
  onArmed?(armed: boolean): void;
}

export interface MapOptions {
  /** Draw the value colour bar at the right (default true). */
  readonly colorBar?: boolean;
}

/** A touch held this long without moving sets the start there. */
const LONG_PRESS_MS = 550;
const BAR = 46;
/** Pixel coordinates are clamped to this, so a diverging path does not overflow the canvas's arithmetic. */
const PIXEL_LIMIT = 1e5;

export class MapView {
  private readonly context: CanvasRenderingContext2D;
  private backgroundDrawn = false;
  private backgroundKey = "";
  private backgroundLandscape: Landscape | null = null;
  private sampled: SampledLandscape | null = null;
  private arrows: GradientArrow[] = [];
  private scene: MapScene | null = null;
  private size = { width: 1, height: 1, ratio: 1 };
  private drag: { mode: "start" | "pan" | "pending" | "done"; x: number; y: number; window: Window2 } | null =
    null;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private pinch: { distance: number; window: Window2; x: number; y: number } | null = null;
  private longPress = 0;
  private readonly margin: { left: number; right: number; top: number; bottom: number };
  /** When true, the next tap or click sets the start (the "set start" button). */
  armed = false;

  /**
   * `canvas` receives the paths and the pointer; `backgroundCanvas`, stacked under it with the same
   * size, the landscape.
   */
  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly backgroundCanvas: HTMLCanvasElement,
    private readonly callbacks: MapCallbacks,
    private readonly options: MapOptions = {},
  ) {
    this.margin = { left: 44, right: options.colorBar === false ? 10 : 10 + BAR, top: 10, bottom: 26 };
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("playground: no 2D canvas");
    this.context = context;
    canvas.addEventListener("pointerdown", (event) => this.pointerDown(event));
    canvas.addEventListener("pointermove", (event) => this.pointerMove(event));
    canvas.addEventListener("pointerup", (event) => this.pointerUp(event));
    canvas.addEventListener("pointercancel", (event) => this.pointerUp(event, true));
    canvas.addEventListener("keydown", (event) => this.key(event));
    canvas.addEventListener("wheel", (event) => this.wheel(event), { passive: false });
  }

  /** The plot rectangle in CSS pixels: one unit of x is as long as one unit of y, centred in the canvas. */
  private get plot() {
    const MARGIN = this.margin;
    const { width, height } = this.size;
    const room = {
      width: Math.max(1, width - MARGIN.left - MARGIN.right),
      height: Math.max(1, height - MARGIN.top - MARGIN.bottom),
    };
    const window = this.scene?.window;
    if (!window) return { left: MARGIN.left, top: MARGIN.top, ...room };
    const aspect = (window.y[1] - window.y[0]) / (window.x[1] - window.x[0]);
    // Very elongated windows are drawn stretched rather than as a sliver.
    const clamped = Math.min(4, Math.max(0.25, aspect));
    let plotWidth = room.width;
    let plotHeight = plotWidth * clamped;
    if (plotHeight > room.height) {
      plotHeight = room.height;
      plotWidth = plotHeight / clamped;
    }
    return {
      left: MARGIN.left + (room.width - plotWidth) / 2,
      top: MARGIN.top + (room.height - plotHeight) / 2,
      width: plotWidth,
      height: plotHeight,
    };
  }

  private toPixel(window: Window2, x: number, y: number): [number, number] {
    const plot = this.plot;
    const px = plot.left + ((x - window.x[0]) / (window.x[1] - window.x[0])) * plot.width;
    const py = plot.top + plot.height - ((y - window.y[0]) / (window.y[1] - window.y[0])) * plot.height;
    return [
      Math.max(-PIXEL_LIMIT, Math.min(PIXEL_LIMIT, px)),
      Math.max(-PIXEL_LIMIT, Math.min(PIXEL_LIMIT, py)),
    ];
  }

  private toWorld(window: Window2, px: number, py: number): [number, number] {
    const plot = this.plot;
    return [
      window.x[0] + ((px - plot.left) / plot.width) * (window.x[1] - window.x[0]),
      window.y[0] + ((plot.top + plot.height - py) / plot.height) * (window.y[1] - window.y[0]),
    ];
  }

  /** Draws a scene; the background is recomputed only when the landscape, window, arrows or size changed. */
  draw(scene: MapScene): void {
    this.scene = scene;
    this.size = fitCanvas(this.canvas);
    const key = `${scene.window.x.join()},${scene.window.y.join()},${scene.arrows},${this.size.width}x${this.size.height}@${this.size.ratio}`;
    if (!this.backgroundDrawn || key !== this.backgroundKey || this.backgroundLandscape !== scene.landscape) {
      this.backgroundKey = key;
      this.backgroundLandscape = scene.landscape;
      this.drawBackground(scene);
    }
    // The background is its own canvas under this one: the foreground is cleared, not repainted over it.
    const ctx = this.context;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.size.ratio, 0, 0, this.size.ratio, 0, 0);
    const plot = this.plot;
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top, plot.width, plot.height);
    ctx.clip();
    for (const run of scene.runs) this.drawPath(run, scene);
    for (const [i, internals] of (scene.internals ?? []).entries()) {
      if (internals) this.drawInternals(internals, scene.runs[i], scene);
    }
    this.drawStart(scene);
    ctx.restore();
    let diverged = 0;
    for (const run of scene.runs) if (this.drawDivergence(run, scene, diverged)) diverged++;
  }

  private drawBackground(scene: MapScene): void {
    const { width, height, ratio } = this.size;
    const canvas = this.backgroundCanvas;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    this.backgroundDrawn = true;
    const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    const sampled = sampleLandscape(scene.landscape, scene.window);
    this.sampled = sampled;
    const { grid } = sampled;
    const scale = valueScale(sampled.sorted);
    const image = new ImageData(grid.nx, grid.ny);
    for (let j = 0; j < grid.ny; j++) {
      for (let i = 0; i < grid.nx; i++) {
        const [r, g, b] = rankColor(scale.t(grid.values[j * grid.nx + i]));
        const o = 4 * ((grid.ny - 1 - j) * grid.nx + i);
        image.data[o] = r;
        image.data[o + 1] = g;
        image.data[o + 2] = b;
        image.data[o + 3] = 255;
      }
    }
    const cells = document.createElement("canvas");
    cells.width = grid.nx;
    cells.height = grid.ny;
    (cells.getContext("2d") as CanvasRenderingContext2D).putImageData(image, 0, 0);
    const plot = this.plot;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, plot.left, plot.top, plot.width, plot.height);
    // Contour lines: segments in grid coordinates, mapped to pixels here.
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top, plot.width, plot.height);
    ctx.clip();
    ctx.lineWidth = 0.8;
    ctx.strokeStyle = "rgba(60, 70, 90, 0.45)";
    const sx = plot.width / grid.nx;
    const sy = plot.height / grid.ny;
    const bottom = plot.top + plot.height;
    ctx.beginPath();
    for (const line of sampled.lines) {
      const s = line.segments;
      for (let k = 0; k < s.length; k += 4) {
        ctx.moveTo(plot.left + s[k] * sx, bottom - s[k + 1] * sy);
        ctx.lineTo(plot.left + s[k + 2] * sx, bottom - s[k + 3] * sy);
      }
    }
    ctx.stroke();
    if (scene.arrows) this.drawArrows(ctx, scene);
    // Minima: a "+" at each known minimum.
    ctx.strokeStyle = "#000000";
    ctx.lineWidth = 1.5;
    for (const minimum of scene.landscape.minima) {
      const [px, py] = this.toPixel(scene.window, minimum.point[0], minimum.point[1]);
      ctx.beginPath();
      ctx.moveTo(px - 6, py);
      ctx.lineTo(px + 6, py);
      ctx.moveTo(px, py - 6);
      ctx.lineTo(px, py + 6);
      ctx.stroke();
    }
    ctx.restore();
    this.drawAxes(ctx, scene.window);
    if (this.options.colorBar !== false) this.drawColorBar(ctx, scale);
  }

  /** The value scale at the right: colours from f_min (bottom) to f_max (top), its ends and whether it is log. */
  private drawColorBar(ctx: CanvasRenderingContext2D, scale: ReturnType<typeof valueScale>): void {
    const plot = this.plot;
    const x = Math.min(this.size.width - BAR + 2, plot.left + plot.width + 10);
    const top = plot.top + 14;
    const height = Math.max(20, plot.height - 28);
    for (let k = 0; k < height; k++) {
      const [r, g, b] = rankColor(1 - k / height);
      ctx.fillStyle = `rgb(${r | 0},${g | 0},${b | 0})`;
      ctx.fillRect(x, top + k, 10, 1.5);
    }
    ctx.strokeStyle = "#555";
    ctx.lineWidth = 1;
    ctx.strokeRect(x, top, 10, height);
    ctx.fillStyle = "#333";
    ctx.font = "10px sans-serif";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(shortNumber(scale.hi), x - 2, top - 8);
    ctx.fillText(shortNumber(scale.lo), x - 2, top + height + 8);
    ctx.save();
    ctx.translate(x + 22, top + height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(scale.log ? "f (log scale)" : "f", 0, 0);
    ctx.restore();
  }

  private drawArrows(ctx: CanvasRenderingContext2D, scene: MapScene): void {
    const n = 17;
    this.arrows = gradientArrows(scene.landscape, scene.window, n);
    let largest = 0;
    for (const a of this.arrows) largest = Math.max(largest, Math.hypot(a.dx, a.dy));
    if (!(largest > 0)) return;
    const plot = this.plot;
    const cell = Math.min(plot.width, plot.height) / n;
    ctx.strokeStyle = "rgba(30, 30, 30, 0.75)";
    ctx.fillStyle = "rgba(30, 30, 30, 0.75)";
    ctx.lineWidth = 1;
    for (const a of this.arrows) {
      const norm = Math.hypot(a.dx, a.dy);
      if (norm === 0) continue;
      // Length ∝ √‖∇f‖ so both the steep and the flat directions stay visible (stated in the caption).
      const length = 0.9 * cell * Math.sqrt(norm / largest);
      const ux = a.dx / norm;
      const uy = -a.dy / norm;
      const [x0, y0] = this.toPixel(scene.window, a.x, a.y);
      arrow(
        ctx,
        x0 - (ux * length) / 2,
        y0 - (uy * length) / 2,
        x0 + (ux * length) / 2,
        y0 + (uy * length) / 2,
      );
    }
  }

  private drawAxes(ctx: CanvasRenderingContext2D, window: Window2): void {
    const plot = this.plot;
    ctx.strokeStyle = "#555";
    ctx.lineWidth = 1;
    ctx.strokeRect(plot.left, plot.top, plot.width, plot.height);
    ctx.fillStyle = "#333";
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of ticks(window.x[0], window.x[1], 6)) {
      const [px] = this.toPixel(window, t, window.y[0]);
      ctx.fillText(shortNumber(t), px, plot.top + plot.height + 4);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of ticks(window.y[0], window.y[1], 6)) {
      const [, py] = this.toPixel(window, window.x[0], t);
      ctx.fillText(shortNumber(t), plot.left - 4, py);
    }
  }

  private drawPath(run: PathRun, scene: MapScene): void {
    const t = run.trajectory;
    if (t === null) return;
    const ctx = this.context;
    const last = Math.min(scene.cursor, t.stepsRun);
    ctx.strokeStyle = run.color;
    ctx.fillStyle = run.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(run.dash as number[]);
    ctx.beginPath();
    for (let k = 0; k <= last; k++) {
      const [px, py] = this.toPixel(scene.window, t.iterates[2 * k], t.iterates[2 * k + 1]);
      if (k === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    // One path for all the dots and one fill: a fill per dot cost 70% of an update (profiled).
    ctx.beginPath();
    if (last <= 400) {
      for (let k = 1; k < last; k++) {
        const [px, py] = this.toPixel(scene.window, t.iterates[2 * k], t.iterates[2 * k + 1]);
        ctx.moveTo(px + 2, py);
        ctx.arc(px, py, 2, 0, 2 * Math.PI);
      }
    }
    const [px, py] = this.toPixel(scene.window, t.iterates[2 * last], t.iterates[2 * last + 1]);
    ctx.moveTo(px + 4.5, py);
    ctx.arc(px, py, 4.5, 0, 2 * Math.PI);
    ctx.fill();
  }

  /** "diverged at step k" beside the last accepted iterate, once the timeline reaches it. */
  /**
   * A ✕ in the run's colour at its last accepted iterate (held inside the plot when that iterate is
   * outside it), and "label: diverged at step k" in a list at the plot's top left, one row per run.
   */
  private drawDivergence(run: PathRun, scene: MapScene, row: number): boolean {
    const t = run.trajectory;
    if (t === null || t.divergence === null || scene.cursor < t.stepsRun) return false;
    const ctx = this.context;
    const plot = this.plot;
    let [px, py] = this.toPixel(scene.window, t.iterates[2 * t.stepsRun], t.iterates[2 * t.stepsRun + 1]);
    px = Math.max(plot.left + 8, Math.min(plot.left + plot.width - 8, px));
    py = Math.max(plot.top + 8, Math.min(plot.top + plot.height - 8, py));
    const cross = (color: string, width: number) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(px - 6, py - 6);
      ctx.lineTo(px + 6, py + 6);
      ctx.moveTo(px + 6, py - 6);
      ctx.lineTo(px - 6, py + 6);
      ctx.stroke();
    };
    cross("#ffffff", 5);
    cross(run.color, 2.5);
    ctx.font = "bold 12px sans-serif";
    const text = `✕ ${run.label}: diverged at step ${t.divergence.step}`;
    const width = ctx.measureText(text).width;
    const tx = plot.left + 6;
    const ty = plot.top + 6 + 17 * row;
    ctx.fillStyle = "rgba(255,255,255,0.9)";
    ctx.fillRect(tx - 3, ty - 1, width + 6, 16);
    ctx.fillStyle = DIVERGENCE_COLOR;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(text, tx, ty + 1);
    ctx.fillStyle = run.color;
    ctx.fillText("✕", tx, ty + 1);
    return true;
  }

  private drawStart(scene: MapScene): void {
    const ctx = this.context;
    const [px, py] = this.toPixel(scene.window, scene.start[0], scene.start[1]);
    ctx.fillStyle = "#ffffff";
    ctx.strokeStyle = "#000000";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px, py, 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }

  /** Glyphs at the current iterate: −g (grey), the next step (the path's colour), state vectors (thin). */
  private drawInternals(internals: Internals, run: PathRun, scene: MapScene): void {
    const ctx = this.context;
    const [px, py] = this.toPixel(scene.window, internals.point[0], internals.point[1]);
    const plot = this.plot;
    const reach = 0.12 * Math.min(plot.width, plot.height);
    const drawVector = (v: readonly [number, number], color: string, width: number, dash: number[]) => {
      const norm = Math.hypot(v[0], v[1]);
      if (!(norm > 0) || !Number.isFinite(norm)) return;
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = width;
      ctx.setLineDash(dash);
      arrow(ctx, px, py, px + (reach * v[0]) / norm, py - (reach * v[1]) / norm);
      ctx.setLineDash([]);
    };
    drawVector([-internals.gradient[0], -internals.gradient[1]], "rgba(40,40,40,0.9)", 1.5, [3, 2]);
    if (internals.step) {
      // The real step, to scale on the map.
      const [qx, qy] = this.toPixel(
        scene.window,
        internals.point[0] + internals.step[0],
        internals.point[1] + internals.step[1],
      );
      ctx.strokeStyle = run.color;
      ctx.fillStyle = run.color;
      ctx.lineWidth = 3;
      arrow(ctx, px, py, qx, qy);
    }
    for (const vector of internals.vectors) {
      if (vector.name === "v" || vector.name === "h" || vector.name === "√v̂") continue;
      drawVector(vector.value, run.color, 1, [1, 2]);
    }
  }

  private pointerDown(event: PointerEvent): void {
    if (this.scene === null) return;
    this.canvas.setPointerCapture(event.pointerId);
    this.pointers.set(event.pointerId, { x: event.offsetX, y: event.offsetY });
    clearTimeout(this.longPress);
    if (this.pointers.size === 2) {
      // Two fingers: pinch to zoom about their midpoint; no start is set.
      const [p, q] = [...this.pointers.values()];
      this.pinch = {
        distance: Math.max(1, Math.hypot(p.x - q.x, p.y - q.y)),
        window: this.scene.window,
        x: (p.x + q.x) / 2,
        y: (p.y + q.y) / 2,
      };
      this.drag = null;
      return;
    }
    const [sx, sy] = this.toPixel(this.scene.window, this.scene.start[0], this.scene.start[1]);
    const nearStart =
      Math.hypot(event.offsetX - sx, event.offsetY - sy) < (event.pointerType === "mouse" ? 12 : 22);
    this.drag = {
      mode: nearStart ? "start" : "pending",
      x: event.offsetX,
      y: event.offsetY,
      window: this.scene.window,
    };
    if (!nearStart && event.pointerType !== "mouse") {
      // A long press is the deliberate gesture that sets the start on a touch screen.
      const { offsetX, offsetY } = event;
      this.longPress = window.setTimeout(() => {
        if (this.drag?.mode !== "pending" || this.scene === null) return;
        this.drag.mode = "done";
        const [x, y] = this.toWorld(this.scene.window, offsetX, offsetY);
        this.callbacks.onStart(x, y, true);
      }, LONG_PRESS_MS);
    }
  }

  private pointerMove(event: PointerEvent): void {
    if (this.pointers.has(event.pointerId))
      this.pointers.set(event.pointerId, { x: event.offsetX, y: event.offsetY });
    if (this.scene === null) return;
    if (this.pinch && this.pointers.size >= 2) {
      const [p, q] = [...this.pointers.values()];
      const factor = this.pinch.distance / Math.max(1, Math.hypot(p.x - q.x, p.y - q.y));
      const w = this.pinch.window;
      const [cx, cy] = this.toWorld(w, this.pinch.x, this.pinch.y);
      this.callbacks.onWindow({
        x: [cx + (w.x[0] - cx) * factor, cx + (w.x[1] - cx) * factor],
        y: [cy + (w.y[0] - cy) * factor, cy + (w.y[1] - cy) * factor],
      });
      return;
    }
    const drag = this.drag;
    if (drag === null) return;
    if (drag.mode === "start") {
      const [x, y] = this.toWorld(this.scene.window, event.offsetX, event.offsetY);
      this.callbacks.onStart(x, y, false);
      return;
    }
    if (drag.mode === "pending" && Math.hypot(event.offsetX - drag.x, event.offsetY - drag.y) > 6) {
      drag.mode = "pan";
      clearTimeout(this.longPress);
    }
    if (drag.mode === "pan") {
      const plot = this.plot;
      const w = drag.window;
      const dx = (-(event.offsetX - drag.x) / plot.width) * (w.x[1] - w.x[0]);
      const dy = ((event.offsetY - drag.y) / plot.height) * (w.y[1] - w.y[0]);
      this.callbacks.onWindow({ x: [w.x[0] + dx, w.x[1] + dx], y: [w.y[0] + dy, w.y[1] + dy] });
    }
  }

  private pointerUp(event: PointerEvent, cancelled = false): void {
    this.pointers.delete(event.pointerId);
    clearTimeout(this.longPress);
    if (this.pinch) {
      if (this.pointers.size === 0) this.pinch = null;
      return;
    }
    const drag = this.drag;
    this.drag = null;
    if (drag === null || this.scene === null || cancelled) return;
    // A plain click or tap sets the start only in "set start" mode: a stray click never moves it.
    if (drag.mode === "start" || (drag.mode === "pending" && this.armed)) {
      const [x, y] = this.toWorld(this.scene.window, event.offsetX, event.offsetY);
      this.callbacks.onStart(x, y, true);
      if (drag.mode === "pending") {
        this.armed = false;
        this.callbacks.onArmed?.(false);
      }
    }
  }

  /** Arrow keys nudge the start by 1 % of the window (Shift: 10 %); + and − zoom. */
  private key(event: KeyboardEvent): void {
    if (this.scene === null) return;
    const w = this.scene.window;
    const share = event.shiftKey ? 0.1 : 0.01;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, 1],
      ArrowDown: [0, -1],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      const [x, y] = this.scene.start;
      this.callbacks.onStart(
        x + move[0] * share * (w.x[1] - w.x[0]),
        y + move[1] * share * (w.y[1] - w.y[0]),
        true,
      );
    } else if (event.key === "+" || event.key === "=") {
      event.preventDefault();
      this.zoom(1 / 1.5);
    } else if (event.key === "-") {
      event.preventDefault();
      this.zoom(1.5);
    }
  }

  private wheel(event: WheelEvent): void {
    if (this.scene === null) return;
    event.preventDefault();
    const factor = event.deltaY > 0 ? 1.15 : 1 / 1.15;
    this.zoom(factor, event.offsetX, event.offsetY);
  }

  /** Zooms by `factor` (> 1 zooms out) around a pixel, or the centre. */
  zoom(factor: number, px?: number, py?: number): void {
    if (this.scene === null) return;
    const w = this.scene.window;
    const plot = this.plot;
    const [cx, cy] = this.toWorld(w, px ?? plot.left + plot.width / 2, py ?? plot.top + plot.height / 2);
    this.callbacks.onWindow({
      x: [cx + (w.x[0] - cx) * factor, cx + (w.x[1] - cx) * factor],
      y: [cy + (w.y[0] - cy) * factor, cy + (w.y[1] - cy) * factor],
    });
  }

  /** The map as one picture (background and paths), for PNG and GIF exports. */
  snapshot(): HTMLCanvasElement {
    const out = document.createElement("canvas");
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext("2d") as CanvasRenderingContext2D;
    ctx.drawImage(this.backgroundCanvas, 0, 0);
    ctx.drawImage(this.canvas, 0, 0);
    return out;
  }

  /** The landscape's sampled grid (for the 3D view and tests). */
  get sample(): SampledLandscape | null {
    return this.sampled;
  }
}

/** A line from (x0, y0) to (x1, y1) with a filled head. Uses the current stroke and fill styles. */
export function arrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (length < 0.5) return;
  const head = Math.min(7, 0.4 * length);
  const ux = (x1 - x0) / length;
  const uy = (y1 - y0) / length;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - ux * head * 0.6, y1 - uy * head * 0.6);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * head - uy * head * 0.45, y1 - uy * head + ux * head * 0.45);
  ctx.lineTo(x1 - ux * head + uy * head * 0.45, y1 - uy * head - ux * head * 0.45);
  ctx.closePath();
  ctx.fill();
}
