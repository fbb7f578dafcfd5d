import * as Plot from "@observablehq/plot";
import type { LandscapeSlice } from "../lab/landscape-slice.js";
import { legendPanel } from "./legend.js";
import { lineStyle, optimizerIdOfLabel, optimizerStyles } from "./palette.js";
import { composeFigure } from "./svg.js";

const WIDTH = 520;
const HEIGHT = 480;

/** log10 of the loss, the contours' scale (a slice spans orders of magnitude between θ* and the walls). */
function logLoss(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.log10(value) : Number.NaN;
}

/**
 * The real network's loss landscape (`optlab figure mnist-landscape`): filled contours of log10 L(α, β) on the
 * slice, every optimizer's projected trajectory with a marker per snapshot, a ring at the shared start and a
 * square at each end. `settings` states what was trained (network, batch, updates, seed, data).
 */
export function mnistLandscapeFigure(document: Document, slice: LandscapeSlice, settings: string): string {
  const ids = slice.paths.map((p) => optimizerIdOfLabel(p.label.replace(/^\d+\.\s*/, "")));
  const styles = optimizerStyles(ids);
  const nx = slice.alphas.length;
  const ny = slice.betas.length;
  const dx = (slice.alphas[nx - 1] - slice.alphas[0]) / (nx - 1);
  const dy = (slice.betas[ny - 1] - slice.betas[0]) / (ny - 1);
  const marks: Plot.Markish[] = [
    Plot.contour(slice.values.map(logLoss), {
      width: nx,
      height: ny,
      // Grid values sit at cell centres.
      x1: slice.alphas[0] - dx / 2,
      x2: slice.alphas[nx - 1] + dx / 2,
      y1: slice.betas[0] - dy / 2,
      y2: slice.betas[ny - 1] + dy / 2,
      value: (d: number) => d,
      fill: "value",
      stroke: "#ffffff",
      strokeOpacity: 0.5,
      strokeWidth: 0.5,
      thresholds: 14,
      clip: true,
    } as never),
    Plot.frame({ stroke: "#999" }),
  ];
  const legend: { label: string; style: (typeof styles)[number] }[] = [];
  slice.paths.forEach((path, k) => {
    const style = styles[k];
    legend.push({ label: path.label, style });
    const rows = path.points.map(([x, y], s) => ({ x, y, s }));
    marks.push(
      Plot.line(rows, { x: "x", y: "y", ...lineStyle(style, 2.2) }),
      Plot.dot(rows.slice(1), { x: "x", y: "y", symbol: style.marker, r: 3, fill: style.color }),
      Plot.dot(rows.slice(-1), {
        x: "x",
        y: "y",
        symbol: "square",
        r: 5.5,
        stroke: "#000",
        fill: style.color,
      }),
    );
  });
  const start = slice.paths[0]?.points[0];
  if (start)
    marks.push(
      Plot.dot([{ x: start[0], y: start[1] }], { x: "x", y: "y", r: 6, stroke: "#000", fill: "#fff" }),
    );
  const plot = Plot.plot({
    document,
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 52,
    marginBottom: 40,
    x: {
      label: slice.mode === "plane" ? "α (towards the start)" : "α (direction 1)",
      labelAnchor: "center",
      labelArrow: "none",
    },
    y: {
      label: slice.mode === "plane" ? "β (towards the other end)" : "β (direction 2)",
      labelAnchor: "center",
      labelArrow: "none",
    },
    color: { scheme: "viridis", legend: false, label: "log10 loss" },
    marks,
  });
  const finite = slice.values.filter(Number.isFinite);
  const directions =
    slice.mode === "random"
      ? "two filter-normalised Gaussian directions (Li et al. 2018; biases 0), to which every trajectory is nearly orthogonal, so the paths' projections stay near the centre"
      : `the plane through the shared start, ${slice.reference}'s end and the last run's end`;
  return composeFigure({
    id: "mnist-landscape",
    title: `The network's loss landscape around ${slice.reference}'s final weights, every run projected onto the same plane`,
    subtitle: [
      settings,
      `Slice: ${directions}; loss on ${slice.evaluationImages} training images over a ${nx} × ${ny} grid; colour log10 loss from ${Math.min(...finite).toPrecision(3)} to ${Math.max(...finite).toPrecision(3)} (viridis, dark = low). Ring: the shared start; squares: the ends; markers: snapshots.`,
    ],
    panels: [{ svg: plot.outerHTML, width: WIDTH, height: HEIGHT }, legendPanel(legend, 220)],
  });
}
