/**
 * Exports of the current view: SVG through the library's own figure (`renderFigure`, the same figure
 * `optlab experiment` writes), PNG from the canvas, an animated GIF (gifenc) of the timeline, and the
 * data as CSV and JSON.
 */
import { applyPalette, GIFEncoder, quantize } from "gifenc";
import { type ExperimentRun, type MapCell, OUTCOME_RULE, runExperiment } from "../../src/lab/index.js";
import {
  composeFigure,
  legendPanel,
  outcomeMapPanel,
  renderFigure,
  trajectoryCsv,
} from "../../src/plot/index.js";
import type { PathRun } from "./compute.js";
import { download } from "./dom.js";
import { OUTCOME_COLORS, type StabilityMap } from "./stability.js";

/** The experiment's trajectories figure as SVG text, drawn by Observable Plot in this page's document. */
export function figureSvg(experimentRun: ExperimentRun): string {
  return renderFigure(experimentRun, document).svg;
}

export function exportSvg(experiment: Parameters<typeof runExperiment>[0]): void {
  const run = runExperiment(experiment);
  download("optlab-playground.svg", figureSvg(run), "image/svg+xml");
}

/** The stability map as the CLI's outcome-map figure (same panel, colours and rule), with its settings. */
export function stabilitySvg(
  cells: readonly MapCell[],
  map: StabilityMap,
  settings: string,
  label: string,
): string {
  const panel = outcomeMapPanel(document, cells, {
    title: `${label}: ${map.xSpec.name} × ${map.ySpec?.name ?? "—"}`,
    xLabel: map.xSpec.name,
    yLabel: map.ySpec?.name ?? "",
    logX: map.xSpec.scale === "log",
    width: 520,
    height: 420,
  });
  const legend = legendPanel(
    (["converged", "slow", "diverged"] as const).map((outcome) => ({
      label: outcome,
      style: { color: OUTCOME_COLORS[outcome], marker: "square" as const, dash: "none" as const },
    })),
    160,
  );
  return composeFigure({
    id: "stability",
    title: `Stability map of ${label}`,
    subtitle: [settings, `Tolerance 1e-3. ${OUTCOME_RULE}.`],
    panels: [panel, legend],
  });
}

export function exportCsv(experiment: Parameters<typeof runExperiment>[0]): void {
  const run = runExperiment(experiment);
  download("optlab-playground.csv", trajectoryCsv([{ label: "playground", runs: run.runs }]), "text/csv");
}

/** The trajectories as JSON: per optimizer its label, settings, schedule and lr, iterates, losses and divergence. */
export function trajectoriesJson(runs: readonly PathRun[]): string {
  return JSON.stringify(
    runs.map((run) => ({
      label: run.label,
      optimizer: run.entry.id,
      hp: run.optimizer?.hp ?? run.entry.hp,
      // The schedule in full (defaults and the run's lr and steps filled in) and the lr each step used.
      schedule: run.schedule?.spec ?? null,
      lr: run.trajectory?.lr ? Array.from(run.trajectory.lr) : null,
      error: run.error,
      iterates: run.trajectory
        ? Array.from({ length: run.trajectory.stepsRun + 1 }, (_, k) => [
            run.trajectory?.iterates[2 * k],
            run.trajectory?.iterates[2 * k + 1],
          ])
        : [],
      loss: run.trajectory ? Array.from(run.trajectory.loss) : [],
      gradNorm: run.trajectory ? Array.from(run.trajectory.gradNorm) : [],
      divergence: run.trajectory?.divergence ?? null,
    })),
    null,
    1,
  );
}

export function exportPng(canvas: HTMLCanvasElement, name: string): void {
  canvas.toBlob((blob) => blob && download(name, blob));
}

/** One legend row of an exported picture: a line in the series' colour and dash, its label and a note. */
export interface LegendRow {
  readonly label: string;
  readonly color: string;
  readonly dash: readonly number[];
  readonly note: string;
}

const PAD = 14;
const TITLE_PX = 17;
const TEXT_PX = 12;
const ROW_PX = 20;

/**
 * An exported picture: the title and the settings on top, the view's pictures (one, or a grid of panels with
 * their titles) and a legend area at the bottom (one row per series, its final value). What the PNG and every
 * GIF frame carry, so a picture shown without the page still says what it shows.
 */
export function composePicture(options: {
  readonly title: string;
  readonly settings: string;
  readonly pictures: readonly {
    readonly canvas: HTMLCanvasElement;
    readonly title?: string;
    readonly color?: string;
  }[];
  readonly columns?: number;
  readonly legend: readonly LegendRow[];
  /** Device pixels per CSS pixel of the pictures (text is drawn at this scale). */
  readonly ratio?: number;
}): HTMLCanvasElement {
  const r = options.ratio ?? 1;
  const columns = Math.max(1, Math.min(options.columns ?? 1, options.pictures.length));
  const rows = Math.ceil(options.pictures.length / columns);
  const cellW = Math.max(1, ...options.pictures.map((p) => p.canvas.width));
  const cellH = Math.max(1, ...options.pictures.map((p) => p.canvas.height));
  const panelTitle = options.pictures.some((p) => p.title) ? (TEXT_PX + 8) * r : 0;
  const width = Math.max(columns * cellW + 2 * PAD * r, 480 * r);
  const measure = document.createElement("canvas").getContext("2d") as CanvasRenderingContext2D;
  measure.font = `${TEXT_PX * r}px sans-serif`;
  const wrap = (text: string, max: number) => {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
      const next = line === "" ? word : `${line} ${word}`;
      if (measure.measureText(next).width > max && line !== "") {
        lines.push(line);
        line = word;
      } else line = next;
    }
    if (line !== "") lines.push(line);
    return lines;
  };
  const settings = wrap(options.settings, width - 2 * PAD * r);
  const head = PAD * r + TITLE_PX * 1.4 * r + settings.length * TEXT_PX * 1.4 * r + 6 * r;
  const legendTop = head + rows * (cellH + panelTitle) + 8 * r;
  const height = legendTop + (options.legend.length * ROW_PX + PAD) * r;
  const out = document.createElement("canvas");
  out.width = Math.round(width);
  out.height = Math.round(height);
  const ctx = out.getContext("2d") as CanvasRenderingContext2D;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = "#111";
  ctx.textBaseline = "top";
  ctx.font = `bold ${TITLE_PX * r}px sans-serif`;
  ctx.fillText(options.title, PAD * r, PAD * r, width - 2 * PAD * r);
  ctx.font = `${TEXT_PX * r}px sans-serif`;
  ctx.fillStyle = "#333";
  settings.forEach((line, i) => {
    ctx.fillText(line, PAD * r, PAD * r + TITLE_PX * 1.4 * r + i * TEXT_PX * 1.4 * r);
  });
  options.pictures.forEach((picture, i) => {
    const x = PAD * r + (i % columns) * cellW;
    const y = head + Math.floor(i / columns) * (cellH + panelTitle);
    if (picture.title) {
      ctx.fillStyle = picture.color ?? "#111";
      ctx.font = `bold ${TEXT_PX * r}px sans-serif`;
      ctx.fillText(picture.title, x + 4 * r, y + 2 * r, cellW - 8 * r);
    }
    ctx.drawImage(picture.canvas, x, y + panelTitle);
  });
  // The legend area: a rule, then one row per series.
  ctx.strokeStyle = "#cccccc";
  ctx.lineWidth = r;
  ctx.beginPath();
  ctx.moveTo(PAD * r, legendTop - 4 * r);
  ctx.lineTo(width - PAD * r, legendTop - 4 * r);
  ctx.stroke();
  options.legend.forEach((row, i) => {
    const y = legendTop + (i * ROW_PX + ROW_PX / 2) * r;
    ctx.strokeStyle = row.color;
    ctx.lineWidth = 3 * r;
    ctx.setLineDash(row.dash.map((d) => d * r));
    ctx.beginPath();
    ctx.moveTo(PAD * r, y);
    ctx.lineTo((PAD + 36) * r, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = row.color;
    ctx.fillRect((PAD + 13) * r, y - 5 * r, 10 * r, 10 * r);
    ctx.fillStyle = "#111";
    ctx.font = `${TEXT_PX * r}px sans-serif`;
    ctx.textBaseline = "middle";
    ctx.fillText(`${row.label}   ${row.note}`, (PAD + 46) * r, y, width - (2 * PAD + 46) * r);
  });
  ctx.textBaseline = "top";
  return out;
}

/**
 * An animated GIF of the timeline: `drawFrame(k)` draws step k and returns the picture; frames are
 * scaled to a fixed width and quantised to 128 colours each.
 */
export function encodeGif(
  frames: number,
  drawFrame: (k: number) => HTMLCanvasElement,
  size = 420,
): Uint8Array {
  const scratch = document.createElement("canvas");
  const first = drawFrame(0);
  const aspect = first.height / Math.max(1, first.width);
  scratch.width = size;
  scratch.height = Math.round(size * aspect);
  const ctx = scratch.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
  const gif = GIFEncoder();
  const stride = Math.max(1, Math.ceil(frames / 120));
  const steps: number[] = [];
  for (let k = 0; k < frames; k += stride) steps.push(k);
  steps.push(frames);
  for (const k of steps) {
    const canvas = drawFrame(k);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, scratch.width, scratch.height);
    ctx.drawImage(canvas, 0, 0, scratch.width, scratch.height);
    const { data } = ctx.getImageData(0, 0, scratch.width, scratch.height);
    const palette = quantize(data, 128);
    gif.writeFrame(applyPalette(data, palette), scratch.width, scratch.height, {
      palette,
      delay: k === frames ? 1500 : 60,
    });
  }
  gif.finish();
  return gif.bytes();
}
