/**
 * Timing optimizers properly (the seed's §4.4 timed whole scripts, ~0.04 s each, which measures
 * Python's start-up, not the optimizers). Here each number is a median over many repetitions after
 * warm-up, with its spread (quartiles and min–max), of a batch of steps timed together so the
 * clock's resolution does not matter. `performance.now()` is a global in Node, browsers and workers.
 */
import type { Landscape } from "../landscapes/types.js";
import { createOptimizer } from "../optim/index.js";
import type { Optimizer } from "../optim/types.js";
import { InputRangeError, show } from "../util/errors.js";
import { type OptimizerSpecInput, settingsText, shortLabel } from "./experiment.js";
import { type Spread, spreadOf as spread } from "./stats.js";

export interface TimingOptions {
  /** Untimed repetitions first, so the JIT has compiled the loop (default 30). */
  readonly warmup?: number;
  /** Timed repetitions (default 200). */
  readonly repetitions?: number;
  /** Steps per repetition of the per-step measurement (default 1000). */
  readonly stepsPerRepetition?: number;
  /** Runs to tolerance per repetition (default 50). */
  readonly runsPerRepetition?: number;
  /** The loss every run must reach (default 1e-3: f ≤ 1e-3, the minimum being f = 0 for the seed). */
  readonly tolerance?: number;
  /** Give up a run to tolerance after this many steps (default 10 000). */
  readonly maxSteps?: number;
  /** The clock in milliseconds (default `performance.now`); tests pass a fake one. */
  readonly now?: () => number;
}

export interface OptimizerTiming {
  readonly optimizerId: string;
  readonly label: string;
  readonly settings: string;
  /** Nanoseconds per optimizer step alone (fixed gradient), per repetition of `stepsPerRepetition` steps. */
  readonly stepNs: Spread;
  /** Nanoseconds per iteration: gradient of f plus the optimizer step. */
  readonly iterationNs: Spread;
  /** First step k with f(x_k) ≤ tolerance, or null when not reached within maxSteps. */
  readonly stepsToTolerance: number | null;
  /** Microseconds for a whole run from the start until f ≤ tolerance (null when never reached). */
  readonly timeToToleranceUs: Spread | null;
}

export interface TimingReport {
  readonly landscapeId: string;
  readonly start: readonly number[];
  readonly tolerance: number;
  readonly warmup: number;
  readonly repetitions: number;
  readonly stepsPerRepetition: number;
  readonly runsPerRepetition: number;
  readonly maxSteps: number;
  readonly timings: readonly OptimizerTiming[];
}

function whole(name: string, value: number, min: number): number {
  if (!(Number.isInteger(value) && value >= min))
    throw new InputRangeError(`timing: ${name} must be a whole number ≥ ${min}, got ${show(value)}`);
  return value;
}

/** Runs from `start` until f ≤ tolerance; returns the step count or null. Allocates only its state. */
function runToTolerance(
  optimizer: Optimizer,
  landscape: Landscape,
  start: readonly number[],
  tolerance: number,
  maxSteps: number,
  p: Float64Array,
  g: Float64Array,
): number | null {
  for (let i = 0; i < p.length; i++) p[i] = start[i];
  const state = optimizer.init(p.length);
  if (landscape.f(p) <= tolerance) return 0;
  for (let k = 1; k <= maxSteps; k++) {
    landscape.grad(p, g);
    optimizer.step(p, g, state);
    if (landscape.f(p) <= tolerance) return k;
  }
  return null;
}

/** Times one optimizer on a landscape (see the module comment for the protocol). */
export function timeOptimizer(
  landscape: Landscape,
  spec: OptimizerSpecInput,
  start: readonly number[],
  options: TimingOptions = {},
): OptimizerTiming {
  const warmup = whole("warmup", options.warmup ?? 30, 0);
  const repetitions = whole("repetitions", options.repetitions ?? 200, 1);
  const steps = whole("stepsPerRepetition", options.stepsPerRepetition ?? 1000, 1);
  const runs = whole("runsPerRepetition", options.runsPerRepetition ?? 50, 1);
  const maxSteps = whole("maxSteps", options.maxSteps ?? 10_000, 1);
  const tolerance = options.tolerance ?? 1e-3;
  const now = options.now ?? (() => performance.now());
  const optimizer = createOptimizer(spec);
  const dim = landscape.dim;
  const p = new Float64Array(dim);
  const g = new Float64Array(dim);
  const fixed = new Float64Array(dim);
  for (let i = 0; i < dim; i++) p[i] = start[i];
  landscape.grad(p, fixed);

  const stepSample: number[] = [];
  const iterationSample: number[] = [];
  for (let r = 0; r < warmup + repetitions; r++) {
    // Optimizer step alone, on a fixed gradient.
    for (let i = 0; i < dim; i++) p[i] = start[i];
    let state = optimizer.init(dim);
    let t0 = now();
    for (let k = 0; k < steps; k++) optimizer.step(p, fixed, state);
    const stepMs = now() - t0;
    // Gradient plus step, from the start.
    for (let i = 0; i < dim; i++) p[i] = start[i];
    state = optimizer.init(dim);
    t0 = now();
    for (let k = 0; k < steps; k++) {
      landscape.grad(p, g);
      optimizer.step(p, g, state);
    }
    const iterationMs = now() - t0;
    if (r >= warmup) {
      stepSample.push((stepMs * 1e6) / steps);
      iterationSample.push((iterationMs * 1e6) / steps);
    }
  }

  const stepsToTolerance = runToTolerance(optimizer, landscape, start, tolerance, maxSteps, p, g);
  let timeToToleranceUs: Spread | null = null;
  if (stepsToTolerance !== null) {
    const sample: number[] = [];
    for (let r = 0; r < warmup + repetitions; r++) {
      const t0 = now();
      for (let run = 0; run < runs; run++)
        runToTolerance(optimizer, landscape, start, tolerance, maxSteps, p, g);
      const ms = now() - t0;
      if (r >= warmup) sample.push((ms * 1e3) / runs);
    }
    timeToToleranceUs = spread(sample);
  }
  return {
    optimizerId: optimizer.id,
    label: shortLabel(optimizer),
    settings: settingsText(optimizer),
    stepNs: spread(stepSample),
    iterationNs: spread(iterationSample),
    stepsToTolerance,
    timeToToleranceUs,
  };
}

/** Times several optimizers, one after the other, on the same landscape and start. */
export function timeOptimizers(
  landscape: Landscape,
  specs: readonly OptimizerSpecInput[],
  start: readonly number[],
  options: TimingOptions = {},
): TimingReport {
  const timings = specs.map((spec) => timeOptimizer(landscape, spec, start, options));
  return {
    landscapeId: landscape.id,
    start: [...start],
    tolerance: options.tolerance ?? 1e-3,
    warmup: options.warmup ?? 30,
    repetitions: options.repetitions ?? 200,
    stepsPerRepetition: options.stepsPerRepetition ?? 1000,
    runsPerRepetition: options.runsPerRepetition ?? 50,
    maxSteps: options.maxSteps ?? 10_000,
    timings,
  };
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "—";
}

/** The report as a Markdown table. */
export function timingMarkdown(report: TimingReport): string {
  const lines = [
    `| optimizer | settings | step (ns, median) | step IQR (ns) | gradient + step (ns, median) | steps to f ≤ ${report.tolerance} | time to f ≤ ${report.tolerance} (µs, median) | IQR (µs) |`,
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const t of report.timings) {
    const tt = t.timeToToleranceUs;
    lines.push(
      `| ${t.label} | \`${t.settings}\` | ${fixed(t.stepNs.median, 1)} | ${fixed(t.stepNs.q1, 1)}–${fixed(t.stepNs.q3, 1)} | ${fixed(t.iterationNs.median, 1)} | ${t.stepsToTolerance ?? `not within ${report.maxSteps}`} | ${tt ? fixed(tt.median, 2) : "—"} | ${tt ? `${fixed(tt.q1, 2)}–${fixed(tt.q3, 2)}` : "—"} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The report as CSV (one row per optimizer). */
export function timingCsv(report: TimingReport): string {
  const header =
    "optimizer,settings,step_ns_median,step_ns_q1,step_ns_q3,step_ns_min,step_ns_max,iteration_ns_median,iteration_ns_q1,iteration_ns_q3,steps_to_tolerance,time_to_tolerance_us_median,time_to_tolerance_us_q1,time_to_tolerance_us_q3";
  const rows = report.timings.map((t) =>
    [
      t.optimizerId,
      `"${t.settings}"`,
      t.stepNs.median,
      t.stepNs.q1,
      t.stepNs.q3,
      t.stepNs.min,
      t.stepNs.max,
      t.iterationNs.median,
      t.iterationNs.q1,
      t.iterationNs.q3,
      t.stepsToTolerance ?? "",
      t.timeToToleranceUs?.median ?? "",
      t.timeToToleranceUs?.q1 ?? "",
      t.timeToToleranceUs?.q3 ?? "",
    ].join(","),
  );
  return `${[header, ...rows].join("\n")}\n`;
}
