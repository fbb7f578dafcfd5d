/**
 * The MNIST tab: the seed's network trained by the chosen optimizers (the map's optimizer cards) in Web Workers
 * (2 where the browser gives 2 cores; the page stays responsive), live training-loss and test-error curves, a
 * results table with CSV/JSON export, the settings in the URL, and the network's loss landscape: a 2-D slice
 * around the first run's final weights with every run projected onto the same plane, computed in the workers.
 */
import { interpolateViridis, rgb } from "d3";
import { sliceAxes, snapshotUpdates } from "../../src/lab/index.js";
import { BOOK_NETWORK, initialParameters } from "../../src/nn/index.js";
import { createOptimizer, optimizerIds, optimizerMeta } from "../../src/optim/index.js";
import { optimizerStyles, type SeriesStyle } from "../../src/plot/index.js";
import { StepChart } from "./charts.js";
import { dashOf } from "./compute.js";
import { byId, download, el, fitCanvas, shortNumber } from "./dom.js";
import { contourSegments } from "./landscape-grid.js";
import type { FromWorker, ToWorker } from "./mnist-protocol.js";
import { OptimizerCard } from "./optimizer-card.js";
import {
  entryFromSpec,
  MAX_MNIST_ITERATIONS,
  MAX_MNIST_OPTIMIZERS,
  type OptimizerEntry,
  SLICE_MODES,
  type SliceModeName,
  specOf,
} from "./state.js";
import type { Store } from "./store.js";

const SEED = 1;
const BATCH = 128;
/** Test-set evaluations every this many updates (2,000 test digits: about 5 % of the training time). */
const EVAL_EVERY = 250;
/** The slice: a GRID × GRID grid of losses on the first SLICE_IMAGES training digits; SNAPSHOTS per run. */
const GRID = 21;
const SLICE_IMAGES = 1000;
const SNAPSHOTS = 20;

/** Plain moving average over the last `width` values (the curves are noisy batch losses). */
function smoothed(values: readonly number[], width: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= width) sum -= values[i - width];
    out.push(sum / Math.min(i + 1, width));
  }
  return out;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

interface Group {
  readonly worker: Worker;
  readonly indices: readonly number[];
  update: number;
  trainMs: number;
  done: boolean;
  /** One-shot handlers for replies ("finals", "projected", "slice-done"). */
  readonly waiting: Map<string, (message: FromWorker) => void>;
}

export interface ResultRow {
  readonly optimizer: string;
  readonly spec: string;
  readonly finalLoss: number;
  readonly testAccuracy: number | null;
  readonly msPerUpdate: number | null;
  readonly updates: number;
}

export interface SliceResult {
  readonly mode: SliceModeName;
  readonly reference: string;
  readonly alphas: readonly number[];
  readonly betas: readonly number[];
  readonly values: Float64Array;
  readonly paths: (readonly (readonly [number, number])[])[];
  readonly ms: number;
}

export class MnistTab {
  private groups: Group[] = [];
  private losses: number[][] = [];
  private accuracy: { update: number; index: number; value: number }[] = [];
  private labels: string[] = [];
  private specs: string[] = [];
  private styles: SeriesStyle[] = [];
  private iterations = 0;
  private engine = "";
  private description = "";
  private cards: OptimizerCard[] = [];
  private cardKey = "";
  private readonly lossChart: StepChart;
  private readonly accuracyChart: StepChart;
  private readonly status = byId("mnist-status");
  private readonly iterationsBox = byId<HTMLInputElement>("mnist-iterations");
  private drawPending = false;
  /** The slowest group's update (for tests and the status line). */
  progress = 0;
  /** Wall-clock times of the last run, in ms: from "train" to the workers' "ready", and to the last "done". */
  timing = { startedAt: 0, readyAt: 0, doneAt: 0, trainMs: 0, sliceMs: 0 };
  slice: SliceResult | null = null;
  sliceState: "idle" | "running" | "done" | "error" = "idle";

  constructor(private readonly store: Store) {
    this.lossChart = new StepChart(
      byId<HTMLCanvasElement>("mnist-loss"),
      "training loss (batch, moving average of 20)",
    );
    this.accuracyChart = new StepChart(
      byId<HTMLCanvasElement>("mnist-accuracy"),
      "test error (1 − accuracy)",
    );
    byId("mnist-start").addEventListener("click", () => this.start());
    byId("mnist-stop").addEventListener("click", () => this.broadcast({ type: "stop" }));
    byId("mnist-resume").addEventListener("click", () => this.broadcast({ type: "resume" }));
    byId("mnist-csv").addEventListener("click", () => this.exportCsv());
    byId("mnist-json").addEventListener("click", () => this.exportJson());
    byId("slice-start").addEventListener("click", () => void this.computeSlice());
    const add = byId<HTMLSelectElement>("mnist-add-id");
    for (const id of optimizerIds())
      add.append(el("option", { value: id }, [`${id} — ${optimizerMeta(id).name}`]));
    add.value = "adam";
    byId("mnist-add").addEventListener("click", () => {
      const specs = this.settings.specs;
      if (specs.length >= MAX_MNIST_OPTIMIZERS) return;
      this.setSettings({ specs: [...specs, add.value] });
    });
    this.iterationsBox.addEventListener("change", () => {
      const value = Math.round(Number(this.iterationsBox.value));
      const iterations = Number.isFinite(value)
        ? Math.min(MAX_MNIST_ITERATIONS, Math.max(1, value))
        : this.settings.iterations;
      this.setSettings({ iterations });
    });
    const mode = byId<HTMLSelectElement>("slice-mode");
    mode.addEventListener("change", () => {
      if ((SLICE_MODES as readonly string[]).includes(mode.value))
        this.setSettings({ slice: mode.value as SliceModeName });
    });
    store.subscribe((before, after) => {
      if (before.mnist !== after.mnist) this.syncControls();
    });
    this.syncControls();
  }

  private get settings() {
    return this.store.state.mnist;
  }

  private setSettings(patch: Partial<Store["state"]["mnist"]>): void {
    this.store.set({ mnist: { ...this.settings, ...patch } });
  }

  // ---- cards ---------------------------------------------------------------------------------

  private entries(): OptimizerEntry[] {
    return this.settings.specs.map((spec) => entryFromSpec(spec));
  }

  private syncControls(): void {
    const entries = this.entries();
    const key = entries.map((e) => e.id).join(",");
    if (key !== this.cardKey) {
      this.cardKey = key;
      const seen = new Map<string, number>();
      this.cards = entries.map((entry, index) => {
        const n = (seen.get(entry.id) ?? 0) + 1;
        seen.set(entry.id, n);
        const twice = entries.filter((e) => e.id === entry.id).length > 1;
        const replace = (specs: string[]) => this.setSettings({ specs });
        return new OptimizerCard(
          entry,
          {
            onChange: (changed) =>
              replace(this.settings.specs.map((old, i) => (i === index ? specOf(changed) : old))),
            onRemove: () => {
              if (this.settings.specs.length > 1) replace(this.settings.specs.filter((_, i) => i !== index));
            },
            onDuplicate: () => {
              const specs = this.settings.specs;
              if (specs.length < MAX_MNIST_OPTIMIZERS)
                replace([...specs.slice(0, index + 1), specs[index], ...specs.slice(index + 1)]);
            },
          },
          `MNIST ${optimizerMeta(entry.id).name}${twice ? ` #${n}` : ""}`,
        );
      });
      byId("mnist-cards").replaceChildren(...this.cards.map((card) => card.element));
    }
    const looks = optimizerStyles(entries.map((e) => e.id));
    entries.forEach((entry, i) => {
      let error: string | null = null;
      let optimizer = null;
      try {
        optimizer = createOptimizer({ id: entry.id, hp: entry.hp });
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      this.cards[i]?.update(entry, optimizer, error, looks[i].color);
    });
    if (document.activeElement !== this.iterationsBox)
      this.iterationsBox.value = String(this.settings.iterations);
    byId<HTMLSelectElement>("slice-mode").value = this.settings.slice;
  }

  // ---- training ------------------------------------------------------------------------------

  private broadcast(message: ToWorker): void {
    for (const group of this.groups) group.worker.postMessage(message);
  }

  /** How many workers: 2 where the browser reports at least 2 cores (never more than the optimizers). */
  static workerCount(optimizers: number): number {
    const cores = navigator.hardwareConcurrency || 1;
    return Math.max(1, Math.min(2, cores, optimizers));
  }

  private start(): void {
    const specs = [...this.settings.specs];
    try {
      if (specs.length === 0 || specs.length > MAX_MNIST_OPTIMIZERS)
        throw new RangeError(`mnist: give 1 to ${MAX_MNIST_OPTIMIZERS} optimizers, got ${specs.length}`);
      for (const spec of specs) createOptimizer(spec);
    } catch (error) {
      this.status.textContent = error instanceof Error ? error.message : String(error);
      this.status.classList.add("error");
      return;
    }
    const iterations = this.settings.iterations;
    for (const group of this.groups) group.worker.terminate();
    const count = MnistTab.workerCount(specs.length);
    this.specs = specs;
    this.styles = optimizerStyles(specs.map((spec) => spec.split(":")[0]));
    this.labels = specs.map((spec, i) => `${i + 1}. ${spec}`);
    this.losses = specs.map(() => []);
    this.accuracy = [];
    this.iterations = iterations;
    this.progress = 0;
    this.slice = null;
    this.sliceState = "idle";
    this.timing = { startedAt: performance.now(), readyAt: 0, doneAt: 0, trainMs: 0, sliceMs: 0 };
    this.status.classList.remove("error");
    this.status.textContent = `loading the MNIST sample into ${count} worker${count > 1 ? "s" : ""}…`;
    const snapshots = snapshotUpdates(iterations, SNAPSHOTS).slice(1);
    this.groups = Array.from({ length: count }, (_, w) => {
      const indices = specs.map((_, k) => k).filter((k) => k % count === w);
      const worker = new Worker(new URL("./mnist-worker.ts", import.meta.url), { type: "module" });
      const group: Group = { worker, indices, update: 0, trainMs: 0, done: false, waiting: new Map() };
      worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(group, event.data);
      worker.onerror = (event) => {
        this.status.textContent = `mnist worker: ${event.message}`;
        this.status.classList.add("error");
      };
      worker.postMessage({
        type: "start",
        specs: indices.map((k) => specs[k]),
        indices,
        seed: SEED,
        iterations,
        batchSize: BATCH,
        evalEvery: EVAL_EVERY,
        snapshots,
      } satisfies ToWorker);
      return group;
    });
    this.drawLegend();
    this.drawTable();
    this.clearSlice();
  }

  private receive(group: Group, message: FromWorker): void {
    const waiting = group.waiting.get(message.type);
    if (waiting) {
      group.waiting.delete(message.type);
      waiting(message);
    }
    switch (message.type) {
      case "ready":
        message.indices.forEach((k, i) => {
          this.labels[k] = message.labels[i];
        });
        this.engine = message.engine;
        this.description = message.description;
        this.timing.readyAt ||= performance.now();
        this.status.textContent = `training on ${message.description} (${message.engine} engine, ${this.groups.length} worker${this.groups.length > 1 ? "s" : ""}), batches of ${BATCH}, seed ${SEED}`;
        this.drawLegend();
        break;
      case "progress": {
        message.indices.forEach((k, i) => {
          this.losses[k]?.push(...message.losses[i]);
        });
        group.update = message.update;
        group.trainMs = message.trainMs;
        this.progress = Math.min(...this.groups.map((g) => g.update));
        const ms = Math.max(...this.groups.map((g) => g.trainMs));
        byId<HTMLProgressElement>("mnist-progress").value = this.progress / Math.max(1, this.iterations);
        this.status.textContent = `update ${this.progress} / ${this.iterations} · ${shortNumber((1000 * this.progress) / Math.max(1, ms))} updates/s (${this.engine}, ${this.groups.length} worker${this.groups.length > 1 ? "s" : ""})`;
        break;
      }
      case "eval":
        message.indices.forEach((k, i) => {
          this.accuracy.push({ update: message.update, index: k, value: message.accuracy[i] });
        });
        this.drawTable();
        break;
      case "stopped":
        this.status.textContent = `stopped after update ${message.update}; resume continues exactly where it stopped`;
        break;
      case "done":
        group.done = true;
        group.trainMs = message.trainMs;
        if (this.groups.every((g) => g.done)) {
          this.timing.doneAt = performance.now();
          this.timing.trainMs = Math.max(...this.groups.map((g) => g.trainMs));
          this.status.textContent = `done: ${message.update} updates in ${(this.timing.trainMs / 1000).toFixed(1)} s of training (${this.engine} engine, ${this.groups.length} worker${this.groups.length > 1 ? "s" : ""})`;
          this.drawTable();
          if (byId<HTMLInputElement>("slice-auto").checked) void this.computeSlice();
        }
        break;
      case "error":
        this.status.textContent = message.message;
        this.status.classList.add("error");
        if (this.sliceState === "running") this.sliceState = "error";
        break;
      default:
        break;
    }
    this.scheduleDraw();
  }

  private ask<T extends FromWorker["type"]>(
    group: Group,
    message: ToWorker,
    reply: T,
  ): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) => {
      group.waiting.set(reply, (answer) => resolve(answer as Extract<FromWorker, { type: T }>));
      group.worker.postMessage(message);
    });
  }

  // ---- the loss-landscape slice ----------------------------------------------------------------

  /**
   * The slice around run 1's final weights: the basis is built in every worker from the same inputs, each worker
   * projects its runs' snapshots, then the grid's rows are split between the workers.
   */
  async computeSlice(): Promise<void> {
    if (this.groups.length === 0 || this.sliceState === "running") return;
    const began = performance.now();
    this.sliceState = "running";
    const bar = byId<HTMLProgressElement>("slice-progress");
    bar.value = 0;
    const caption = byId("slice-caption");
    caption.textContent = "computing the slice in the workers…";
    const mode = this.settings.slice;
    const count = this.specs.length;
    const owner = (k: number) => this.groups.find((g) => g.indices.includes(k)) as Group;
    const reference = 0;
    const other = count - 1;
    const [centerReply, otherReply] = await Promise.all([
      this.ask(owner(reference), { type: "finals", indices: [reference] }, "finals"),
      this.ask(owner(other), { type: "finals", indices: [other] }, "finals"),
    ]);
    const center = centerReply.params[0];
    const start = Float32Array.from(initialParameters(BOOK_NETWORK, SEED));
    const end = other === reference ? center : otherReply.params[0];
    const projected = await Promise.all(
      this.groups.map((g) =>
        this.ask(g, { type: "project", mode, seed: SEED, center, start, other: end }, "projected"),
      ),
    );
    const paths: (readonly (readonly [number, number])[])[] = Array.from({ length: count }, () => []);
    for (const reply of projected)
      reply.indices.forEach((k, i) => {
        paths[k] = reply.points[i];
      });
    const { alphas, betas } = sliceAxes(paths, GRID);
    const values = new Float64Array(GRID * GRID).fill(Number.NaN);
    this.slice = { mode, reference: this.labels[reference], alphas, betas, values, paths, ms: 0 };
    let rowsDone = 0;
    await Promise.all(
      this.groups.map((g, w) => {
        const rows = betas.map((_, j) => j).filter((j) => j % this.groups.length === w);
        const listener = (event: MessageEvent<FromWorker>) => {
          const message = event.data;
          if (message.type !== "slice-row") return;
          values.set(message.values, message.row * GRID);
          rowsDone++;
          bar.value = rowsDone / GRID;
          this.scheduleDraw();
        };
        g.worker.addEventListener("message", listener);
        return this.ask(
          g,
          { type: "evaluate", alphas, betas, rows, evaluationImages: SLICE_IMAGES },
          "slice-done",
        ).then(() => g.worker.removeEventListener("message", listener));
      }),
    );
    const ms = performance.now() - began;
    this.slice = { ...this.slice, ms };
    this.timing.sliceMs = ms;
    this.sliceState = "done";
    bar.value = 1;
    this.drawSlice();
  }

  private clearSlice(): void {
    byId<HTMLProgressElement>("slice-progress").value = 0;
    byId("slice-caption").textContent = "";
    const canvas = byId<HTMLCanvasElement>("slice");
    const { width, height, ratio } = fitCanvas(canvas);
    const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
  }

  private drawSlice(): void {
    const slice = this.slice;
    if (slice === null) return;
    const canvas = byId<HTMLCanvasElement>("slice");
    const { width, height, ratio } = fitCanvas(canvas);
    const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    const margin = { left: 48, right: 60, top: 10, bottom: 34 };
    const side = Math.max(
      50,
      Math.min(width - margin.left - margin.right, height - margin.top - margin.bottom),
    );
    const plot = { left: margin.left, top: margin.top, width: side, height: side };
    const n = slice.alphas.length;
    const logs = Array.from(slice.values, (v) => (v > 0 ? Math.log10(v) : Number.NaN));
    const finite = logs.filter(Number.isFinite);
    const lo = Math.min(...finite);
    const hi = Math.max(...finite);
    const t = (v: number) => (Number.isFinite(v) ? (v - lo) / Math.max(1e-12, hi - lo) : Number.NaN);
    const cells = document.createElement("canvas");
    cells.width = n;
    cells.height = n;
    const image = new ImageData(n, n);
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const v = t(logs[j * n + i]);
        const o = 4 * ((n - 1 - j) * n + i);
        if (!Number.isFinite(v)) continue;
        const colour = rgb(interpolateViridis(v));
        image.data.set([colour.r, colour.g, colour.b, 255], o);
      }
    (cells.getContext("2d") as CanvasRenderingContext2D).putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, plot.left, plot.top, plot.width, plot.height);
    const [a0, a1] = [slice.alphas[0], slice.alphas[n - 1]];
    const [b0, b1] = [slice.betas[0], slice.betas[n - 1]];
    const px = (a: number) => plot.left + ((a - a0) / (a1 - a0)) * plot.width;
    const py = (b: number) => plot.top + plot.height - ((b - b0) / (b1 - b0)) * plot.height;
    // Contour lines of log10 loss (marching squares on the grid, samples at cell centres).
    if (finite.length === logs.length) {
      ctx.strokeStyle = "rgba(255,255,255,0.55)";
      ctx.lineWidth = 0.8;
      ctx.beginPath();
      const cw = plot.width / n;
      const ch = plot.height / n;
      for (let l = 1; l < 12; l++) {
        const segments = contourSegments(logs, n, n, lo + ((hi - lo) * l) / 12);
        for (let k = 0; k < segments.length; k += 4) {
          ctx.moveTo(plot.left + segments[k] * cw, plot.top + plot.height - segments[k + 1] * ch);
          ctx.lineTo(plot.left + segments[k + 2] * cw, plot.top + plot.height - segments[k + 3] * ch);
        }
      }
      ctx.stroke();
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top, plot.width, plot.height);
    ctx.clip();
    slice.paths.forEach((path, k) => {
      const style = this.styles[k];
      if (!style || path.length === 0) return;
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 5;
      ctx.setLineDash([]);
      ctx.beginPath();
      path.forEach(([a, b], s) => {
        if (s === 0) ctx.moveTo(px(a), py(b));
        else ctx.lineTo(px(a), py(b));
      });
      ctx.stroke();
      ctx.strokeStyle = style.color;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(dashOf(style));
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = style.color;
      for (const [a, b] of path.slice(1)) {
        ctx.beginPath();
        ctx.arc(px(a), py(b), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
      const [ea, eb] = path[path.length - 1];
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 1.5;
      ctx.fillRect(px(ea) - 5, py(eb) - 5, 10, 10);
      ctx.strokeRect(px(ea) - 5, py(eb) - 5, 10, 10);
    });
    const first = slice.paths[0]?.[0];
    if (first) {
      ctx.fillStyle = "#fff";
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(px(first[0]), py(first[1]), 6, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    ctx.restore();
    ctx.strokeStyle = "#555";
    ctx.lineWidth = 1;
    ctx.strokeRect(plot.left, plot.top, plot.width, plot.height);
    ctx.fillStyle = "#333";
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    // A tick within rounding of 0 is written 0.
    const tick = (v: number, span: number) => shortNumber(Math.abs(v) < 1e-9 * span ? 0 : v);
    for (const a of [a0, (a0 + a1) / 2, a1])
      ctx.fillText(tick(a, a1 - a0), px(a), plot.top + plot.height + 4);
    ctx.fillText(
      slice.mode === "plane" ? "α (towards the start)" : "α",
      plot.left + plot.width / 2,
      plot.top + plot.height + 18,
    );
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const b of [b0, (b0 + b1) / 2, b1]) ctx.fillText(tick(b, b1 - b0), plot.left - 4, py(b));
    // The colour bar: log10 loss.
    const x = plot.left + plot.width + 12;
    for (let k = 0; k < plot.height; k++) {
      ctx.fillStyle = interpolateViridis(1 - k / plot.height);
      ctx.fillRect(x, plot.top + k, 10, 1.5);
    }
    ctx.fillStyle = "#333";
    ctx.textAlign = "left";
    ctx.fillText(`${shortNumber(10 ** hi)}`, x + 13, plot.top + 6);
    ctx.fillText(`${shortNumber(10 ** lo)}`, x + 13, plot.top + plot.height - 6);
    ctx.fillText("loss", x + 13, plot.top + plot.height / 2);
    const directions =
      slice.mode === "random"
        ? "two filter-normalised Gaussian directions (Li et al. 2018; biases 0); a trajectory is nearly orthogonal to random directions in 119,000 dimensions, so its projection stays near the centre — the plane through the start and two ends shows the paths"
        : `the plane through the shared start, ${slice.reference}'s end and ${this.labels.at(-1)}'s end`;
    const done = this.sliceState === "done";
    byId("slice-caption").textContent =
      `Loss on the first ${SLICE_IMAGES} training digits around ${slice.reference}'s final weights, along ${directions}; ` +
      `${n} × ${n} grid, colour log-scaled. Every run's snapshots (every ${Math.ceil(this.iterations / SNAPSHOTS)} updates) projected onto the same plane; ring: the shared start, squares: the ends.` +
      (done
        ? ` Computed in ${(slice.ms / 1000).toFixed(1)} s in ${this.groups.length} worker${this.groups.length > 1 ? "s" : ""}.`
        : "");
    canvas.setAttribute(
      "aria-label",
      `Loss landscape slice, loss from ${shortNumber(10 ** lo)} to ${shortNumber(10 ** hi)}; paths: ${this.labels.join(", ")}`,
    );
  }

  // ---- table and exports ---------------------------------------------------------------------

  rows(): ResultRow[] {
    return this.specs.map((spec, k) => {
      const evaluations = this.accuracy.filter((a) => a.index === k);
      const last = evaluations.at(-1);
      const group = this.groups.find((g) => g.indices.includes(k));
      const updates = this.losses[k]?.length ?? 0;
      return {
        optimizer: this.labels[k],
        spec,
        finalLoss: mean((this.losses[k] ?? []).slice(-20)),
        testAccuracy: last ? last.value : null,
        // The group's training time per update, shared evenly between the networks it trains.
        msPerUpdate: group && updates > 0 ? group.trainMs / updates / group.indices.length : null,
        updates,
      };
    });
  }

  private drawTable(): void {
    const body = byId("mnist-table").querySelector("tbody") as HTMLTableSectionElement;
    body.replaceChildren(
      ...this.rows().map((row, k) =>
        el("tr", {}, [
          el("th", { scope: "row" }, [
            el("span", { class: "swatch", style: `background:${this.styles[k]?.color ?? "#888"}` }),
            ` ${row.optimizer}`,
          ]),
          el("td", {}, [Number.isFinite(row.finalLoss) ? row.finalLoss.toFixed(4) : "—"]),
          el("td", {}, [row.testAccuracy === null ? "—" : `${(100 * row.testAccuracy).toFixed(2)} %`]),
          el("td", {}, [row.msPerUpdate === null ? "—" : row.msPerUpdate.toFixed(2)]),
        ]),
      ),
    );
  }

  private exportCsv(): void {
    const lines = ["optimizer,spec,updates,final_loss,test_accuracy,ms_per_update"];
    for (const r of this.rows())
      lines.push(
        [
          JSON.stringify(r.optimizer),
          JSON.stringify(r.spec),
          r.updates,
          r.finalLoss,
          r.testAccuracy ?? "",
          r.msPerUpdate ?? "",
        ].join(","),
      );
    download("optlab-mnist-results.csv", `${lines.join("\n")}\n`, "text/csv");
  }

  private exportJson(): void {
    const document = {
      network: BOOK_NETWORK,
      seed: SEED,
      batchSize: BATCH,
      iterations: this.iterations,
      engine: this.engine,
      data: this.description,
      results: this.rows(),
      curves: this.specs.map((spec, k) => ({ spec, losses: this.losses[k] ?? [] })),
      evaluations: this.accuracy,
      slice: this.slice ? { ...this.slice, values: Array.from(this.slice.values) } : null,
    };
    download("optlab-mnist-results.json", `${JSON.stringify(document)}\n`, "application/json");
  }

  // ---- drawing -------------------------------------------------------------------------------

  private drawLegend(): void {
    byId("mnist-legend").replaceChildren(
      ...this.labels.map((label, i) =>
        el("li", {}, [
          el("span", { class: "swatch", style: `background:${this.styles[i]?.color ?? "#888"}` }),
          label,
        ]),
      ),
    );
  }

  private scheduleDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  draw(): void {
    const steps = Math.max(1, this.iterations || this.settings.iterations);
    this.lossChart.draw(
      this.losses.map((values, i) => ({
        values: smoothed(values, 20),
        color: this.styles[i]?.color ?? "#888",
        dash: this.styles[i] ? dashOf(this.styles[i]) : [],
        divergedAt: null,
        offset: 1,
      })),
      steps,
      this.progress,
    );
    const errorSeries = this.labels.map((_, k) => {
      const values = new Float64Array(steps + 1).fill(Number.NaN);
      for (const record of this.accuracy) if (record.index === k) values[record.update] = 1 - record.value;
      return {
        values,
        color: this.styles[k]?.color ?? "#888",
        dash: this.styles[k] ? dashOf(this.styles[k]) : [],
        divergedAt: null,
        dots: true,
      };
    });
    this.accuracyChart.draw(errorSeries, steps, this.progress);
    if (this.slice) this.drawSlice();
  }
}
