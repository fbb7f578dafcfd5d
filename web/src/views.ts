/**
 * The views room: shows the open view (map, grid of small multiples, 3D surface, stability map, MNIST), the
 * timeline and its playback, the legend, the step charts and the internals table; wires the view tabs and the
 * view toolbar. It reads the state from the store and the runs from the playground, and writes changes back
 * through the store only.
 */
import { OUTCOME_RULE } from "../../src/lab/index.js";
import { type Internals, internalsAt, type PathRun } from "./compute.js";
import { byId, el, shortNumber } from "./dom.js";
import { GridView } from "./grid-view.js";
import { MapView } from "./map-view.js";
import { MnistTab } from "./mnist-tab.js";
import { drawInternalsTable, drawLegend, RunCharts } from "./panels.js";
import { Playback } from "./playback.js";
import {
  computeStabilityMap,
  drawStabilityMap,
  OUTCOME_COLORS,
  type StabilityMap,
  secondAxis,
} from "./stability.js";
import { VIEWS, type View } from "./state.js";
import type { Store } from "./store.js";
import type { SurfaceView } from "./surface-view.js";

/** What the views need from the playground besides the store. */
export interface ViewsHost {
  readonly store: Store;
  runs(): readonly PathRun[];
  /** Bumped on every re-run: the charts reuse their drawing while it is unchanged. */
  runVersion(): number;
}

/** One line per run: its label and where it ends (the canvases' text alternative and the legend's words). */
export function runSummary(run: PathRun, cursor = Number.POSITIVE_INFINITY): string {
  const t = run.trajectory;
  if (run.error) return run.error;
  if (!t) return "";
  if (t.divergence) return `diverged at step ${t.divergence.step}`;
  const k = Math.min(cursor, t.stepsRun);
  return `f = ${shortNumber(t.loss[k])} at step ${k}, (${shortNumber(t.iterates[2 * k])}, ${shortNumber(t.iterates[2 * k + 1])})`;
}

export class Views {
  readonly map: MapView;
  readonly grid: GridView;
  readonly playback: Playback;
  surface: SurfaceView | null = null;
  mnist: MnistTab | null = null;
  private surfaceLoading = false;
  private readonly charts: RunCharts;
  private stability: { key: string; map: StabilityMap; ms: number } | null = null;
  private stabilityPick: ((px: number, py: number) => { x: number; y: number | null } | null) | null = null;

  constructor(private readonly host: ViewsHost) {
    const store = host.store;
    const callbacks = {
      onStart: (x: number, y: number) =>
        store.set({ start: [x, y], cursor: this.playback.playing ? store.state.cursor : store.state.steps }),
      onWindow: (window: { x: readonly [number, number]; y: readonly [number, number] }) =>
        store.set({ window }),
      onArmed: (armed: boolean) => byId("set-start").setAttribute("aria-pressed", String(armed)),
    };
    this.map = new MapView(
      byId<HTMLCanvasElement>("map"),
      byId<HTMLCanvasElement>("map-background"),
      callbacks,
    );
    this.grid = new GridView(byId("grid-panels"), callbacks);
    this.charts = new RunCharts(
      byId<HTMLCanvasElement>("chart-loss"),
      byId<HTMLCanvasElement>("chart-distance"),
      byId<HTMLCanvasElement>("chart-grad"),
    );
    this.playback = new Playback({
      steps: () => store.state.steps,
      cursor: () => store.state.cursor,
      speed: () => Number(byId<HTMLSelectElement>("speed").value),
      show: (cursor) => store.set({ cursor }),
      playing: (on) => {
        const play = byId("play");
        play.textContent = on ? "❚❚" : "▶";
        play.setAttribute("aria-label", on ? "pause" : "play");
      },
    });
    this.wireTabs();
    this.wireToolbar();
    this.wireTimeline();
    this.wireStability();
    byId("stability-legend").replaceChildren(
      ...(["converged", "slow", "diverged"] as const).flatMap((outcome) => [
        el("i", { style: `background:${OUTCOME_COLORS[outcome]}` }),
        outcome,
      ]),
    );
    window.addEventListener("resize", () => this.draw());
  }

  private get state() {
    return this.host.store.state;
  }

  // ---- wiring --------------------------------------------------------------------------------

  private wireTabs(): void {
    const tabs = [...document.querySelectorAll<HTMLButtonElement>(".tabs button[data-view]")];
    for (const [i, button] of tabs.entries()) {
      button.addEventListener("click", () => this.host.store.set({ view: button.dataset.view as View }));
      // The tabs are one tab stop: arrows move between them (the ARIA tabs pattern).
      button.addEventListener("keydown", (event) => {
        const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (step === 0) return;
        event.preventDefault();
        const next = tabs[(i + step + tabs.length) % tabs.length];
        next.focus();
        this.host.store.set({ view: next.dataset.view as View });
      });
    }
  }

  private wireToolbar(): void {
    const store = this.host.store;
    byId<HTMLInputElement>("arrows").addEventListener("change", (event) =>
      store.set({ arrows: (event.target as HTMLInputElement).checked }),
    );
    byId<HTMLInputElement>("internals").addEventListener("change", (event) =>
      store.set({ internals: (event.target as HTMLInputElement).checked }),
    );
    const setStart = byId("set-start");
    setStart.addEventListener("click", () => {
      this.map.armed = !this.map.armed;
      setStart.setAttribute("aria-pressed", String(this.map.armed));
    });
    byId("zoom-in").addEventListener("click", () => this.zoom(1 / 1.5));
    byId("zoom-out").addEventListener("click", () => this.zoom(1.5));
    byId("reset-view").addEventListener("click", () => {
      store.set({ window: null });
      this.surface?.resetCamera?.();
    });
  }

  private zoom(factor: number): void {
    if (this.state.view === "surface" && this.surface?.zoom) this.surface.zoom(factor);
    else this.map.zoom(factor);
  }

  private wireTimeline(): void {
    const store = this.host.store;
    byId("play").addEventListener("click", () => this.togglePlay());
    byId("step-back").addEventListener("click", () => this.step(-1));
    byId("step-forward").addEventListener("click", () => this.step(1));
    byId<HTMLInputElement>("scrub").addEventListener("input", (event) => {
      this.playback.pause();
      store.set({ cursor: Number((event.target as HTMLInputElement).value) });
    });
  }

  togglePlay(): void {
    if (this.playback.playing) this.playback.pause();
    else this.playback.play();
  }

  step(delta: number): void {
    this.playback.pause();
    const { cursor, steps } = this.state;
    this.host.store.set({ cursor: Math.min(steps, Math.max(0, cursor + delta)) });
  }

  private wireStability(): void {
    const store = this.host.store;
    byId<HTMLSelectElement>("stability-of").addEventListener("change", (event) =>
      store.set({ stabilityOf: Number((event.target as HTMLSelectElement).value) }),
    );
    byId<HTMLCanvasElement>("stability").addEventListener("click", (event) => {
      const setting = this.stabilityPick?.(event.offsetX, event.offsetY);
      const index = this.state.stabilityOf;
      const entry = this.state.optimizers[index];
      if (!setting || !entry) return;
      const second = secondAxis(entry.id);
      const hp = {
        ...entry.hp,
        lr: setting.x,
        ...(second && setting.y !== null ? { [second.name]: setting.y } : {}),
      };
      store.set({
        optimizers: this.state.optimizers.map((old, i) => (i === index ? { ...entry, hp } : old)),
        view: "map",
      });
    });
  }

  /** The stability view's optimizer menu (rebuilt with the cards). */
  rebuildStabilityMenu(): void {
    byId<HTMLSelectElement>("stability-of").replaceChildren(
      ...this.state.optimizers.map((entry, i) =>
        el("option", { value: String(i) }, [`${i + 1}. ${entry.label || entry.id}`]),
      ),
    );
  }

  // ---- layout ----------------------------------------------------------------------------------

  /** Shows the open view's parts (writes only what changed). */
  syncLayout(): void {
    const view = this.state.view;
    const show = (id: string, visible: boolean) => {
      const node = byId(id);
      if (node.hidden === visible) node.hidden = !visible;
    };
    for (const v of VIEWS) show(`view-${v}`, v === view);
    const paths = view === "map" || view === "grid" || view === "surface";
    show("timeline", paths);
    show("legend", view !== "mnist");
    show("step-charts", paths);
    show("internals-panel", this.state.internals && (view === "map" || view === "surface"));
    // The MNIST tab has its own optimizers: the landscape's side panel steps aside.
    show("side", view !== "mnist");
    show("toggles", paths);
    show("exports", view !== "mnist");
    const layout = byId("layout");
    if (layout.classList.contains("solo") !== (view === "mnist"))
      layout.classList.toggle("solo", view === "mnist");
    for (const button of document.querySelectorAll<HTMLButtonElement>(".tabs button[data-view]")) {
      const selected = button.dataset.view === view;
      if (button.getAttribute("aria-selected") !== String(selected)) {
        button.setAttribute("aria-selected", String(selected));
        button.tabIndex = selected ? 0 : -1;
      }
    }
    byId<HTMLInputElement>("arrows").checked = this.state.arrows;
    byId<HTMLInputElement>("internals").checked = this.state.internals;
    byId<HTMLSelectElement>("stability-of").value = String(this.state.stabilityOf);
  }

  syncTimeline(): void {
    const scrub = byId<HTMLInputElement>("scrub");
    if (scrub.max !== String(this.state.steps)) scrub.max = String(this.state.steps);
    scrub.value = String(this.state.cursor);
    byId("step-text").textContent = `step ${this.state.cursor} / ${this.state.steps}`;
  }

  // ---- drawing ---------------------------------------------------------------------------------

  draw(): void {
    const view = this.state.view;
    const runs = this.host.runs();
    if (view === "map") this.drawMap(this.state.cursor);
    else if (view === "grid") this.drawGrid(this.state.cursor);
    else if (view === "surface") this.drawSurface();
    else if (view === "stability") this.drawStability();
    else if (view === "mnist") this.showMnist();
    if (view === "map" || view === "grid" || view === "surface") {
      this.charts.draw(
        runs,
        this.host.store.landscape,
        this.state.steps,
        this.state.cursor,
        this.host.runVersion(),
      );
    }
    drawLegend(byId("legend"), runs, this.state.cursor);
    const panel = byId("internals-panel");
    if (!panel.hidden) drawInternalsTable(panel, runs, this.internals() ?? [], this.state.cursor);
    this.syncTimeline();
  }

  private internals(): (Internals | null)[] | null {
    if (!this.state.internals) return null;
    const start = this.host.store.start;
    return this.host
      .runs()
      .map((run) =>
        run.optimizer && run.trajectory && this.state.cursor <= run.trajectory.stepsRun
          ? internalsAt(this.host.store.landscape, run.optimizer, start, this.state.cursor, run.schedule)
          : null,
      );
  }

  /** The settings line of captions and exports. */
  settingsLine(): string {
    const store = this.host.store;
    const [x, y] = store.start;
    return `${store.landscape.name}: ${this.state.steps} steps from (${shortNumber(x)}, ${shortNumber(y)}); window x ∈ [${shortNumber(store.window.x[0])}, ${shortNumber(store.window.x[1])}], y ∈ [${shortNumber(store.window.y[0])}, ${shortNumber(store.window.y[1])}]`;
  }

  private scene(cursor: number) {
    const store = this.host.store;
    return {
      landscape: store.landscape,
      window: store.window,
      start: store.start,
      runs: this.host.runs(),
      cursor,
      arrows: this.state.arrows,
      internals: this.internals(),
    };
  }

  drawMap(cursor: number): void {
    this.map.draw(this.scene(cursor));
    const runs = this.host.runs();
    const text = `${this.settingsLine()}. ${runs.map((run) => `${run.label}: ${runSummary(run, cursor)}`).join("; ")}`;
    const canvas = byId("map");
    if (canvas.getAttribute("aria-label") !== text) canvas.setAttribute("aria-label", `Contour map. ${text}`);
    byId("map-caption").textContent =
      `${this.settingsLine()}; + marks known minima; colour: f by value (colour bar at the right). ` +
      "Drag the start's ring to move it, or press “set start” (or long-press) and tap; drag to pan, wheel or pinch to zoom; with the map focused, arrow keys nudge the start." +
      (this.state.arrows ? " Arrows: −∇f, length ∝ √‖∇f‖." : "") +
      (this.state.internals
        ? " Glyphs: dashed grey −g, thick the next step (to scale), dotted the state vectors (direction only)."
        : "");
  }

  drawGrid(cursor: number): void {
    this.grid.draw(this.scene(cursor), (run) => runSummary(run, cursor));
    byId("grid-caption").textContent =
      `One panel per optimizer, shared axes. ${this.settingsLine()}; + marks known minima.`;
  }

  private drawSurface(): void {
    if (this.surface) {
      this.surface.draw(
        this.host.store.landscape,
        this.host.store.window,
        this.host.runs(),
        this.state.cursor,
        this.host.runVersion(),
        this.state.arrows,
        this.internals(),
      );
      byId("surface").setAttribute(
        "aria-label",
        `3D surface. ${this.settingsLine()}. ${this.host
          .runs()
          .map((run) => `${run.label}: ${runSummary(run, this.state.cursor)}`)
          .join("; ")}`,
      );
      return;
    }
    if (this.surfaceLoading) return;
    this.surfaceLoading = true;
    // three.js is loaded only when the 3D view is first opened.
    import("./surface-view.js").then(({ SurfaceView }) => {
      this.surface = new SurfaceView(byId<HTMLCanvasElement>("surface"));
      if (this.state.view === "surface") this.drawSurface();
    });
  }

  /** The stability map in force (computed for the open view), for exports. */
  get stabilityMap(): StabilityMap | null {
    return this.stability?.map ?? null;
  }

  private drawStability(): void {
    const store = this.host.store;
    const entry = this.state.optimizers[this.state.stabilityOf];
    const canvas = byId<HTMLCanvasElement>("stability");
    const caption = byId("stability-caption");
    if (!entry) {
      caption.textContent = "Add an optimizer to map its stability.";
      return;
    }
    const began = performance.now();
    // The swept hyperparameters do not change the map: moving their sliders only moves the ring.
    const second = secondAxis(entry.id);
    const fixed = Object.entries(entry.hp).filter(([name]) => name !== "lr" && name !== second?.name);
    const key = JSON.stringify([this.state.landscape, entry.id, fixed, store.start, this.state.steps]);
    if (this.stability?.key !== key) {
      this.stability = {
        key,
        map: computeStabilityMap(store.landscape, entry, store.start, this.state.steps),
        ms: 0,
      };
      this.stability.ms = performance.now() - began;
    }
    const { map } = this.stability;
    const run = this.host.runs()[this.state.stabilityOf];
    const hp = run.optimizer?.hp ?? {};
    const current = {
      x: Number(hp[map.xSpec.name] ?? 0),
      y: map.ySpec ? Number(hp[map.ySpec.name] ?? 0) : null,
    };
    this.stabilityPick = drawStabilityMap(canvas, map, current);
    const counts = { converged: 0, slow: 0, diverged: 0, invalid: 0 };
    for (const outcome of map.outcomes) counts[outcome]++;
    const share = `${counts.converged} converged, ${counts.slow} slow, ${counts.diverged} diverged${counts.invalid ? `, ${counts.invalid} refused` : ""}`;
    canvas.setAttribute("aria-label", `Stability map of ${run.label}: ${share}.`);
    caption.textContent =
      `${run.label} on ${this.settingsLine()}; ${map.outcomes.length} runs in ${Math.round(this.stability.ms)} ms: ${share}. ` +
      `Tolerance 1e-3. Rule (the CLI's maps use the same): ${OUTCOME_RULE}. Click a cell to load that setting; the ring is the current one.`;
  }

  private showMnist(): void {
    // Built on first opening, synchronously: a click on "train" right after the tab opens is never lost.
    if (this.mnist === null) {
      this.mnist = new MnistTab(this.host.store);
      (window as unknown as { __optlab?: Record<string, unknown> }).__optlab ??= {};
      (window as unknown as { __optlab: Record<string, unknown> }).__optlab.mnist = this.mnist;
    }
    this.mnist.draw();
  }
}
