/**
 * The stability map: one optimizer run over a grid of (learning rate × its momentum-like
 * hyperparameter), each cell coloured by how the run ended. Runs reuse one trajectory runner.
 */
import {
  classifyTrajectory,
  createTrajectoryRunner,
  type MapCell,
  STABILITY_TOLERANCE,
  secondAxisFor,
} from "../../src/lab/index.js";
import type { Landscape } from "../../src/landscapes/index.js";
import { createOptimizer, type HpSpec, optimizerMeta } from "../../src/optim/index.js";
import { OUTCOME_STYLE } from "../../src/plot/index.js";
import { fitCanvas, shortNumber } from "./dom.js";
import { sliderPosition, sliderValue } from "./optimizer-card.js";
import type { OptimizerEntry } from "./state.js";

export type Outcome = "converged" | "slow" | "diverged" | "invalid";
/** The CLI maps' outcome colours (`OUTCOME_STYLE`), plus grey for a setting the optimizer refuses. */
export const OUTCOME_COLORS: Readonly<Record<Outcome, string>> = {
  converged: OUTCOME_STYLE.converged.color,
  slow: OUTCOME_STYLE.slow.color,
  diverged: OUTCOME_STYLE.diverged.color,
  invalid: "#bbbbbb",
};

export interface StabilityMap {
  readonly entry: OptimizerEntry;
  readonly xSpec: HpSpec;
  /** null when the optimizer has only a learning rate (the map is one row). */
  readonly ySpec: HpSpec | null;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** outcomes[j * xs.length + i]. */
  readonly outcomes: readonly Outcome[];
}

/** The hyperparameter on the vertical axis: the CLI maps' choice (`secondAxisFor`), as its spec. */
export function secondAxis(id: string): HpSpec | null {
  const name = secondAxisFor(id);
  return optimizerMeta(id).hyperparameters.find((spec) => spec.name === name) ?? null;
}

/** The map as the library's cells (for the SVG export through the CLI's `outcomeMapPanel`). */
export function stabilityCells(map: StabilityMap): MapCell[] {
  const cells: MapCell[] = [];
  map.outcomes.forEach((outcome, index) => {
    if (outcome === "invalid") return;
    const x = map.xs[index % map.xs.length];
    const y = map.ys[Math.floor(index / map.xs.length)];
    cells.push({ x, y, outcome, steps: null, finalLoss: Number.NaN, minimum: -1 });
  });
  return cells;
}

/**
 * Each cell is classified by the library's `classifyTrajectory` (the same rule as the CLI's maps and the
 * report, `OUTCOME_RULE`); "invalid" when the setting itself is refused.
 */
export function computeStabilityMap(
  landscape: Landscape,
  entry: OptimizerEntry,
  start: readonly [number, number],
  steps: number,
  n = 36,
): StabilityMap {
  const meta = optimizerMeta(entry.id);
  const xSpec = meta.hyperparameters.find((spec) => spec.name === "lr") ?? meta.hyperparameters[0];
  const ySpec = secondAxis(entry.id);
  const xs = Array.from({ length: n }, (_, i) => sliderValue(xSpec, ((i + 0.5) / n) * 1000));
  const rows = ySpec ? Math.round(n * 0.75) : 1;
  const ys = ySpec
    ? Array.from({ length: rows }, (_, j) => sliderValue(ySpec, ((j + 0.5) / rows) * 1000))
    : [0];
  const runner = createTrajectoryRunner();
  const outcomes: Outcome[] = [];
  for (const y of ys) {
    for (const x of xs) {
      const hp = { ...entry.hp, [xSpec.name]: x, ...(ySpec ? { [ySpec.name]: y } : {}) };
      let optimizer: ReturnType<typeof createOptimizer>;
      try {
        optimizer = createOptimizer({ id: entry.id, hp });
      } catch {
        outcomes.push("invalid");
        continue;
      }
      const t = runner.run({ optimizer, landscape, start, steps });
      outcomes.push(classifyTrajectory(t, landscape, STABILITY_TOLERANCE).outcome);
    }
  }
  return { entry, xSpec, ySpec, xs, ys, outcomes };
}

const MARGIN = { left: 56, right: 10, top: 10, bottom: 34 };

/** Draws the map; returns a function from a click position to the setting under it. */
export function drawStabilityMap(
  canvas: HTMLCanvasElement,
  map: StabilityMap,
  current: { x: number; y: number | null },
) {
  const { width, height, ratio } = fitCanvas(canvas);
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: width - MARGIN.left - MARGIN.right,
    height: height - MARGIN.top - MARGIN.bottom,
  };
  const cw = plot.width / map.xs.length;
  const ch = plot.height / map.ys.length;
  map.outcomes.forEach((outcome, index) => {
    const i = index % map.xs.length;
    const j = Math.floor(index / map.xs.length);
    ctx.fillStyle = OUTCOME_COLORS[outcome];
    ctx.fillRect(plot.left + i * cw, plot.top + plot.height - (j + 1) * ch, Math.ceil(cw), Math.ceil(ch));
  });
  ctx.strokeStyle = "#333";
  ctx.strokeRect(plot.left, plot.top, plot.width, plot.height);
  ctx.fillStyle = "#222";
  ctx.font = "11px sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const position of [0, 250, 500, 750, 1000]) {
    ctx.fillText(
      shortNumber(sliderValue(map.xSpec, position)),
      plot.left + (position / 1000) * plot.width,
      plot.top + plot.height + 3,
    );
  }
  ctx.fillText(
    `${map.xSpec.symbol} ${map.xSpec.name}${map.xSpec.scale === "log" ? " (log scale)" : ""}`,
    plot.left + plot.width / 2,
    plot.top + plot.height + 17,
  );
  if (map.ySpec) {
    const ySpec = map.ySpec;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const position of [0, 500, 1000]) {
      ctx.fillText(
        shortNumber(sliderValue(ySpec, position)),
        plot.left - 4,
        plot.top + plot.height - (position / 1000) * plot.height,
      );
    }
    ctx.save();
    ctx.translate(12, plot.top + plot.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(`${ySpec.symbol} ${ySpec.name}`, 0, 0);
    ctx.restore();
  }
  // The current setting: a ring.
  const cx = plot.left + (sliderPosition(map.xSpec, current.x) / 1000) * plot.width;
  const cy =
    map.ySpec && current.y !== null
      ? plot.top + plot.height - (sliderPosition(map.ySpec, current.y) / 1000) * plot.height
      : plot.top + plot.height / 2;
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(cx, cy, 6, 0, 2 * Math.PI);
  ctx.stroke();
  return (px: number, py: number): { x: number; y: number | null } | null => {
    if (px < plot.left || px > plot.left + plot.width || py < plot.top || py > plot.top + plot.height)
      return null;
    const x = sliderValue(map.xSpec, ((px - plot.left) / plot.width) * 1000);
    const y = map.ySpec ? sliderValue(map.ySpec, ((plot.top + plot.height - py) / plot.height) * 1000) : null;
    return { x, y };
  };
}
