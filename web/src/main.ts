/**
 * The playground's controller: one state (mirrored in the URL), re-run on every change with the
 * library's trajectory runner, drawn by the active view, the step charts and the legend.
 */
import "katex/dist/katex.min.css";
import katex from "katex";
import { getLandscape, type Landscape, landscapeIds } from "../../src/landscapes/index.js";
import { optimizerIds, optimizerMeta } from "../../src/optim/index.js";
import { type Internals, internalsAt, type PathRun, Simulation } from "./compute.js";
import { byId, download, el, shortNumber } from "./dom.js";
import { MapView } from "./map-view.js";
import type { MnistTab } from "./mnist-tab.js";
import { OptimizerCard } from "./optimizer-card.js";
import { drawInternalsTable, drawLegend, RunCharts } from "./panels.js";
import { Playback } from "./playback.js";
import { PRESETS } from "./presets.js";
import { computeStabilityMap, drawStabilityMap, type StabilityMap, secondAxis } from "./stability.js";
import {
  DEFAULT_STATE,
  decodeState,
  encodeState,
  experimentOf,
  landscapeOf,
  MAX_OPTIMIZERS,
  MAX_STEPS,
  type OptimizerEntry,
  type PlaygroundState,
  stateFromExperiment,
  VIEWS,
  type View,
  type Window2,
} from "./state.js";
import type { SurfaceView } from "./surface-view.js";

/** Timings of the last updates, read by the browser tests and the report. */
interface Timings {
  lastUpdateMs: number;
  lastLandscapeMs: number;
}

interface PlaybackTiming {
  fps: number;
  worstFrameMs: number;
  frames: number;
  /** Median and worst time spent drawing one frame. */
  drawMedianMs: number;
  drawWorstMs: number;
}

class Playground {
  private state: PlaygroundState;
  private landscape: Landscape;
  private runs: PathRun[] = [];
  private readonly simulation = new Simulation();
  private readonly map: MapView;
  private surface: SurfaceView | null = null;
  private surfaceLoading = false;
  private mnist: MnistTab | null = null;
  private readonly charts: RunCharts;
  private cards: OptimizerCard[] = [];
  private cardIds: string[] = [];
  private readonly playback: Playback;
  private urlTimer = 0;
  private renderedLatex = "";
  private stability: { key: string; map: StabilityMap; ms: number } | null = null;
  /** Bumped on every re-run: the charts reuse their drawing while it is unchanged. */
  private runVersion = 0;
  private stabilityPick: ((px: number, py: number) => { x: number; y: number | null } | null) | null = null;
  readonly timings: Timings = { lastUpdateMs: 0, lastLandscapeMs: 0 };

  constructor() {
    const { state, warnings } = decodeState(location.search);
    this.state = state;
    this.landscape = landscapeOf(state.landscape);
    this.showMessages(warnings);
    this.map = new MapView(byId<HTMLCanvasElement>("map"), byId<HTMLCanvasElement>("map-background"), {
      onStart: (x, y) =>
        this.set({ start: [x, y], cursor: this.playback.playing ? this.state.cursor : this.state.steps }),
      onWindow: (window) => this.set({ window }),
    });
    this.charts = new RunCharts(
      byId<HTMLCanvasElement>("chart-loss"),
      byId<HTMLCanvasElement>("chart-distance"),
      byId<HTMLCanvasElement>("chart-grad"),
    );
    this.playback = new Playback({
      steps: () => this.state.steps,
      cursor: () => this.state.cursor,
      speed: () => Number(byId<HTMLSelectElement>("speed").value),
      show: (cursor) => {
        this.state = { ...this.state, cursor };
        this.syncTimeline();
        this.draw();
      },
      playing: (on) => {
        byId("play").textContent = on ? "❚❚" : "▶";
        if (!on) this.scheduleUrl();
      },
    });
    this.wireHeader();
    this.wireSide();
    this.wireViews();
    this.wireTimeline();
    window.addEventListener("resize", () => this.draw());
    this.apply(true);
  }

  // ---- state ---------------------------------------------------------------------------------

  private get start(): readonly [number, number] {
    return this.state.start ?? [this.landscape.start[0], this.landscape.start[1]];
  }

  private get window(): Window2 {
    return this.state.window ?? this.landscape.domain;
  }

  /** Changes the state, re-runs and redraws (synchronously: the whole update fits in a frame). */
  private set(patch: Partial<PlaygroundState>, fromPreset = false): void {
    const began = performance.now();
    if (!fromPreset) byId<HTMLSelectElement>("preset").value = "";
    const before = this.state;
    this.state = { ...this.state, ...patch };
    if (this.state.cursor > this.state.steps) this.state = { ...this.state, cursor: this.state.steps };
    if (this.state.stabilityOf >= this.state.optimizers.length)
      this.state = { ...this.state, stabilityOf: 0 };
    const cardsChanged =
      this.state.optimizers.length !== before.optimizers.length ||
      this.state.optimizers.some((entry, i) => entry.id !== this.cardIds[i]);
    this.apply(cardsChanged);
    this.timings.lastUpdateMs = performance.now() - began;
  }

  private apply(rebuildCards: boolean): void {
    this.runs = this.simulation.run(this.landscape, this.start, this.state.steps, this.state.optimizers);
    this.runVersion++;
    if (rebuildCards) this.buildCards();
    // Layout-changing writes first, then the canvases (which read their size), then the other DOM
    // writes: reading a size after a DOM write forces a synchronous layout.
    this.syncLayout();
    this.draw();
    for (const [i, run] of this.runs.entries())
      this.cards[i]?.update(run.entry, run.optimizer, run.error, run.color);
    this.syncControls();
    this.scheduleUrl();
  }

  private scheduleUrl(): void {
    clearTimeout(this.urlTimer);
    this.urlTimer = window.setTimeout(() => history.replaceState(null, "", encodeState(this.state)), 150);
  }

  private showMessages(messages: readonly string[]): void {
    byId("messages").replaceChildren(...messages.map((text) => el("li", {}, [text])));
  }

  private setLandscape(text: string): void {
    const began = performance.now();
    const error = byId("formula-error");
    let landscape: Landscape;
    try {
      landscape = landscapeOf(text);
    } catch (caught) {
      error.textContent = caught instanceof Error ? caught.message : String(caught);
      // Point at the character the message names ("… at position 7 …"), when the text is in the box.
      const position = /at position (\d+)/.exec(error.textContent);
      const box = byId<HTMLInputElement>("formula");
      if (position && box.value === text) {
        const at = Number(position[1]) - 1;
        box.focus();
        box.setSelectionRange(at, at + 1);
      }
      return;
    }
    error.textContent = "";
    this.landscape = landscape;
    this.set({ landscape: text.trim(), start: null, window: null, cursor: this.state.steps });
    this.timings.lastLandscapeMs = performance.now() - began;
  }

  // ---- controls ------------------------------------------------------------------------------

  private wireHeader(): void {
    const preset = byId<HTMLSelectElement>("preset");
    for (const p of PRESETS) preset.append(el("option", { value: p.id }, [p.name]));
    preset.addEventListener("change", () => {
      const chosen = PRESETS.find((p) => p.id === preset.value);
      if (chosen) this.loadExperiment(chosen.experiment, `preset ${chosen.id}`, true);
    });
    const menu = byId<HTMLSelectElement>("landscape-id");
    for (const id of landscapeIds()) {
      const landscape = getLandscape(id);
      if (landscape.dim === 2) menu.append(el("option", { value: id }, [landscape.name]));
    }
    menu.append(el("option", { value: "" }, ["formula…"]));
    menu.addEventListener("change", () => {
      if (menu.value !== "") this.setLandscape(menu.value);
      else byId<HTMLInputElement>("formula").focus();
    });
    const formula = byId<HTMLInputElement>("formula");
    formula.addEventListener("change", () => this.setLandscape(formula.value));
    formula.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.setLandscape(formula.value);
    });
    const steps = byId<HTMLInputElement>("steps");
    steps.addEventListener("change", () => {
      const value = Math.round(Number(steps.value));
      const clamped = Number.isFinite(value) ? Math.min(MAX_STEPS, Math.max(1, value)) : this.state.steps;
      this.set({ steps: clamped, cursor: clamped });
    });
  }

  private wireSide(): void {
    const add = byId<HTMLSelectElement>("add-id");
    for (const id of optimizerIds())
      add.append(el("option", { value: id }, [`${id} — ${optimizerMeta(id).name}`]));
    add.value = "adam";
    byId("add").addEventListener("click", () => {
      if (this.state.optimizers.length >= MAX_OPTIMIZERS) return;
      this.set({ optimizers: [...this.state.optimizers, { id: add.value, hp: {}, label: "" }] });
    });
    byId("copy-link").addEventListener("click", () => {
      const url = new URL(encodeState(this.state), location.href).toString();
      history.replaceState(null, "", encodeState(this.state));
      navigator.clipboard?.writeText(url).catch(() => {});
    });
    byId("save-json").addEventListener("click", () => {
      download(
        "playground.json",
        `${JSON.stringify(experimentOf(this.state, this.landscape), null, 2)}\n`,
        "application/json",
      );
    });
    const load = byId<HTMLInputElement>("load-json");
    load.addEventListener("change", async () => {
      const file = load.files?.[0];
      load.value = "";
      if (!file) return;
      if (file.size > 1_000_000) {
        byId("file-error").textContent =
          `${file.name}: an experiment file is at most 1 MB, got ${file.size} bytes`;
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(await file.text());
      } catch (error) {
        byId("file-error").textContent =
          `${file.name}: not JSON (${error instanceof Error ? error.message : String(error)})`;
        return;
      }
      this.loadExperiment(value, `experiment ${file.name}`);
    });
    // The exports (Observable Plot, gifenc) load on first use, keeping them out of the first download.
    const exports = () => import("./exports.js");
    const guard = (action: () => Promise<void>) => () => {
      action().catch((error: unknown) => {
        byId("file-error").textContent = error instanceof Error ? error.message : String(error);
      });
    };
    const experiment = () => experimentOf(this.state, this.landscape);
    byId("export-svg").addEventListener(
      "click",
      // The library's own figures: the surface figure from the 3D view, the trajectories otherwise.
      guard(async () =>
        (await exports()).exportSvg(
          experimentOf(
            this.state,
            this.landscape,
            this.state.view === "surface" ? "surface" : "trajectories",
          ),
        ),
      ),
    );
    byId("export-csv").addEventListener(
      "click",
      guard(async () => (await exports()).exportCsv(experiment())),
    );
    byId("export-data").addEventListener(
      "click",
      guard(async () =>
        download(
          "optlab-trajectories.json",
          (await exports()).trajectoriesJson(this.runs),
          "application/json",
        ),
      ),
    );
    byId("export-png").addEventListener(
      "click",
      guard(async () => {
        const canvas =
          this.state.view === "surface" ? "surface" : this.state.view === "stability" ? "stability" : "map";
        const { exportPng } = await exports();
        // WebGL keeps no drawing buffer between frames (faster on software GL): draw, then read in the same task.
        if (canvas === "surface") this.surface?.render();
        const picture = canvas === "map" ? this.map.snapshot() : byId<HTMLCanvasElement>(canvas);
        exportPng(picture, `optlab-${canvas}.png`);
      }),
    );
    byId("export-gif").addEventListener(
      "click",
      guard(async () => {
        const { encodeGif } = await exports();
        // The animation is the map's: show it first so its canvas has a size.
        if (this.state.view !== "map") this.set({ view: "map" });
        const cursor = this.state.cursor;
        const bytes = encodeGif(this.state.steps, (k) => {
          this.drawMap(k);
          return this.map.snapshot();
        });
        this.drawMap(cursor);
        download("optlab-playground.gif", new Blob([bytes as BlobPart], { type: "image/gif" }));
      }),
    );
  }

  /** Loads an experiment document (a preset or a user's file). Errors are shown as one line; the page stays as it was. */
  loadExperiment(value: unknown, source: string, fromPreset = false): void {
    const fileError = byId("file-error");
    try {
      const { state, warnings } = stateFromExperiment(value, source, this.state);
      fileError.textContent = "";
      this.landscape = landscapeOf(state.landscape);
      byId("formula-error").textContent = "";
      this.showMessages(warnings);
      this.set(state, fromPreset);
    } catch (error) {
      fileError.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  private buildCards(): void {
    this.cards = this.state.optimizers.map(
      (entry, index) =>
        new OptimizerCard(entry, {
          onChange: (changed) => this.replaceOptimizer(index, changed),
          onRemove: () => this.set({ optimizers: this.state.optimizers.filter((_, i) => i !== index) }),
          onDuplicate: () => {
            if (this.state.optimizers.length >= MAX_OPTIMIZERS) return;
            const copy = { ...this.state.optimizers[index], label: "" };
            this.set({
              optimizers: [
                ...this.state.optimizers.slice(0, index + 1),
                copy,
                ...this.state.optimizers.slice(index + 1),
              ],
            });
          },
        }),
    );
    this.cardIds = this.state.optimizers.map((entry) => entry.id);
    byId("cards").replaceChildren(...this.cards.map((card) => card.element));
    const stabilityOf = byId<HTMLSelectElement>("stability-of");
    stabilityOf.replaceChildren(
      ...this.state.optimizers.map((entry, i) =>
        el("option", { value: String(i) }, [`${i + 1}. ${entry.label || entry.id}`]),
      ),
    );
  }

  private replaceOptimizer(index: number, entry: OptimizerEntry): void {
    this.set({ optimizers: this.state.optimizers.map((old, i) => (i === index ? entry : old)) });
  }

  private syncControls(): void {
    const menu = byId<HTMLSelectElement>("landscape-id");
    const isId = landscapeIds().includes(this.state.landscape);
    menu.value = isId ? this.state.landscape : "";
    const formula = byId<HTMLInputElement>("formula");
    if (document.activeElement !== formula)
      formula.value = isId ? this.landscape.formula : this.state.landscape;
    if (this.renderedLatex !== this.landscape.latex) {
      this.renderedLatex = this.landscape.latex;
      katex.render(this.landscape.latex, byId("landscape-formula"), { throwOnError: false });
    }
    const steps = byId<HTMLInputElement>("steps");
    if (document.activeElement !== steps) steps.value = String(this.state.steps);
    byId("start-text").textContent = `start (${shortNumber(this.start[0])}, ${shortNumber(this.start[1])})`;
    byId<HTMLInputElement>("arrows").checked = this.state.arrows;
    byId<HTMLInputElement>("internals").checked = this.state.internals;
    for (const button of document.querySelectorAll<HTMLButtonElement>(".tabs button[data-view]")) {
      button.setAttribute("aria-selected", String(button.dataset.view === this.state.view));
    }
    byId<HTMLSelectElement>("stability-of").value = String(this.state.stabilityOf);
    const scrub = byId<HTMLInputElement>("scrub");
    scrub.max = String(this.state.steps);
    scrub.value = String(this.state.cursor);
    byId("step-text").textContent = `step ${this.state.cursor} / ${this.state.steps}`;
  }

  private wireViews(): void {
    for (const button of document.querySelectorAll<HTMLButtonElement>(".tabs button[data-view]")) {
      button.addEventListener("click", () => this.set({ view: button.dataset.view as View }));
    }
    byId<HTMLInputElement>("arrows").addEventListener("change", (event) =>
      this.set({ arrows: (event.target as HTMLInputElement).checked }),
    );
    byId<HTMLInputElement>("internals").addEventListener("change", (event) =>
      this.set({ internals: (event.target as HTMLInputElement).checked }),
    );
    byId("zoom-in").addEventListener("click", () => this.map.zoom(1 / 1.5));
    byId("zoom-out").addEventListener("click", () => this.map.zoom(1.5));
    byId("reset-view").addEventListener("click", () => this.set({ window: null }));
    byId<HTMLSelectElement>("stability-of").addEventListener("change", (event) =>
      this.set({ stabilityOf: Number((event.target as HTMLSelectElement).value) }),
    );
    const stability = byId<HTMLCanvasElement>("stability");
    stability.addEventListener("click", (event) => {
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
      this.set({
        optimizers: this.state.optimizers.map((old, i) => (i === index ? { ...entry, hp } : old)),
        view: "map",
      });
    });
  }

  private wireTimeline(): void {
    byId("play").addEventListener("click", () =>
      this.playback.playing ? this.playback.pause() : this.playback.play(),
    );
    byId("step-back").addEventListener("click", () =>
      this.set({ cursor: Math.max(0, this.state.cursor - 1) }),
    );
    byId("step-forward").addEventListener("click", () =>
      this.set({ cursor: Math.min(this.state.steps, this.state.cursor + 1) }),
    );
    byId<HTMLInputElement>("scrub").addEventListener("input", (event) => {
      this.playback.pause();
      this.set({ cursor: Number((event.target as HTMLInputElement).value) });
    });
  }

  private syncTimeline(): void {
    byId<HTMLInputElement>("scrub").value = String(this.state.cursor);
    byId("step-text").textContent = `step ${this.state.cursor} / ${this.state.steps}`;
  }

  // ---- drawing -------------------------------------------------------------------------------

  /** Shows the active view's parts (writes only what changed). */
  private syncLayout(): void {
    const view = this.state.view;
    const show = (id: string, visible: boolean) => {
      const node = byId(id);
      if (node.hidden === visible) node.hidden = !visible;
    };
    for (const v of VIEWS) show(`view-${v}`, v === view);
    show("timeline", view !== "mnist" && view !== "stability");
    show("legend", view !== "mnist");
    show("internals-panel", this.state.internals && view === "map");
    // The MNIST tab has its own optimizers: the landscape's side panel steps aside.
    show("side", view !== "mnist");
    show("toggles", view === "map" || view === "surface");
    const main = document.querySelector("main") as HTMLElement;
    if (main.classList.contains("solo") !== (view === "mnist"))
      main.classList.toggle("solo", view === "mnist");
    const stage = byId("stage");
    if (stage.classList.contains("wide") !== (view === "mnist"))
      stage.classList.toggle("wide", view === "mnist");
  }

  private draw(): void {
    const view = this.state.view;
    if (view === "map") this.drawMap(this.state.cursor);
    else if (view === "surface") this.drawSurface();
    else if (view === "stability") this.drawStability();
    else if (view === "mnist") this.showMnist();
    this.charts.draw(this.runs, this.landscape, this.state.steps, this.state.cursor, this.runVersion);
    drawLegend(byId("legend"), this.runs, this.state.cursor);
    const panel = byId("internals-panel");
    if (!panel.hidden) drawInternalsTable(panel, this.runs, this.internals() ?? [], this.state.cursor);
  }

  private internals(): (Internals | null)[] | null {
    if (!this.state.internals) return null;
    return this.runs.map((run) =>
      run.optimizer && run.trajectory && this.state.cursor <= run.trajectory.stepsRun
        ? internalsAt(this.landscape, run.optimizer, this.start, this.state.cursor)
        : null,
    );
  }

  private drawMap(cursor: number): void {
    this.map.draw({
      landscape: this.landscape,
      window: this.window,
      start: this.start,
      runs: this.runs,
      cursor,
      arrows: this.state.arrows,
      internals: this.internals(),
    });
    byId("map-caption").textContent =
      `${this.landscape.name}: ${this.state.steps} steps from (${shortNumber(this.start[0])}, ${shortNumber(this.start[1])}); + marks known minima. ` +
      "Click to set the start, drag the start's ring, drag elsewhere to pan, wheel to zoom." +
      (this.state.arrows ? " Arrows: −∇f, length ∝ √‖∇f‖." : "") +
      (this.state.internals
        ? " Glyphs: dashed grey −g, thick the next step (to scale), dotted the state vectors (direction only)."
        : "");
  }

  private drawSurface(): void {
    if (this.surface) {
      this.surface.draw(this.landscape, this.window, this.runs, this.state.cursor, this.runVersion);
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

  private drawStability(): void {
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
    const key = JSON.stringify([this.state.landscape, entry.id, fixed, this.start, this.state.steps]);
    if (this.stability?.key !== key) {
      this.stability = {
        key,
        map: computeStabilityMap(this.landscape, entry, this.start, this.state.steps),
        ms: 0,
      };
      this.stability.ms = performance.now() - began;
    }
    const { map } = this.stability;
    const run = this.runs[this.state.stabilityOf];
    const hp = run.optimizer?.hp ?? {};
    const current = {
      x: Number(hp[map.xSpec.name] ?? 0),
      y: map.ySpec ? Number(hp[map.ySpec.name] ?? 0) : null,
    };
    this.stabilityPick = drawStabilityMap(canvas, map, current);
    caption.textContent =
      `${run.label} on ${this.landscape.name}, ${this.state.steps} steps from (${shortNumber(this.start[0])}, ${shortNumber(this.start[1])}), ` +
      `${map.outcomes.length} runs in ${Math.round(this.stability.ms)} ms. Converged: within 1e-3 × the window of a known minimum; ` +
      "diverged: stopped or ended above its starting loss; slow: anything else. Click a cell to load that setting; the ring is the current one.";
  }

  private showMnist(): void {
    if (this.mnist) {
      this.mnist.draw();
      return;
    }
    import("./mnist-tab.js").then(({ MnistTab }) => {
      this.mnist ??= new MnistTab();
      this.mnist.draw();
      (window as unknown as { __optlab: Record<string, unknown> }).__optlab.mnist = this.mnist;
    });
  }

  /** A summary for the browser tests: per optimizer its label, last point and divergence. */
  summary() {
    return {
      state: this.state,
      url: encodeState(this.state),
      landscape: this.landscape.id,
      contourLines: this.map.sample?.lines.filter((line) => line.segments.length > 0).length ?? 0,
      runs: this.runs.map((run) => ({
        label: run.label,
        error: run.error,
        stepsRun: run.trajectory?.stepsRun ?? -1,
        end: run.trajectory
          ? [
              run.trajectory.iterates[2 * run.trajectory.stepsRun],
              run.trajectory.iterates[2 * run.trajectory.stepsRun + 1],
            ]
          : null,
        diverged: run.trajectory?.divergence?.step ?? null,
      })),
    };
  }

  /** Plays the timeline for `ms` milliseconds and reports frame intervals (for the performance report). */
  measurePlayback(ms: number): Promise<PlaybackTiming> {
    this.set({ cursor: 0 });
    this.playback.play();
    return new Promise((resolve) => {
      setTimeout(() => {
        this.playback.pause();
        const frames = this.playback.frames.slice(1);
        const total = frames.reduce((a, b) => a + b, 0);
        const work = [...this.playback.frameWork].sort((a, b) => a - b);
        resolve({
          fps: (1000 * frames.length) / Math.max(1, total),
          worstFrameMs: Math.max(0, ...frames),
          frames: frames.length,
          drawMedianMs: work[work.length >> 1] ?? 0,
          drawWorstMs: work[work.length - 1] ?? 0,
        });
      }, ms);
    });
  }
}

const playground = new Playground();
(window as unknown as { __optlab: Record<string, unknown> }).__optlab = {
  ready: true,
  summary: () => playground.summary(),
  timings: playground.timings,
  measurePlayback: (ms: number) => playground.measurePlayback(ms),
  defaults: DEFAULT_STATE,
};
