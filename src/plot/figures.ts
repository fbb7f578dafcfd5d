/**
 * The figure table: one builder per figure kind, from an experiment's runs to a finished,
 * deterministic SVG plus the data behind it (JSON, and CSV for tables). Builders take the DOM
 * `document` Plot renders with (linkedom in Node, the page's in a browser).
 */
import type { ExperimentRun, FigureKind, OptimizerRun } from "../lab/experiment.js";
import { MAX_CONTOUR_CELLS } from "../lab/experiment.js";
import type { Landscape } from "../landscapes/types.js";
import { InputRangeError } from "../util/errors.js";
import { contourLevels, sampleGrid } from "./grid.js";
import { legendPanel } from "./legend.js";
import { optimizerStyles, type SeriesStyle } from "./palette.js";
import { type Arrow, planarPanel } from "./planar.js";
import { seriesPanel } from "./series.js";
import { sampleSurface, surfacePanel } from "./surface.js";
import { composeFigure, type Panel } from "./svg.js";
import type { MarkedPoint, ScalarGrid } from "./types.js";

/** A data file written beside a figure (`NAME.json`, `NAME.csv`, …). */
export interface FigureFile {
  /** File name suffix after the figure id, e.g. ".csv" or "-arrows.csv". */
  readonly suffix: string;
  readonly text: string;
}

export interface RenderedFigure {
  readonly id: string;
  readonly title: string;
  /** What the figure shows and with which settings, one paragraph (for manifests and pages). */
  readonly caption: string;
  readonly svg: string;
  /** Everything needed to redraw the figure, as a JSON-able object. */
  readonly data: unknown;
  readonly files: readonly FigureFile[];
}

type Builder = (run: ExperimentRun, document: Document) => RenderedFigure;

/** Formats a number for titles: short, with a real minus sign. */
export function displayNumber(value: number): string {
  const text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return text.replace(/^-/, "−");
}

function showPoint(p: readonly number[]): string {
  return `(${p.map(displayNumber).join(", ")})`;
}

function showInterval(r: readonly [number, number]): string {
  return `[${displayNumber(r[0])}, ${displayNumber(r[1])}]`;
}

const SUPERSCRIPTS: Record<string, string> = {
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** A formula as a reader writes it: `x^2/20 + y^2` → `x²/20 + y²`, `x*y` → `x·y`. */
export function prettyFormula(formula: string): string {
  return formula.replace(/\^(\d)(?![\d.])/g, (_, d: string) => SUPERSCRIPTS[d]).replace(/\s*\*\s*/g, "·");
}

function functionText(landscape: Landscape): string {
  return `${landscape.name}, f(x, y) = ${prettyFormula(landscape.formula)}`;
}

function minimaOf(landscape: Landscape): MarkedPoint[] {
  return landscape.minima.map((m) => ({ x: m.point[0], y: m.point[1] }));
}

interface ContourGrid {
  readonly grid: ScalarGrid;
  readonly levels: number[];
  readonly description: string;
}

/** The contour grid an experiment asks for (default: the window, 200 cells along x). */
function contourGrid(run: ExperimentRun): ContourGrid {
  const settings = run.experiment.contour ?? {};
  // By default the grid reaches 5 % past the window, so the window's border is never traced as a level line.
  const pad = (r: readonly [number, number]): [number, number] => [
    r[0] - 0.05 * (r[1] - r[0]),
    r[1] + 0.05 * (r[1] - r[0]),
  ];
  const x = settings.x ?? pad(run.window.x);
  const y = settings.y ?? pad(run.window.y);
  const step = settings.step ?? (x[1] - x[0]) / 220;
  const nx = Math.max(2, Math.round((x[1] - x[0]) / step));
  const ny = Math.max(2, Math.round((y[1] - y[0]) / step));
  if (nx * ny > MAX_CONTOUR_CELLS) {
    throw new InputRangeError(
      `contour: step ${step} gives ${nx} × ${ny} cells; at most ${MAX_CONTOUR_CELLS} are drawn, use a larger step`,
    );
  }
  const { landscape } = run;
  const p = new Float64Array(2);
  const grid = sampleGrid(
    (a, b) => {
      p[0] = a;
      p[1] = b;
      return landscape.f(p);
    },
    x,
    y,
    nx,
    ny,
  );
  // Contours where the paths are: when nothing is asked for and the default levels would leave the paths in a
  // blank region (fewer than 3 levels at or below the highest loss along them), draw levels only up to 1.5 × it.
  const pathTop = Math.max(
    ...run.runs
      .flatMap((r) => Array.from(r.trajectory.loss.subarray(0, r.trajectory.stepsRun + 1)))
      .filter(Number.isFinite),
  );
  let maskAbove = settings.maskAbove;
  let levels = settings.levels ? [...settings.levels] : contourLevels(grid, 8, maskAbove);
  if (
    !settings.levels &&
    maskAbove === undefined &&
    Number.isFinite(pathTop) &&
    levels.filter((l) => l <= pathTop).length < 3
  ) {
    const fitted = contourLevels(grid, 8, 1.5 * pathTop);
    if (fitted.length >= 3) {
      maskAbove = 1.5 * pathTop;
      levels = fitted;
    }
  }
  const mask =
    maskAbove === undefined
      ? ""
      : `, levels above ${displayNumber(maskAbove)} not drawn${settings.maskAbove === undefined ? " (1.5 × the paths' highest loss)" : ""}`;
  return {
    grid,
    levels,
    description: `contours of f at ${levels.map(displayNumber).join(", ")} from a ${nx} × ${ny} grid over x ∈ ${showInterval(x)}, y ∈ ${showInterval(y)}${mask}`,
  };
}

function endNote(run: OptimizerRun): string {
  const d = run.trajectory.divergence;
  return d ? ` (diverged at step ${d.step}: ${d.reason})` : "";
}

function settingsLine(runs: readonly OptimizerRun[]): string {
  return `Optimizers: ${runs.map((r) => `${r.settings}${endNote(r)}`).join(" · ")}`;
}

function runData(run: OptimizerRun) {
  const t = run.trajectory;
  return {
    optimizer: run.optimizerId,
    name: run.name,
    label: run.label,
    settings: run.settings,
    hp: run.hp,
    stepsRun: t.stepsRun,
    divergence: t.divergence,
    points: run.points,
    loss: Array.from(t.loss),
    gradNorm: Array.from(t.gradNorm),
    distance: run.distance,
    // Under a schedule: the schedule (complete options) and the lr step k used, lr[k − 1].
    ...(t.schedule ? { schedule: t.schedule, lr: Array.from(t.lr ?? []) } : {}),
  };
}

/** One row per iterate: group,optimizer,step,x,y,loss,grad_norm,distance. */
export function trajectoryCsv(groups: readonly { label: string; runs: readonly OptimizerRun[] }[]): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = ["setting,optimizer,settings,step,x,y,loss,grad_norm,distance_to_minimum"];
  for (const group of groups) {
    for (const run of group.runs) {
      run.points.forEach(([x, y], k) => {
        lines.push(
          [
            quote(group.label),
            run.optimizerId,
            quote(run.settings),
            k,
            x,
            y,
            run.trajectory.loss[k],
            run.trajectory.gradNorm[k],
            run.distance[k],
          ].join(","),
        );
      });
    }
  }
  return `${lines.join("\n")}\n`;
}

function commonData(run: ExperimentRun) {
  const e = run.experiment;
  return {
    format: "optlab-figure",
    version: 1,
    id: e.id,
    figure: e.figure,
    experiment: e,
    function: { id: run.landscape.id, name: run.landscape.name, formula: run.landscape.formula },
    start: run.start,
    steps: e.steps,
    window: run.window,
  };
}

function headline(run: ExperimentRun, fallback: string): string {
  return run.experiment.title ?? fallback;
}

/** ‖x_k − x'_k‖ per step for each pair of runs (the paths may coincide to the eye). */
function pairGapPanel(run: ExperimentRun, document: Document): Panel {
  const series = (run.experiment.pairs ?? []).map(([a, b]) => {
    const p = run.runs[a].points;
    const q = run.runs[b].points;
    const n = Math.min(p.length, q.length);
    const values = Array.from({ length: n }, (_, k) => Math.hypot(p[k][0] - q[k][0], p[k][1] - q[k][1]));
    // Step 0 is the shared start (distance 0, which a log axis cannot show).
    return {
      series: { label: `${run.runs[a].label} vs ${run.runs[b].label}`, values, firstStep: 1 },
      style: optimizerStyles(run.runs.map((r) => r.optimizerId))[a],
    };
  });
  const { panel } = seriesPanel(document, {
    title: "distance between paired iterates",
    yLabel: "‖x_k − x′_k‖ (log)",
    series,
    floor: 1e-17,
    width: 460,
    height: 300,
  });
  const legend = legendPanel(
    series.map((s) => ({ label: s.series.label, style: s.style })),
    260,
  );
  return {
    svg: `<g>${panel.svg}<g transform="translate(0,${panel.height})">${legend.svg}</g></g>`,
    width: panel.width,
    height: panel.height + legend.height,
  };
}

/** Each run with its optimizer's fixed style (the same optimizer twice in one figure varies the dash). */
function stylesFor<R extends { optimizerId: string }>(runs: readonly R[]): { run: R; style: SeriesStyle }[] {
  const styles = optimizerStyles(runs.map((r) => r.optimizerId));
  return runs.map((r, i) => ({ run: r, style: styles[i] }));
}

const trajectories: Builder = (run, document) => {
  const { landscape, experiment } = run;
  const contours = contourGrid(run);
  const minima = minimaOf(landscape);
  const panels: Panel[] = [];
  const styled = stylesFor(run.runs);
  if (experiment.layout === "overlay") {
    panels.push(
      planarPanel(document, {
        window: run.window,
        grid: contours.grid,
        levels: contours.levels,
        paths: styled.map(({ run: r, style }) => ({
          series: { label: r.label, points: r.points, divergence: r.trajectory.divergence },
          style,
        })),
        minima,
        width: 460,
        height: 420,
      }),
      legendPanel(
        styled.map(({ run: r, style }) => ({ label: r.label, style, id: r.optimizerId })),
        260,
      ),
    );
    if (experiment.pairs && experiment.pairs.length > 0) panels.push(pairGapPanel(run, document));
  } else {
    for (const { run: r, style } of styled) {
      panels.push(
        planarPanel(document, {
          title: r.label,
          window: run.window,
          grid: contours.grid,
          levels: contours.levels,
          paths: [
            { series: { label: r.label, points: r.points, divergence: r.trajectory.divergence }, style },
          ],
          minima,
        }),
      );
    }
  }
  const title = headline(run, `Trajectories on ${functionText(landscape)}`);
  const setup = `${experiment.steps} steps from ${showPoint(run.start)}; window x ∈ ${showInterval(run.window.x)}, y ∈ ${showInterval(run.window.y)}; ${contours.description}; + marks the minimum.`;
  const optimizers = settingsLine(run.runs);
  const svg = composeFigure({
    id: experiment.id,
    title,
    subtitle: [setup, optimizers],
    panels,
    columns:
      experiment.layout === "overlay"
        ? 2
        : (experiment.columns ?? Math.min(3, Math.ceil(Math.sqrt(panels.length)))),
  });
  return {
    id: experiment.id,
    title,
    caption: `${setup} ${optimizers}.`,
    svg,
    data: { ...commonData(run), contourLevels: contours.levels, runs: run.runs.map(runData) },
    files: [{ suffix: ".csv", text: trajectoryCsv([{ label: "", runs: run.runs }]) }],
  };
};

const variants: Builder = (run, document) => {
  const { landscape, experiment } = run;
  const contours = contourGrid(run);
  const minima = minimaOf(landscape);
  const panels: Panel[] = [];
  const columns = experiment.columns ?? Math.max(...run.variants.map((v) => v.runs.length));
  for (const variant of run.variants) {
    const styles = optimizerStyles(variant.runs.map((r) => r.optimizerId));
    variant.runs.forEach((r, i) => {
      panels.push(
        planarPanel(document, {
          title: `${variant.label}: ${r.label}`,
          window: run.window,
          grid: contours.grid,
          levels: contours.levels,
          paths: [
            {
              series: { label: r.label, points: r.points, divergence: r.trajectory.divergence },
              style: styles[i],
            },
          ],
          minima,
          width: 280,
          height: 270,
        }),
      );
    });
    for (let i = variant.runs.length; i < columns; i++) panels.push({ svg: "", width: 280, height: 270 });
  }
  const title = headline(run, `Hyperparameter variants on ${functionText(landscape)}`);
  const setup = `${experiment.steps} steps from ${showPoint(run.start)}; one row per setting; ${contours.description}; + marks the minimum.`;
  const lines = run.variants.map((v) => `${v.label} — ${settingsLine(v.runs)}`);
  const svg = composeFigure({ id: experiment.id, title, subtitle: [setup, ...lines], panels, columns });
  return {
    id: experiment.id,
    title,
    caption: `${setup} ${lines.join(". ")}.`,
    svg,
    data: {
      ...commonData(run),
      contourLevels: contours.levels,
      variants: run.variants.map((v) => ({ label: v.label, runs: v.runs.map(runData) })),
    },
    files: [{ suffix: ".csv", text: trajectoryCsv(run.variants) }],
  };
};

const gradientField: Builder = (run, document) => {
  const { landscape, experiment } = run;
  const contours = contourGrid(run);
  const n = experiment.arrows ?? 17;
  const arrows: Arrow[] = [];
  const p = new Float64Array(2);
  const g = new Float64Array(2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      p[0] = run.window.x[0] + ((run.window.x[1] - run.window.x[0]) * (i + 0.5)) / n;
      p[1] = run.window.y[0] + ((run.window.y[1] - run.window.y[0]) * (j + 0.5)) / n;
      landscape.grad(p, g);
      if (Number.isFinite(g[0]) && Number.isFinite(g[1]))
        arrows.push({ x: p[0], y: p[1], u: -g[0], v: -g[1] });
    }
  }
  const panel = planarPanel(document, {
    window: run.window,
    grid: contours.grid,
    levels: contours.levels,
    arrows,
    minima: minimaOf(landscape),
    width: 560,
    height: 520,
  });
  const lengths = arrows.map((a) => Math.hypot(a.u, a.v));
  const title = headline(run, `Negative gradient −∇f of ${functionText(landscape)}`);
  const setup = `${n} × ${n} arrows over x ∈ ${showInterval(run.window.x)}, y ∈ ${showInterval(run.window.y)}; ${contours.description}; + marks the minimum.`;
  const scaling = `Arrow directions are exact; lengths grow as √|∇f| (|∇f| from ${displayNumber(Math.min(...lengths))} to ${displayNumber(Math.max(...lengths))}) so that short arrows stay visible beside long ones.`;
  const svg = composeFigure({
    id: experiment.id,
    title,
    subtitle: [setup],
    panels: [panel],
    footer: [scaling],
  });
  const csv = ["x,y,minus_grad_x,minus_grad_y", ...arrows.map((a) => [a.x, a.y, a.u, a.v].join(","))].join(
    "\n",
  );
  return {
    id: experiment.id,
    title,
    caption: `${setup} ${scaling}`,
    svg,
    data: { ...commonData(run), contourLevels: contours.levels, arrows },
    files: [{ suffix: ".csv", text: `${csv}\n` }],
  };
};

const losses: Builder = (run, document) => {
  const { landscape, experiment } = run;
  const styled = stylesFor(run.runs);
  const lossPanel = seriesPanel(document, {
    title: "f(x_k)",
    yLabel: "f(x_k) (log)",
    series: styled.map(({ run: r, style }) => ({
      series: { label: r.label, values: Array.from(r.trajectory.loss), divergence: r.trajectory.divergence },
      style,
    })),
  });
  const hasMinima = landscape.minima.length > 0;
  const panels: Panel[] = [lossPanel.panel];
  let floored = lossPanel.floored;
  if (hasMinima) {
    const distancePanel = seriesPanel(document, {
      title: "distance to the nearest minimum",
      yLabel: "‖x_k − x*‖ (log)",
      series: styled.map(({ run: r, style }) => ({
        series: { label: r.label, values: r.distance, divergence: r.trajectory.divergence },
        style,
      })),
    });
    panels.push(distancePanel.panel);
    floored ||= distancePanel.floored;
  }
  panels.push(
    legendPanel(
      styled.map(({ run: r, style }) => ({ label: r.label, style, id: r.optimizerId })),
      240,
    ),
  );
  const title = headline(run, `Loss and distance to the minimum per step on ${functionText(landscape)}`);
  const setup = `${experiment.steps} steps from ${showPoint(run.start)}${hasMinima ? `; minimum at ${showPoint(landscape.minima[0].point)}` : "; no known minimum, so no distance panel"}.`;
  const optimizers = settingsLine(run.runs);
  const footer = floored ? ["Values below 1e−12 are drawn at 1e−12 (a log axis cannot show 0)."] : [];
  const svg = composeFigure({
    id: experiment.id,
    title,
    subtitle: [setup, optimizers],
    panels,
    columns: panels.length,
    footer,
  });
  return {
    id: experiment.id,
    title,
    caption: `${setup} ${optimizers}.`,
    svg,
    data: { ...commonData(run), runs: run.runs.map(runData) },
    files: [{ suffix: ".csv", text: trajectoryCsv([{ label: "", runs: run.runs }]) }],
  };
};

const surface: Builder = (run) => {
  const { landscape, experiment } = run;
  const settings = experiment.surface ?? {};
  const x = settings.x ?? run.window.x;
  const y = settings.y ?? run.window.y;
  const n = settings.n ?? 100;
  const p = new Float64Array(2);
  const f = (a: number, b: number) => {
    p[0] = a;
    p[1] = b;
    return landscape.f(p);
  };
  const data = sampleSurface(f, x, y, n);
  const paths = settings.trajectories
    ? stylesFor(run.runs).map(({ run: r, style }) => ({
        label: r.label,
        style,
        points: r.points.map(([a, b]) => [a, b, f(a, b)] as const),
      }))
    : [];
  const panels: Panel[] = [surfacePanel(data, { paths })];
  if (paths.length > 0)
    panels.push(
      legendPanel(
        stylesFor(run.runs).map(({ run: r, style }) => ({ label: r.label, style, id: r.optimizerId })),
        240,
      ),
    );
  const title = headline(run, `Surface of ${functionText(landscape)}`);
  const setup = `x, y ∈ ${showInterval(x)} × ${showInterval(y)}, ${n} × ${n} grid, colour = height (Turbo map); view azimuth −60°, elevation 30°.`;
  const subtitle = [setup];
  if (paths.length > 0)
    subtitle.push(`${experiment.steps} steps from ${showPoint(run.start)}. ${settingsLine(run.runs)}`);
  const svg = composeFigure({ id: experiment.id, title, subtitle, panels, columns: panels.length });
  return {
    id: experiment.id,
    title,
    caption: subtitle.join(" "),
    svg,
    data: {
      ...commonData(run),
      surface: { xs: data.xs, ys: data.ys, z: Array.from(data.z) },
      runs: run.runs.map(runData),
    },
    files: [],
  };
};

/** The one table of figure kinds. */
const builders: Record<FigureKind, Builder> = {
  surface,
  "gradient-field": gradientField,
  trajectories,
  losses,
  variants,
};

/** Draws an experiment's figure. */
export function renderFigure(run: ExperimentRun, document: Document): RenderedFigure {
  return builders[run.experiment.figure](run, document);
}
