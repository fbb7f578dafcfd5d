/**
 * The MNIST tab: the seed's network trained by the chosen optimizers in a Web Worker (the page stays
 * responsive), live training-loss and test-accuracy curves, stop and resume.
 */

import { createOptimizer } from "../../src/optim/index.js";
import { seriesStyle } from "../../src/plot/index.js";
import { StepChart } from "./charts.js";
import { byId, el, shortNumber } from "./dom.js";
import { type FromWorker, SEED_MNIST_SPECS, type ToWorker } from "./mnist-protocol.js";

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

export class MnistTab {
  private worker: Worker | null = null;
  private losses: number[][] = [];
  private accuracy: { update: number; values: readonly number[] }[] = [];
  private labels: readonly string[] = [];
  private iterations = 0;
  private update = 0;
  private engine = "";
  private readonly lossChart: StepChart;
  private readonly accuracyChart: StepChart;
  private readonly status = byId("mnist-status");
  private readonly specs = byId<HTMLTextAreaElement>("mnist-specs");
  private readonly iterationsBox = byId<HTMLInputElement>("mnist-iterations");
  private readonly legend = byId("mnist-legend");
  private drawPending = false;
  /** Updates seen (for tests and the status line). */
  progress = 0;

  constructor() {
    this.specs.value = SEED_MNIST_SPECS.join("\n");
    this.lossChart = new StepChart(
      byId<HTMLCanvasElement>("mnist-loss"),
      "training loss (batch, moving average of 20)",
    );
    this.accuracyChart = new StepChart(
      byId<HTMLCanvasElement>("mnist-accuracy"),
      "test error (1 − accuracy)",
    );
    byId("mnist-start").addEventListener("click", () => this.start());
    byId("mnist-stop").addEventListener("click", () => this.send({ type: "stop" }));
    byId("mnist-resume").addEventListener("click", () => this.send({ type: "resume" }));
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private start(): void {
    const specs = this.specs.value
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    try {
      if (specs.length === 0 || specs.length > 8)
        throw new RangeError(`mnist: give 1 to 8 optimizers, one per line, got ${specs.length}`);
      for (const spec of specs) createOptimizer(spec);
    } catch (error) {
      this.status.textContent = error instanceof Error ? error.message : String(error);
      this.status.classList.add("error");
      return;
    }
    const iterations = Math.min(10_000, Math.max(1, Math.round(Number(this.iterationsBox.value) || 2000)));
    this.iterationsBox.value = String(iterations);
    this.worker?.terminate();
    this.worker = new Worker(new URL("./mnist-worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      this.status.textContent = `mnist worker: ${event.message}`;
    };
    this.losses = specs.map(() => []);
    this.accuracy = [];
    this.iterations = iterations;
    this.update = 0;
    this.progress = 0;
    this.status.classList.remove("error");
    this.status.textContent = "loading the MNIST sample…";
    this.send({ type: "start", specs, seed: 1, iterations, batchSize: 128, evalEvery: 50 });
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "ready":
        this.labels = message.labels;
        this.engine = message.engine;
        this.legend.replaceChildren(
          ...message.labels.map((label, i) =>
            el("li", {}, [
              el("span", { class: "swatch", style: `background:${seriesStyle(i).color}` }),
              label,
            ]),
          ),
        );
        this.status.textContent = `training on ${message.description} (${message.engine} engine), batches of 128, seed 1`;
        break;
      case "progress":
        for (const [k, loss] of message.losses.entries()) this.losses[k]?.push(loss);
        this.update = message.update;
        this.progress = message.update;
        this.status.textContent = `update ${message.update} / ${this.iterations} · ${shortNumber(message.updatesPerSecond)} updates/s (${this.engine}) · last losses ${message.losses.map(shortNumber).join(", ")}`;
        break;
      case "eval":
        this.accuracy.push({ update: message.update, values: message.accuracy });
        break;
      case "stopped":
        this.status.textContent = `stopped after update ${message.update}; Resume continues exactly where it stopped`;
        break;
      case "done":
        this.status.textContent = `done: ${message.update} updates (${this.engine} engine)`;
        break;
      case "error":
        this.status.textContent = message.message;
        this.status.classList.add("error");
        break;
    }
    this.scheduleDraw();
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
    const steps = Math.max(1, this.iterations);
    this.lossChart.draw(
      this.losses.map((values, i) => ({
        values: smoothed(values, 20),
        color: seriesStyle(i).color,
        dash: [],
        divergedAt: null,
        offset: 1,
      })),
      steps,
      this.update,
    );
    const errorSeries = this.labels.map((_, k) => {
      const values = new Float64Array(steps + 1).fill(Number.NaN);
      for (const record of this.accuracy) values[record.update] = 1 - record.values[k];
      return { values, color: seriesStyle(k).color, dash: [], divergedAt: null, dots: true };
    });
    this.accuracyChart.draw(errorSeries, steps, this.update);
  }
}
