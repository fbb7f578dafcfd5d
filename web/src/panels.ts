/**
 * The panels under the views: the legend (one row per optimizer with its status at the cursor), the
 * three step charts, and the internals table. All text goes in through textContent.
 */
import type { Landscape } from "../../src/landscapes/index.js";
import { StepChart } from "./charts.js";
import type { Internals, PathRun } from "./compute.js";
import { el, shortNumber } from "./dom.js";

/** Legend rows: rebuilt only when the number of optimizers changes, otherwise updated in place. */
export function drawLegend(legend: HTMLElement, runs: readonly PathRun[], cursor: number): void {
  if (legend.children.length !== runs.length) {
    legend.replaceChildren(
      ...runs.map(() =>
        el("li", {}, [el("span", { class: "swatch" }), el("span", { class: "label" }), el("span")]),
      ),
    );
  }
  runs.forEach((run, i) => {
    const t = run.trajectory;
    let status = "";
    let diverged = false;
    if (run.error) status = run.error;
    else if (t?.divergence) {
      status = `diverged at step ${t.divergence.step}`;
      diverged = true;
    } else if (t) {
      const k = Math.min(cursor, t.stepsRun);
      status =
        `f = ${shortNumber(t.loss[k])}` +
        (run.distance ? `, ‖x − x*‖ = ${shortNumber(run.distance[k])}` : "");
    }
    const [swatch, label, text] = Array.from(legend.children[i].children) as HTMLElement[];
    if (swatch.style.background !== run.color) swatch.style.background = run.color;
    if (label.textContent !== run.label) label.textContent = run.label;
    if (text.textContent !== status) text.textContent = status;
    const kind = diverged ? "diverged" : "muted";
    if (text.className !== kind) text.className = kind;
  });
}

/** The loss gap f(x_k) − f*, the distance to the nearest known minimum and the gradient norm, per step. */
export class RunCharts {
  private readonly loss: StepChart;
  private readonly distance: StepChart;
  private readonly gradient: StepChart;

  constructor(loss: HTMLCanvasElement, distance: HTMLCanvasElement, gradient: HTMLCanvasElement) {
    this.loss = new StepChart(loss, "f(x_k) − f*");
    this.distance = new StepChart(distance, "‖x_k − x*‖ (nearest minimum)");
    this.gradient = new StepChart(gradient, "‖∇f(x_k)‖");
  }

  /** `version` names the runs: while it is unchanged (playback), only the cursors move. */
  draw(runs: readonly PathRun[], landscape: Landscape, steps: number, cursor: number, version: number): void {
    const fStar = landscape.minima.length > 0 ? Math.min(...landscape.minima.map((m) => m.value)) : null;
    const style = (run: PathRun) => ({
      color: run.color,
      dash: run.dash,
      divergedAt: run.trajectory?.divergence?.step ?? null,
    });
    const gap = (run: PathRun) => {
      const loss = run.trajectory?.loss ?? null;
      return loss === null || fStar === null ? loss : loss.map((v) => v - fStar);
    };
    this.loss.draw(
      runs.map((run) => ({ values: gap(run), ...style(run) })),
      steps,
      cursor,
      fStar === null ? "f(x_k) (no known minimum)" : undefined,
      version,
    );
    this.distance.draw(
      runs.map((run) => ({ values: run.distance, ...style(run) })),
      steps,
      cursor,
      undefined,
      version,
    );
    this.gradient.draw(
      runs.map((run) => ({ values: run.trajectory?.gradNorm ?? null, ...style(run) })),
      steps,
      cursor,
      undefined,
      version,
    );
  }
}

/** The internals table: per optimizer g, the next step Δx, Δx/(−g) and the state at the cursor. */
export function drawInternalsTable(
  panel: HTMLElement,
  runs: readonly PathRun[],
  internals: readonly (Internals | null)[],
  cursor: number,
): void {
  const pair = (v: readonly [number, number] | null) =>
    v ? `(${shortNumber(v[0])}, ${shortNumber(v[1])})` : "—";
  const rows = internals.map((item, i) => {
    const run = runs[i];
    if (!item) return el("tr", {}, [el("th", {}, [run.label]), el("td", { colspan: "4" }, ["—"])]);
    const cells = [
      `g ${pair(item.gradient)}`,
      `Δx ${pair(item.step)}`,
      `Δx/(−g) ${pair(item.effectiveRate)}`,
      ...item.vectors.map((v) => `${v.name} ${pair(v.value)}`),
      ...item.scalars.map((s) => `${s.name} = ${shortNumber(s.value)}`),
    ];
    return el("tr", {}, [
      el("th", { style: `color:${run.color}` }, [run.label]),
      ...cells.map((text) => el("td", {}, [text])),
    ]);
  });
  panel.replaceChildren(
    el("div", {}, [
      `Internals at step ${cursor}: gradient g, the next step Δx, the effective per-coordinate rate Δx/(−g), and the state.`,
    ]),
    el("table", {}, rows),
  );
}
