/**
 * The playground's entry: one store (state, undo, URL), re-run on every change with the library's trajectory
 * runner, and four rooms that each do one job — the store (store.ts), the controls (controls.ts: settings,
 * cards, history, shortcuts), the views (views.ts: the open view, timeline, legend, charts) and the exports
 * (export-wiring.ts). This file only composes them and offers the browser tests their hooks.
 */
import { type PathRun, Simulation } from "./compute.js";
import { Controls } from "./controls.js";
import { byId, el } from "./dom.js";
import { wireExports } from "./export-wiring.js";
import { DEFAULT_STATE, decodeState, encodeState, type PlaygroundState } from "./state.js";
import { Store } from "./store.js";
import { Views } from "./views.js";

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
  readonly store: Store;
  readonly views: Views;
  readonly controls: Controls;
  private runs: PathRun[] = [];
  private readonly simulation = new Simulation();
  private runVersion = 0;
  readonly timings: Timings = { lastUpdateMs: 0, lastLandscapeMs: 0 };

  constructor() {
    const { state, warnings } = decodeState(location.search);
    this.store = new Store(state);
    this.showMessages(warnings);
    const host = {
      store: this.store,
      runs: () => this.runs,
      runVersion: () => this.runVersion,
    };
    this.views = new Views(host);
    this.controls = new Controls({
      store: this.store,
      showMessages: (messages) => this.showMessages(messages),
      togglePlay: () => this.views.togglePlay(),
      step: (delta) => this.views.step(delta),
      cardsRebuilt: () => this.views.rebuildStabilityMenu(),
    });
    wireExports({
      store: this.store,
      views: this.views,
      runs: () => this.runs,
      loadExperiment: (value, source) => this.controls.loadExperiment(value, source),
    });
    this.store.subscribe((before, after) => this.apply(before, after));
    this.apply(null, this.store.state);
    // The address bar carries the page's own encoding of the state from the start.
    this.store.scheduleUrl();
  }

  /** Re-runs when the runs' inputs changed (not for the cursor or the view), then lays out, draws and syncs. */
  private apply(before: PlaygroundState | null, after: PlaygroundState): void {
    const began = performance.now();
    const rerun =
      before === null ||
      before.landscape !== after.landscape ||
      before.start !== after.start ||
      before.steps !== after.steps ||
      before.optimizers !== after.optimizers;
    if (rerun) {
      this.runs = this.simulation.run(this.store.landscape, this.store.start, after.steps, after.optimizers);
      this.runVersion++;
    }
    // Layout-changing writes first, then the canvases (which read their size), then the other DOM writes:
    // reading a size after a DOM write forces a synchronous layout.
    this.controls.syncCards();
    this.views.syncLayout();
    this.views.draw();
    this.controls.sync(this.runs);
    const ms = performance.now() - began;
    this.timings.lastUpdateMs = ms;
    if (before !== null && before.landscape !== after.landscape) this.timings.lastLandscapeMs = ms;
  }

  private showMessages(messages: readonly string[]): void {
    byId("messages").replaceChildren(...messages.map((text) => el("li", {}, [text])));
  }

  /** A summary for the browser tests: per optimizer its label, last point and divergence. */
  summary() {
    const state = this.store.state;
    return {
      state,
      url: encodeState(state),
      landscape: this.store.landscape.id,
      start: this.store.start,
      window: this.store.window,
      canUndo: this.store.canUndo,
      contourLines: this.views.map.sample?.lines.filter((line) => line.segments.length > 0).length ?? 0,
      gridPanels: this.views.grid.count,
      runs: this.runs.map((run) => ({
        label: run.label,
        color: run.color,
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
    const playback = this.views.playback;
    this.store.set({ cursor: 0 });
    playback.play();
    return new Promise((resolve) => {
      setTimeout(() => {
        playback.pause();
        const frames = playback.frames.slice(1);
        const total = frames.reduce((a, b) => a + b, 0);
        const work = [...playback.frameWork].sort((a, b) => a - b);
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

const hooks = ((window as unknown as { __optlab?: Record<string, unknown> }).__optlab ??= {});
const playground = new Playground();
Object.assign(hooks, {
  ready: true,
  summary: () => playground.summary(),
  timings: playground.timings,
  measurePlayback: (ms: number) => playground.measurePlayback(ms),
  defaults: DEFAULT_STATE,
});
