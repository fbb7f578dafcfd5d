/**
 * Figure snapshots: each figure is one named function whose name is its snapshot file,
 * test/snapshots/NAME.svg. A mismatch writes NAME-changed.svg beside it (git-ignored) and fails;
 * UPDATE_SNAPSHOTS=1 rewrites the snapshots. A missing snapshot is written, except under CI.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CollectedRun,
  type EvaluationRecord,
  FIGURE_KINDS,
  type FigureKind,
  type LandscapeSlice,
  type MapCell,
  type OptimizerSummary,
  parseExperiment,
  type RunHeader,
  runExperiment,
  smoothCurve,
  type TimingReport,
} from "../src/lab/index.js";
import * as plot from "../src/plot/index.js";
import {
  composeFigure,
  curvesPanel,
  FIGURE_FUNCTIONS,
  type FigureFunctionName,
  legendPanel,
  mnistAccuracyFigure,
  mnistLandscapeFigure,
  mnistLossFigure,
  optimizerLegend,
  outcomeMapPanel,
  type Panel,
  planarPanel,
  profilePanel,
  renderFigure,
  sampleGrid,
  sampleSurface,
  sensitivityPanel,
  seriesPanel,
  seriesStyle,
  stepsToTargetPanel,
  surfacePanel,
  timingFigure,
} from "../src/plot/index.js";
import { createDocument } from "../src/report/index.js";

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

/** The other experiment kinds, each through `renderFigure` from a small experiment document. */
function experimentFigure(kind: FigureKind, extra: Record<string, unknown> = {}) {
  const fixture = (document: Document) =>
    renderFigure(
      runExperiment(
        parseExperiment({
          figure: kind,
          id: `experiment-${kind}`,
          function: "quadratic",
          start: [-7, 2],
          steps: 6,
          contour: { step: 0.5 },
          ...extra,
        }),
      ),
      document,
    ).svg;
  Object.defineProperty(fixture, "name", { value: `experiment-${kind}` });
  return fixture;
}

const EXPERIMENT_FIXTURES: Record<FigureKind, (document: Document) => string> = {
  trajectories: experimentOverlay,
  surface: experimentFigure("surface", { optimizers: ["sgd:lr=0.95"] }),
  "gradient-field": experimentFigure("gradient-field"),
  losses: experimentFigure("losses", { optimizers: ["sgd:lr=0.95", "adam:lr=0.3"] }),
  variants: experimentFigure("variants", {
    variants: [
      { label: "lr 0.1", optimizers: ["sgd:lr=0.1", "momentum:lr=0.1"] },
      { label: "lr 0.9", optimizers: ["sgd:lr=0.9", "momentum:lr=0.9"] },
    ],
  }),
};

/** A made-up paired MNIST run: two optimizers × two seeds, 300 updates, evaluations every 100. */
function mnistRun(): { runs: CollectedRun[]; header: RunHeader } {
  const header: RunHeader = {
    type: "run",
    version: 1,
    optimizers: ["sgd", "adam"],
    iterations: 300,
    batchSize: 128,
    seeds: [1, 2],
    evalEvery: 100,
    data: "mnist",
    engine: "reference",
    network: { hiddenSizes: [100, 100, 100, 100], activation: "relu", weightDecayLambda: 0 },
  };
  const runs = header.optimizers.flatMap((label, k) =>
    header.seeds.map((seed) => {
      const losses = Float64Array.from(
        { length: 300 },
        (_, i) => 2.3 * Math.exp(-(i + 1) / (60 - 25 * k)) + 0.01 * seed,
      );
      const evaluations: EvaluationRecord[] = [100, 200, 300].map((iteration) => ({
        type: "eval",
        seed,
        optimizer: label,
        iteration,
        testLoss: losses[iteration - 1],
        testAccuracy: 0.9 + 0.01 * k + iteration / 30000,
      }));
      return { label, seed, losses, smoothed: smoothCurve(losses), evaluations };
    }),
  );
  return { runs, header };
}

const mnistLoss = (document: Document) => {
  const { runs, header } = mnistRun();
  return mnistLossFigure(document, runs, header, "made-up curves");
};
const mnistAccuracy = (document: Document) => {
  const { runs, header } = mnistRun();
  return mnistAccuracyFigure(document, runs, header, "made-up curves") ?? "";
};

/** A made-up loss-landscape slice: a bowl on a 9 × 9 grid with two projected paths. */
const mnistLandscape = (document: Document) => {
  const alphas = Array.from({ length: 9 }, (_, i) => -1 + i / 4);
  const betas = alphas;
  const values = betas.flatMap((b) => alphas.map((a) => 0.1 + a * a + 2 * b * b));
  const slice: LandscapeSlice = {
    mode: "random",
    reference: "adam",
    alphas,
    betas,
    values,
    paths: [
      {
        label: "sgd",
        points: [
          [-0.9, 0.8],
          [-0.5, 0.3],
          [-0.1, 0.05],
        ],
      },
      {
        label: "adam",
        points: [
          [-0.9, 0.8],
          [-0.2, -0.1],
          [0, 0],
        ],
      },
    ],
    updates: [0, 100, 200],
    evaluationImages: 500,
  };
  return mnistLandscapeFigure(document, slice, "made-up slice");
};

/** Made-up study summaries: the fields the comparison panels draw. */
function summaries(): OptimizerSummary[] {
  return ["sgd", "momentum", "adam"].map((id, k) => {
    const runs = [1, 2, 3].map((seed) => ({
      id: `${id}-${seed}`,
      spec: { seed },
      curveEvery: 10,
      curve: Array.from({ length: 20 }, (_, i) => 2 * Math.exp(-(i + 1) / (4 + 3 * k)) + 0.02 * seed),
      stepsToTarget: k === 0 && seed === 3 ? null : 60 + 40 * k + 10 * seed,
    }));
    return {
      label: id,
      id,
      lr: [0.1, 0.01, 0.001][k],
      runs,
      stepsToTarget: { median: 80 + 40 * k, reached: k === 0 ? 2 : 3, runs: 3 },
      sensitivity: [1e-3, 1e-2, 1e-1, 1].map((lr, j) => ({
        lr,
        seed: 1,
        score: 0.3 + Math.abs(j - k) * 0.4,
        diverged: j === 3 && k === 2,
      })),
    } as unknown as OptimizerSummary;
  });
}

const panelFigure = (id: string, panels: Panel[]) =>
  composeFigure({ id, title: id, subtitle: ["made-up data"], panels });

const compareCurves = (document: Document) =>
  panelFigure("compareCurves", [curvesPanel(document, summaries())]);
const compareSensitivity = (document: Document) =>
  panelFigure("compareSensitivity", [sensitivityPanel(document, summaries())]);
const compareStepsToTarget = (document: Document) =>
  panelFigure("compareStepsToTarget", [stepsToTargetPanel(document, summaries(), 200)]);
const compareProfile = (document: Document) =>
  panelFigure("compareProfile", [
    profilePanel(
      document,
      ["sgd", "adam"],
      [1, 2, 4],
      [
        [0.5, 0.5, 1],
        [0.5, 1, 1],
      ],
    ),
  ]);

function mapCells(basin: boolean): MapCell[] {
  const cells: MapCell[] = [];
  for (let j = 0; j < 4; j++)
    for (let i = 0; i < 5; i++) {
      const outcome = i + j < 3 ? "converged" : i + j < 6 ? "slow" : "diverged";
      cells.push({
        x: 10 ** (i - 3),
        y: 0.3 * j,
        outcome,
        steps: null,
        finalLoss: i,
        minimum: basin ? (i + j) % 2 : -1,
      });
    }
  return cells;
}
const stabilityMap = (document: Document) =>
  panelFigure("stabilityMap", [
    outcomeMapPanel(document, mapCells(false), {
      title: "sgd",
      xLabel: "learning rate",
      yLabel: "",
      logX: true,
    }),
  ]);
const basinMap = (document: Document) =>
  panelFigure("basinMap", [
    outcomeMapPanel(document, mapCells(true), {
      title: "adam",
      xLabel: "x₀",
      yLabel: "y₀",
      logX: false,
      byMinimum: true,
    }),
  ]);
const optimizerLegendFixture = () =>
  panelFigure("optimizerLegend", [optimizerLegend(["sgd", "momentum", "adam"])]);
Object.defineProperty(optimizerLegendFixture, "name", { value: "optimizerLegend" });

/** Every registered figure function and the fixtures that snapshot it (a new figure needs an entry here). */
const FIXTURES: Record<FigureFunctionName, ((document: Document) => string)[]> = {
  renderFigure: FIGURE_KINDS.map((kind) => EXPERIMENT_FIXTURES[kind]),
  timingFigure: [timingChart],
  mnistLossFigure: [mnistLoss],
  mnistAccuracyFigure: [mnistAccuracy],
  mnistLandscapeFigure: [mnistLandscape],
  curvesPanel: [compareCurves],
  sensitivityPanel: [compareSensitivity],
  stepsToTargetPanel: [compareStepsToTarget],
  profilePanel: [compareProfile],
  outcomeMapPanel: [stabilityMap, basinMap],
  optimizerLegend: [optimizerLegendFixture],
  legendPanel: [lossSeriesPanel],
  planarPanel: [sgdZigZagPanel, divergedPathPanel, gradientArrowsPanel],
  seriesPanel: [lossSeriesPanel],
  surfacePanel: [surfaceMesh],
};

describe("figure snapshots", () => {
  it("registers every figure and panel function of src/plot, and every registered one has a fixture", () => {
    const exported = Object.entries(plot)
      // composeFigure is the layout every figure is drawn into, not a figure of its own.
      .filter(([name, value]) => typeof value === "function" && /(Figure|Panel|Legend)$/.test(name))
      .filter(([name]) => name !== "composeFigure")
      .map(([name]) => name);
    expect(exported.filter((name) => !(name in FIGURE_FUNCTIONS))).toEqual([]);
    for (const name of Object.keys(FIGURE_FUNCTIONS) as FigureFunctionName[])
      expect(FIXTURES[name]?.length ?? 0, name).toBeGreaterThan(0);
  });

  const all = [...new Set(Object.values(FIXTURES).flat())];
  for (const figure of all) {
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
