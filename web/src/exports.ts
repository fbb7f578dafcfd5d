/**
 * Exports of the current view: SVG through the library's own figure (`renderFigure`, the same figure
 * `optlab experiment` writes), PNG from the canvas, an animated GIF (gifenc) of the timeline, and the
 * data as CSV and JSON.
 */
import { applyPalette, GIFEncoder, quantize } from "gifenc";
import { type ExperimentRun, runExperiment } from "../../src/lab/index.js";
import { renderFigure, trajectoryCsv } from "../../src/plot/index.js";
import type { PathRun } from "./compute.js";
import { download } from "./dom.js";

/** The experiment's trajectories figure as SVG text, drawn by Observable Plot in this page's document. */
export function figureSvg(experimentRun: ExperimentRun): string {
  return renderFigure(experimentRun, document).svg;
}

export function exportSvg(experiment: Parameters<typeof runExperiment>[0]): void {
  const run = runExperiment(experiment);
  download("optlab-playground.svg", figureSvg(run), "image/svg+xml");
}

export function exportCsv(experiment: Parameters<typeof runExperiment>[0]): void {
  const run = runExperiment(experiment);
  download("optlab-playground.csv", trajectoryCsv([{ label: "playground", runs: run.runs }]), "text/csv");
}

/** The trajectories as JSON: per optimizer its label, settings, iterates, losses and divergence. */
export function trajectoriesJson(runs: readonly PathRun[]): string {
  return JSON.stringify(
    runs.map((run) => ({
      label: run.label,
      optimizer: run.entry.id,
      hp: run.optimizer?.hp ?? run.entry.hp,
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
