/**
 * Small multiples: one map panel per optimizer over the same window (shared axes), each with its own path, so
 * the book's 2 × 2 figure (and any set) reads panel by panel. Each panel is a `MapView` without the colour bar;
 * panning or zooming one moves them all.
 */
import type { PathRun } from "./compute.js";
import { el } from "./dom.js";
import { type MapCallbacks, type MapScene, MapView } from "./map-view.js";

export class GridView {
  private panels: {
    element: HTMLElement;
    title: HTMLElement;
    swatch: HTMLElement;
    view: MapView;
    canvas: HTMLCanvasElement;
  }[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: MapCallbacks,
  ) {}

  private ensure(count: number): void {
    while (this.panels.length < count) {
      const background = el("canvas", { "aria-hidden": "true" });
      const canvas = el("canvas", { role: "img", tabindex: "-1" });
      const title = el("span");
      const swatch = el("span", { class: "swatch" });
      const heading = el("h3", { class: "panel-title" }, [swatch, " ", title]);
      const element = el("figure", { class: "grid-panel" }, [
        heading,
        el("div", { class: "map-stack" }, [background, canvas]),
      ]);
      const view = new MapView(canvas, background, this.callbacks, { colorBar: false });
      this.panels.push({ element, title, swatch, view, canvas });
    }
    if (this.container.children.length !== count)
      this.container.replaceChildren(...this.panels.slice(0, count).map((p) => p.element));
    this.container.dataset.count = String(count);
  }

  /** Draws one panel per run of `scene.runs` (an empty scene draws nothing). */
  draw(scene: MapScene, describe: (run: PathRun) => string): void {
    const runs = scene.runs;
    this.ensure(runs.length);
    runs.forEach((run, i) => {
      const panel = this.panels[i];
      if (panel.title.textContent !== run.label) panel.title.textContent = run.label;
      panel.swatch.style.background = run.color;
      panel.canvas.setAttribute("aria-label", `${run.label}: ${describe(run)}`);
      panel.view.draw({
        ...scene,
        runs: [run],
        internals: scene.internals ? [scene.internals[i]] : null,
      });
    });
  }

  /** Every panel's picture, with the panels' titles, in reading order (for exports). */
  snapshots(): { title: string; color: string; canvas: HTMLCanvasElement }[] {
    return this.panels.slice(0, this.container.children.length).map((p) => ({
      title: p.title.textContent ?? "",
      color: p.swatch.style.background,
      canvas: p.view.snapshot(),
    }));
  }

  get count(): number {
    return this.container.children.length;
  }
}
