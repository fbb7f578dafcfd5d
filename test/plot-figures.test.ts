/**
 * Figure snapshots: each figure is one named function whose name is its snapshot file,
 * test/snapshots/NAME.svg. A mismatch writes NAME-changed.svg beside it (git-ignored) and fails;
 * UPDATE_SNAPSHOTS=1 rewrites the snapshots. A missing snapshot is written, except under CI.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExperiment, runExperiment } from "../src/lab/experiment.js";
import type { TimingReport } from "../src/lab/timing.js";
import { renderFigure } from "../src/plot/figures.js";
import { sampleGrid } from "../src/plot/grid.js";
import { legendPanel } from "../src/plot/legend.js";
import { seriesStyle } from "../src/plot/palette.js";
import { planarPanel } from "../src/plot/planar.js";
import { seriesPanel } from "../src/plot/series.js";
import { sampleSurface, surfacePanel } from "../src/plot/surface.js";
import { composeFigure } from "../src/plot/svg.js";
import { timingFigure } from "../src/plot/timing.js";
import { createDocument } from "../src/report/dom.js";

const SNAPSHOTS = join(import.meta.dirname, "snapshots");

function assertSnapshot(name: string, svg: string): void {
  const expectedPath = join(SNAPSHOTS, `${name}.svg`);
  const changedPath = join(SNAPSHOTS, `${name}-changed.svg`);
  mkdirSync(SNAPSHOTS, { recursive: true });
  if (process.env.UPDATE_SNAPSHOTS === "1" || (!existsSync(expectedPath) && !process.env.CI)) {
    writeFileSync(expectedPath, svg);
    rmSync(changedPath, { force: true });
    return;
  }
  const expected = existsSync(expectedPath) ? readFileSync(expectedPath, "utf8") : "";
  if (expected === svg) {
    rmSync(changedPath, { force: true });
    return;
  }
  writeFileSync(changedPath, svg);
  expect.fail(`${name}.svg differs from its snapshot; see ${changedPath} (UPDATE_SNAPSHOTS=1 accepts it)`);
}

const quadratic = (x: number, y: number) => (x * x) / 20 + y * y;
const window = { x: [-10, 10], y: [-10, 10] } as const;
const smallGrid = () => sampleGrid(quadratic, [-10, 10], [-5, 5], 40, 20);

/** SGD on f = x²/20 + y²: x ← x − lr·x/10, y ← y − lr·2y. */
function sgdPath(lr: number, steps: number): [number, number][] {
  const points: [number, number][] = [[-7, 2]];
  for (let k = 0; k < steps; k++) {
    const [x, y] = points[k];
    points.push([x - (lr * x) / 10, y - lr * 2 * y]);
  }
  return points;
}

function sgdZigZagPanel(document: Document): string {
  const panel = planarPanel(document, {
    title: "SGD lr=0.95",
    window,
    grid: smallGrid(),
    levels: [1, 3, 5, 7],
    paths: [{ series: { label: "SGD lr=0.95", points: sgdPath(0.95, 12) }, style: seriesStyle(0) }],
    minima: [{ x: 0, y: 0 }],
    width: 240,
    height: 220,
  });
  return composeFigure({
    id: "sgdZigZagPanel",
    title: "SGD zig-zags",
    subtitle: ["12 steps from (−7, 2)"],
    panels: [panel],
  });
}

function divergedPathPanel(document: Document): string {
  const points = sgdPath(11, 5); // |y| grows 21× a step; the run is cut at step 6
  const panel = planarPanel(document, {
    window,
    grid: smallGrid(),
    levels: [1, 4, 7],
    paths: [{ series: { label: "SGD lr=11", points, divergence: { step: 6 } }, style: seriesStyle(1) }],
    minima: [{ x: 0, y: 0 }],
    width: 240,
    height: 220,
  });
  return composeFigure({ id: "divergedPathPanel", title: "SGD lr=11 diverges", panels: [panel] });
}

function gradientArrowsPanel(document: Document): string {
  const arrows = [];
  for (let j = 0; j < 5; j++) {
    for (let i = 0; i < 5; i++) {
      const x = -8 + 4 * i;
      const y = -8 + 4 * j;
      arrows.push({ x, y, u: -x / 10, v: -2 * y });
    }
  }
  const panel = planarPanel(document, { window, arrows, minima: [{ x: 0, y: 0 }], width: 240, height: 220 });
  return composeFigure({ id: "gradientArrowsPanel", title: "−∇f on a 5 × 5 grid", panels: [panel] });
}

function lossSeriesPanel(document: Document): string {
  const converging = sgdPath(0.95, 10).map(([x, y]) => quadratic(x, y));
  const diverging = sgdPath(11, 4).map(([x, y]) => quadratic(x, y));
  const { panel } = seriesPanel(document, {
    title: "f(x_k)",
    yLabel: "f (log)",
    series: [
      { series: { label: "lr 0.95", values: converging }, style: seriesStyle(0) },
      { series: { label: "lr 11", values: diverging, divergence: { step: 5 } }, style: seriesStyle(1) },
    ],
    width: 300,
    height: 220,
  });
  const legend = legendPanel(
    [
      { label: "lr 0.95", style: seriesStyle(0) },
      { label: "lr 11", style: seriesStyle(1) },
    ],
    120,
  );
  return composeFigure({ id: "lossSeriesPanel", title: "Loss per step", panels: [panel, legend] });
}

function surfaceMesh(): string {
  const data = sampleSurface(quadratic, [-50, 50], [-50, 50], 6);
  const path = sgdPath(0.95, 4).map(([x, y]) => [x * 5, y * 5, quadratic(x * 5, y * 5)] as const);
  const panel = surfacePanel(data, { width: 320, height: 260, paths: [{ label: "sgd", points: path }] });
  return composeFigure({ id: "surfaceMesh", title: "A 6 × 6 surface", panels: [panel] });
}

function timingChart(document: Document): string {
  const spread = (m: number) => ({ median: m, q1: m * 0.9, q3: m * 1.2, min: m * 0.8, max: m * 3, n: 200 });
  const report: TimingReport = {
    landscapeId: "quadratic",
    start: [-7, 2],
    tolerance: 1e-3,
    warmup: 1,
    repetitions: 3,
    stepsPerRepetition: 10,
    runsPerRepetition: 2,
    maxSteps: 100,
    timings: [
      {
        optimizerId: "sgd",
        label: "SGD lr=0.95",
        settings: "sgd: lr=0.95",
        stepNs: spread(10),
        iterationNs: spread(15),
        stepsToTolerance: 43,
        timeToToleranceUs: spread(1),
      },
      {
        optimizerId: "adam",
        label: "Adam lr=0.3",
        settings: "adam: lr=0.3",
        stepNs: spread(40),
        iterationNs: spread(50),
        stepsToTolerance: null,
        timeToToleranceUs: null,
      },
    ],
  };
  return timingFigure(document, report, "timingChart", "Timing (made-up numbers)", ["two optimizers"]);
}

/** The whole path from an experiment document through the optimizer library to a figure. */
function experimentOverlay(document: Document): string {
  const experiment = parseExperiment({
    figure: "trajectories",
    id: "experimentOverlay",
    function: "quadratic",
    start: [-7, 2],
    steps: 8,
    optimizers: ["sgd:lr=0.95", "momentum:lr=0.1"],
    layout: "overlay",
    window: { x: [-8, 2], y: [-3, 3] },
    contour: { step: 0.5, maskAbove: 7 },
  });
  return renderFigure(runExperiment(experiment), document).svg;
}

const figures: ((document: Document) => string)[] = [
  sgdZigZagPanel,
  divergedPathPanel,
  gradientArrowsPanel,
  lossSeriesPanel,
  surfaceMesh,
  timingChart,
  experimentOverlay,
];

describe("figure snapshots", () => {
  for (const figure of figures) {
    it(`${figure.name} matches its snapshot`, () => {
      const svg = figure(createDocument());
      expect(svg).not.toMatch(/NaN|Infinity|\de[+-]\d{3}/);
      assertSnapshot(figure.name, svg);
    });
  }

  it("renders the same SVG twice in one process (no global counters leak into ids)", () => {
    const document = createDocument();
    expect(sgdZigZagPanel(document)).toBe(sgdZigZagPanel(document));
  });

  it("states divergence on the figure with its step", () => {
    expect(divergedPathPanel(createDocument())).toContain("diverged at step 6");
    expect(lossSeriesPanel(createDocument())).toContain("diverged at step 5");
  });
});
