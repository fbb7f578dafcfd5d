/**
 * Step charts (loss, distance to the minimum, gradient norm) on a log axis with the timeline's cursor.
 * Hand-drawn on a canvas, not with Observable Plot: they are redrawn on every slider move and every
 * playback frame, and building an SVG DOM of 3 charts × 6 series per frame would blow the 16 ms budget.
 */
import { fitCanvas } from "./dom.js";

export interface ChartSeries {
  readonly values: ArrayLike<number> | null;
  readonly color: string;
  readonly dash: readonly number[];
  /** The step at which the series diverged (a marker is drawn at its end), or null. */
  readonly divergedAt: number | null;
  /** The step of values[0] (default 0). Non-finite values are skipped. */
  readonly offset?: number;
  /** Draw a dot at every finite value (for sparse series such as periodic evaluations). */
  readonly dots?: boolean;
}

const MARGIN = { left: 46, right: 8, top: 18, bottom: 20 };
/** Values at or below this are drawn at it (log axis). */
const FLOOR = 1e-16;

export class StepChart {
  private readonly context: CanvasRenderingContext2D;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly title: string,
  ) {
    this.context = canvas.getContext("2d") as CanvasRenderingContext2D;
  }

  /** The chart without its cursor, kept while the data stays the same (playback only moves the cursor). */
  private cache: {
    canvas: HTMLCanvasElement;
    key: string;
    cursorX: (k: number) => number;
    top: number;
    bottom: number;
  } | null = null;

  /**
   * Draws the series and the cursor. `version` names the data: when it and the size are unchanged, the
   * cached drawing is reused and only the cursor is drawn again.
   */
  draw(
    series: readonly ChartSeries[],
    steps: number,
    cursor: number,
    title = this.title,
    version?: number,
  ): void {
    const { width, height, ratio } = fitCanvas(this.canvas);
    const ctx = this.context;
    const key = `${version}|${steps}|${width}x${height}@${ratio}|${title}`;
    if (version !== undefined && this.cache?.key === key) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.cache.canvas, 0, 0);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.drawCursor(this.cache.cursorX(cursor), this.cache.top, this.cache.bottom);
      return;
    }
    this.drawData(series, steps, title, width, height, ratio);
    if (version !== undefined && this.cache !== null) {
      const copy = this.cache.canvas;
      copy.width = this.canvas.width;
      copy.height = this.canvas.height;
      (copy.getContext("2d") as CanvasRenderingContext2D).drawImage(this.canvas, 0, 0);
      this.cache.key = key;
    }
    if (this.cache !== null) this.drawCursor(this.cache.cursorX(cursor), this.cache.top, this.cache.bottom);
  }

  private drawCursor(x: number, top: number, bottom: number): void {
    const ctx = this.context;
    ctx.strokeStyle = "rgba(0,0,0,0.6)";
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  private drawData(
    series: readonly ChartSeries[],
    steps: number,
    title: string,
    width: number,
    height: number,
    ratio: number,
  ): void {
    const ctx = this.context;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    const plot = {
      left: MARGIN.left,
      top: MARGIN.top,
      width: Math.max(1, width - MARGIN.left - MARGIN.right),
      height: Math.max(1, height - MARGIN.top - MARGIN.bottom),
    };
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    // The axis stops at 1e4 × the largest starting value, so one diverging run (1e23) does not squash
    // the others into a line; its curve leaves the top of the plot.
    let start = 0;
    for (const s of series)
      if (s.values !== null && s.values.length > 0 && Number.isFinite(s.values[0]))
        start = Math.max(start, s.values[0]);
    const ceiling = start > 0 ? 1e4 * start : Number.POSITIVE_INFINITY;
    for (const s of series) {
      if (s.values === null) continue;
      for (let k = 0; k < s.values.length; k++) {
        const v = s.values[k];
        if (Number.isFinite(v)) {
          const c = Math.min(ceiling, Math.max(FLOOR, v));
          if (c < lo) lo = c;
          if (c > hi) hi = c;
        }
      }
    }
    ctx.fillStyle = "#222";
    ctx.font = "12px sans-serif";
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(title, plot.left, 2);
    const cursorX = (k: number) => plot.left + (k / Math.max(1, steps)) * plot.width;
    this.cache = {
      canvas: this.cache?.canvas ?? document.createElement("canvas"),
      key: "",
      cursorX,
      top: plot.top,
      bottom: plot.top + plot.height,
    };
    if (!(lo <= hi)) {
      ctx.fillStyle = "#777";
      ctx.fillText("no data", plot.left, plot.top + 10);
      return;
    }
    let top = Math.ceil(Math.log10(hi));
    let bottom = Math.floor(Math.log10(lo));
    if (top === bottom) top += 1;
    bottom = Math.max(bottom, top - 20);
    const x = (k: number) => plot.left + (k / Math.max(1, steps)) * plot.width;
    const y = (v: number) => {
      const l = Math.log10(Math.max(FLOOR, v));
      return plot.top + ((top - Math.max(bottom, l)) / (top - bottom)) * plot.height;
    };
    // Grid and axes.
    ctx.strokeStyle = "#e3e3e3";
    ctx.lineWidth = 1;
    ctx.fillStyle = "#444";
    ctx.font = "10px sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    const every = Math.max(1, Math.ceil((top - bottom) / 5));
    for (let e = bottom; e <= top; e += every) {
      const py = y(10 ** e);
      ctx.beginPath();
      ctx.moveTo(plot.left, py);
      ctx.lineTo(plot.left + plot.width, py);
      ctx.stroke();
      ctx.fillText(`1e${e}`.replace("-", "−"), plot.left - 3, py);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const k of [0, Math.round(steps / 2), steps]) {
      ctx.textAlign = k === 0 ? "left" : k === steps ? "right" : "center";
      ctx.fillText(String(k), x(k), plot.top + plot.height + 3);
    }
    ctx.strokeStyle = "#777";
    ctx.strokeRect(plot.left, plot.top, plot.width, plot.height);
    // Series.
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top - 2, plot.width, plot.height + 4);
    ctx.clip();
    for (const s of series) {
      if (s.values === null || s.values.length === 0) continue;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.6;
      ctx.setLineDash(s.dash as number[]);
      ctx.beginPath();
      const offset = s.offset ?? 0;
      let first = true;
      for (let k = 0; k < s.values.length; k++) {
        const v = s.values[k];
        if (!Number.isFinite(v)) continue;
        if (first) ctx.moveTo(x(k + offset), y(v));
        else ctx.lineTo(x(k + offset), y(v));
        first = false;
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (s.dots) {
        ctx.fillStyle = s.color;
        for (let k = 0; k < s.values.length; k++) {
          if (!Number.isFinite(s.values[k])) continue;
          ctx.beginPath();
          ctx.arc(x(k + offset), y(s.values[k]), 2.5, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
      if (s.divergedAt !== null) {
        const k = s.values.length - 1;
        ctx.fillStyle = s.color;
        ctx.font = "bold 12px sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText("✕", x(k), y(s.values[k]));
      }
    }
    ctx.restore();
  }
}
