import { InputRangeError } from "../util/errors.js";
import type { RunResult, RunSpec } from "./runspec.js";
import {
  defaultsConfig,
  findSearchSpace,
  type SearchSpace,
  type TrialConfig,
  trialConfig,
} from "./search-spaces.js";
import { median, pairedDifference } from "./stats.js";
import { TARGET_RULE, type Workload, workloadKey } from "./workloads.js";

/**
 * The fair tier's benchmark protocol (issue 12; AlgoPerf's external-tuning shape, Crowded Valley's one-shot track):
 *  - calibration: when a workload version has no stored target, AdamW at its defaults (warmup 5 % then cosine) on
 *    `calibrationSeeds`; the target is the median of their best validation accuracies, rounded down to 0.1 %;
 *  - tuning: per optimizer `studies` (k) independent studies of `trialsPerStudy` (n) trials, trial i being point i
 *    of the space's scrambled Halton sequence; study j runs its trials on tuning seed `tuningSeeds[j]`;
 *    the best trial of a study is the one with the fewest steps to the target (ties, misses included: higher best
 *    validation accuracy, then the lower trial index); the reported tuned score is the median over the k studies;
 *  - final: the best trial of the median study, rerun on `finalSeeds` (paired across optimizers: same weights, same
 *    batches) for the leaderboard's interval;
 *  - defaults: every optimizer at its library defaults with the declared warmup-cosine, 1.5× the step budget, one
 *    run per seed in `defaultSeeds`.
 * Steps to target are read from each run's validation evaluations (first evaluation at or above the target; a miss
 * within the budget is ∞), so a target calibrated in the same study needs no rerun. Everything is a pure function
 * of the config and the results so far, so a study plans into run specs, runs anywhere, merges and resumes.
 */
export interface BenchmarkWorkload {
  /** `id@version`, plus `:steps=N` etc. when a preset shortens the workload (a different problem, named so). */
  readonly key: string;
  readonly workload: Workload;
  /** The MLP's hidden widths, or the conv network's affine width (one entry). */
  readonly hidden: readonly number[];
  readonly stepBudget: number;
  readonly evalEvery: number;
  /** Training images held out at the end of the training split for validation (the workload's, or a preset's). */
  readonly validation: number;
  /** The stored target of this exact definition, or null: calibrated by the study. */
  readonly target: number | null;
}

export interface BenchmarkConfig {
  readonly name: string;
  readonly preset: string;
  readonly workloads: readonly BenchmarkWorkload[];
  /** Labels of `SEARCH_SPACES`. */
  readonly optimizers: readonly string[];
  readonly studies: number;
  readonly trialsPerStudy: number;
  readonly haltonSeed: number;
  readonly tuningSeeds: readonly number[];
  readonly defaultSeeds: readonly number[];
  readonly finalSeeds: readonly number[];
  readonly calibrationSeeds: readonly number[];
  readonly defaultsBudgetFactor: number;
}

/** A miss counts as this many budgets in paired step differences (the profile's r_max, so it is never a win). */
export const MISS_PENALTY_BUDGETS = 4;

/** The largest ratio of the performance profile and of its area (AlgoPerf's r_max). */
export const PROFILE_MAX_RATIO = 4;

/** A workload as a study runs it, optionally shortened or shrunk by a preset (then its stored target no longer applies). */
export function benchmarkWorkload(
  workload: Workload,
  change: {
    stepBudget?: number;
    evalEvery?: number;
    hidden?: readonly number[];
    validation?: number;
  } = {},
): BenchmarkWorkload {
  const own =
    workload.network.kind === "mlp"
      ? workload.network.config.hiddenSizes
      : [workload.network.config.hiddenSize];
  const hidden = change.hidden ?? own;
  if (workload.network.kind === "conv" && hidden.length !== 1) {
    throw new InputRangeError(
      `workload ${workloadKey(workload)}: the conv network has one affine hidden layer, got hidden ${hidden.join("-")}`,
    );
  }
  const stepBudget = change.stepBudget ?? workload.stepBudget;
  const evalEvery = change.evalEvery ?? workload.evalEvery;
  const validation = change.validation ?? workload.data.validation;
  if (!(Number.isInteger(validation) && validation >= 1 && validation < workload.data.trainingSplit)) {
    throw new InputRangeError(
      `workload ${workloadKey(workload)}: validation must be a whole number in [1, ${workload.data.trainingSplit - 1}], got ${validation}`,
    );
  }
  const parts: string[] = [];
  if (stepBudget !== workload.stepBudget) parts.push(`steps=${stepBudget}`);
  if (evalEvery !== workload.evalEvery) parts.push(`eval=${evalEvery}`);
  if (hidden.join("-") !== own.join("-")) parts.push(`hidden=${hidden.join("-")}`);
  if (validation !== workload.data.validation) parts.push(`val=${validation}`);
  return {
    key: [workloadKey(workload), ...parts].join(":"),
    workload,
    hidden,
    stepBudget,
    evalEvery,
    validation,
    target: parts.length === 0 ? workload.target.value : null,
  };
}

/** One line: what a study's workload is, as run (a shortened or shrunk one says what it derives from). */
export function describeWorkload(w: BenchmarkWorkload): string {
  const d = w.workload.data;
  const data = d.dataset === "mnist" ? "the bundled MNIST sample" : "Fashion-MNIST";
  const network =
    w.workload.network.kind === "mlp"
      ? `MLP 784-${w.hidden.join("-")}-10`
      : `SimpleConvNet (conv 30×5×5, ReLU, pool 2×2, 4320-${w.hidden[0]}-10)`;
  const own =
    `${data} (${d.trainingSplit - w.validation} training + ${w.validation} validation images), ` +
    `${network}, batch ${w.workload.batchSize}, ${w.stepBudget} updates`;
  return w.key === workloadKey(w.workload)
    ? own
    : `${own}; derived from ${workloadKey(w.workload)}: ${w.workload.summary}`;
}

export function checkBenchmarkConfig(config: BenchmarkConfig): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new InputRangeError(`benchmark: ${name} must be a whole number >= ${min}, got ${v}`);
  };
  whole("studies", config.studies, 1);
  whole("trialsPerStudy", config.trialsPerStudy, 1);
  if (config.tuningSeeds.length !== config.studies)
    throw new InputRangeError(
      `benchmark: one tuning seed per study is needed (${config.studies}), got ${config.tuningSeeds.length}`,
    );
  if (
    config.finalSeeds.length === 0 ||
    config.defaultSeeds.length === 0 ||
    config.calibrationSeeds.length === 0
  )
    throw new InputRangeError("benchmark: final, defaults and calibration seeds must each be at least one");
  const tuning = new Set(config.tuningSeeds);
  const shared = [...config.finalSeeds, ...config.defaultSeeds, ...config.calibrationSeeds].filter((s) =>
    tuning.has(s),
  );
  if (shared.length > 0)
    throw new InputRangeError(
      `benchmark: tuning seeds must not be reporting seeds, both have ${shared.join(", ")}`,
    );
  for (const label of config.optimizers) findSearchSpace(label);
  if (!(config.defaultsBudgetFactor >= 1))
    throw new InputRangeError(
      `benchmark: defaultsBudgetFactor must be >= 1, got ${config.defaultsBudgetFactor}`,
    );
}

/** First validation evaluation at or above the target (null: a miss within the run). */
export function stepsToReach(result: RunResult, target: number): number | null {
  for (const e of result.evaluations) if (e.iteration > 0 && e.accuracy >= target) return e.iteration;
  return null;
}

/** Best validation accuracy a run reached (−∞ when it has none). */
export function bestAccuracy(result: RunResult): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const e of result.evaluations) if (Number.isFinite(e.accuracy) && e.accuracy > best) best = e.accuracy;
  return best;
}

function runSpec(
  config: BenchmarkConfig,
  w: BenchmarkWorkload,
  space: SearchSpace,
  path: string,
  trial: TrialConfig,
  seed: number,
  iterations: number,
  test: boolean,
): RunSpec {
  return {
    kind: "mnist",
    id: `${config.name}/${w.key}/${path}`,
    data: w.workload.data.dataset,
    validation: w.validation,
    ...(w.workload.network.kind === "conv" ? { network: "conv" as const } : {}),
    hidden: w.hidden,
    optimizer: { id: space.id, hp: trial.hp },
    ...(trial.schedule === null ? {} : { schedule: trial.schedule }),
    curveLoss: "pre-update",
    seed,
    iterations,
    batchSize: w.workload.batchSize,
    evalEvery: w.evalEvery,
    test,
    trainEval: 0,
    target: w.target ?? 0,
  };
}

/** The calibration runs of a workload (none when its target is stored). */
export function calibrationRuns(config: BenchmarkConfig, w: BenchmarkWorkload): RunSpec[] {
  if (w.target !== null) return [];
  const space = findSearchSpace("adamw");
  const trial = defaultsConfig(space, w.stepBudget);
  return config.calibrationSeeds.map((seed) =>
    runSpec(config, w, space, `calibrate/seed=${seed}`, trial, seed, w.stepBudget, false),
  );
}

/** The workload's target: stored, or calibrated from finished calibration runs (null until they all are). */
export function workloadTarget(
  config: BenchmarkConfig,
  w: BenchmarkWorkload,
  results: ReadonlyMap<string, RunResult>,
): number | null {
  if (w.target !== null) return w.target;
  const runs = calibrationRuns(config, w).map((r) => results.get(r.id));
  if (runs.some((r) => r === undefined)) return null;
  const best = (runs as RunResult[]).map(bestAccuracy).filter(Number.isFinite);
  if (best.length === 0) return null;
  return Math.floor(median(best) * 1000) / 1000;
}

export interface TrialOutcome {
  readonly index: number;
  readonly study: number;
  readonly config: TrialConfig;
  readonly spec: RunSpec;
  readonly result: RunResult | undefined;
  readonly steps: number | null;
  readonly bestAccuracy: number;
}

function better(a: TrialOutcome, b: TrialOutcome): boolean {
  const sa = a.steps ?? Number.POSITIVE_INFINITY;
  const sb = b.steps ?? Number.POSITIVE_INFINITY;
  if (sa !== sb) return sa < sb;
  if (a.bestAccuracy !== b.bestAccuracy) return a.bestAccuracy > b.bestAccuracy;
  return a.index < b.index;
}

export interface OptimizerProgress {
  readonly space: SearchSpace;
  readonly trials: TrialOutcome[];
  /** Best trial of each study (null until the study's trials and the target are done). */
  readonly studyBest: (TrialOutcome | null)[];
  /** The best trial of the median study: the configuration rerun on the final seeds. */
  readonly chosen: TrialOutcome | null;
  readonly defaults: TrialConfig;
  readonly runs: { tuning: RunSpec[]; defaults: RunSpec[]; final: RunSpec[] };
}

export function optimizerProgress(
  config: BenchmarkConfig,
  w: BenchmarkWorkload,
  label: string,
  results: ReadonlyMap<string, RunResult>,
): OptimizerProgress {
  const space = findSearchSpace(label);
  const target = workloadTarget(config, w, results);
  const trials: TrialOutcome[] = [];
  for (let study = 0; study < config.studies; study++) {
    for (let t = 0; t < config.trialsPerStudy; t++) {
      const index = study * config.trialsPerStudy + t;
      const trial = trialConfig(space, index, config.haltonSeed, w.stepBudget);
      const seed = config.tuningSeeds[study];
      const spec = runSpec(config, w, space, `${label}/trial=${index}`, trial, seed, w.stepBudget, false);
      const result = results.get(spec.id);
      trials.push({
        index,
        study,
        config: trial,
        spec,
        result,
        steps: result && target !== null ? stepsToReach(result, target) : null,
        bestAccuracy: result ? bestAccuracy(result) : Number.NEGATIVE_INFINITY,
      });
    }
  }
  const studyBest = Array.from({ length: config.studies }, (_, study) => {
    const own = trials.filter((t) => t.study === study);
    if (target === null || own.some((t) => t.result === undefined)) return null;
    return own.reduce((a, b) => (better(b, a) ? b : a));
  });
  let chosen: TrialOutcome | null = null;
  if (studyBest.every((b) => b !== null)) {
    const ranked = [...(studyBest as TrialOutcome[])].sort((a, b) =>
      better(a, b) ? -1 : better(b, a) ? 1 : 0,
    );
    chosen = ranked[Math.floor((ranked.length - 1) / 2)];
  }
  const defaultsSteps = Math.round(config.defaultsBudgetFactor * w.stepBudget);
  const defaults = defaultsConfig(space, defaultsSteps);
  const defaultsRuns = config.defaultSeeds.map((seed) =>
    runSpec(config, w, space, `${label}/defaults/seed=${seed}`, defaults, seed, defaultsSteps, true),
  );
  const finalRuns =
    chosen === null
      ? []
      : config.finalSeeds.map((seed) =>
          runSpec(
            config,
            w,
            space,
            `${label}/final/seed=${seed}`,
            (chosen as TrialOutcome).config,
            seed,
            w.stepBudget,
            true,
          ),
        );
  return {
    space,
    trials,
    studyBest,
    chosen,
    defaults,
    runs: { tuning: trials.map((t) => t.spec), defaults: defaultsRuns, final: finalRuns },
  };
}

/** Every run of the benchmark that can start now and has no result yet. */
export function benchmarkRuns(config: BenchmarkConfig, results: ReadonlyMap<string, RunResult>): RunSpec[] {
  const runs: RunSpec[] = [];
  for (const w of config.workloads) {
    runs.push(...calibrationRuns(config, w));
    for (const label of config.optimizers) {
      const p = optimizerProgress(config, w, label, results);
      runs.push(...p.runs.tuning, ...p.runs.defaults, ...p.runs.final);
    }
  }
  return runs.filter((r) => !results.has(r.id));
}

/** Updates the whole benchmark will run (every run at full length), for progress and ETA. */
export function benchmarkUpdates(config: BenchmarkConfig): number {
  let total = 0;
  for (const w of config.workloads) {
    if (w.target === null) total += config.calibrationSeeds.length * w.stepBudget;
    const perOptimizer =
      config.studies * config.trialsPerStudy * w.stepBudget +
      config.defaultSeeds.length * Math.round(config.defaultsBudgetFactor * w.stepBudget) +
      config.finalSeeds.length * w.stepBudget;
    total += perOptimizer * config.optimizers.length;
  }
  return total;
}

/**
 * Multiply-adds of one update's forward pass (batch × per-image products): a run's relative cost per update, so
 * that progress and ETA weigh a conv update (≈ 6× the MLP's) as what it costs rather than as one update.
 */
export function workPerUpdate(spec: Pick<RunSpec, "network" | "hidden" | "batchSize">): number {
  if (spec.network === "conv") {
    // SimpleConvNet on 28×28: 24×24 positions × 25 taps × 30 filters, then 4320 → hidden → 10.
    return spec.batchSize * (24 * 24 * 25 * 30 + 4320 * spec.hidden[0] + spec.hidden[0] * 10);
  }
  const sizes = [784, ...spec.hidden, 10];
  let macs = 0;
  for (let l = 1; l < sizes.length; l++) macs += sizes[l - 1] * sizes[l];
  return spec.batchSize * macs;
}

/** A run's work: its updates × `workPerUpdate` (a diverged run counts in full: progress is about plans). */
export function runWork(spec: RunSpec): number {
  return spec.iterations * workPerUpdate(spec);
}

/** The whole benchmark's work (every run at full length) in `workPerUpdate` units, for progress and ETA. */
export function benchmarkWork(config: BenchmarkConfig): number {
  let total = 0;
  for (const w of config.workloads) {
    const per = workPerUpdate({
      network: w.workload.network.kind,
      hidden: w.hidden,
      batchSize: w.workload.batchSize,
    });
    total += per * benchmarkUpdates({ ...config, workloads: [w] });
  }
  return total;
}

/**
 * Expected best value after k trials drawn without replacement from a pool (Sivaprasad et al.'s tunability curve),
 * exactly: with the pool sorted best first, P(best of k = the i-th) = C(N − i, k − 1) / C(N, k).
 * `higherIsBetter`: accuracies (true) or losses/steps (false). Returns the curve for k = 1…N.
 */
export function expectedBestOfK(pool: readonly number[], higherIsBetter = true): number[] {
  const sorted = [...pool].sort((a, b) => (higherIsBetter ? b - a : a - b));
  const n = sorted.length;
  const curve: number[] = [];
  for (let k = 1; k <= n; k++) {
    // p_i = C(n−i, k−1)/C(n, k) for i = 1…n, computed as a running ratio to avoid large factorials.
    let p = k / n; // i = 1: C(n−1, k−1)/C(n, k) = k/n
    let sum = 0;
    for (let i = 1; i <= n - k + 1; i++) {
      sum += p * sorted[i - 1];
      // p_{i+1}/p_i = C(n−i−1, k−1)/C(n−i, k−1) = (n−i−k+1)/(n−i)
      p *= n - i > 0 ? (n - i - k + 1) / (n - i) : 0;
    }
    curve.push(sum);
  }
  return curve;
}

/** ρ(τ) at every ratio where it changes, and the area B = (1/(r_max − 1))·∫₁^{r_max} ρ(τ) dτ (AlgoPerf). */
export function profileArea(ratios: readonly number[], maxRatio = PROFILE_MAX_RATIO): number {
  const n = ratios.length;
  if (n === 0) return Number.NaN;
  let area = 0;
  for (const r of ratios) if (r <= maxRatio) area += (maxRatio - Math.max(1, r)) / n;
  return area / (maxRatio - 1);
}

/** Ratio of each optimizer's cost to the best on one workload (∞ for a miss or when nobody reached the target). */
export function costRatios(costs: readonly number[]): number[] {
  const best = Math.min(...costs.filter((c) => Number.isFinite(c) && c > 0));
  return costs.map((c) =>
    Number.isFinite(c) && Number.isFinite(best) ? c / best : Number.POSITIVE_INFINITY,
  );
}

/** Steps to target as numbers for paired differences: a miss costs `MISS_PENALTY_BUDGETS` budgets. */
export function penalizedSteps(steps: readonly (number | null)[], budget: number): number[] {
  return steps.map((s) => s ?? MISS_PENALTY_BUDGETS * budget);
}

/** The median and its exact sign-test interval of one sample (the order statistics `pairedDifference` uses). */
export function medianInterval(sample: readonly number[]): {
  median: number;
  low: number;
  high: number;
  confidence: number;
} {
  const d = pairedDifference(
    sample,
    sample.map(() => 0),
  );
  return { median: d.median, low: d.low, high: d.high, confidence: d.confidence };
}

export { TARGET_RULE };

/** Per workload and optimizer, the numbers of the leaderboard. */
export interface LeaderboardEntry {
  readonly label: string;
  readonly id: string;
  /** Steps to target of the final reruns (null per seed: a miss), their median (∞: most missed) and interval. */
  readonly final: {
    readonly seeds: readonly number[];
    readonly steps: readonly (number | null)[];
    readonly median: number;
    readonly low: number;
    readonly high: number;
    readonly confidence: number;
    readonly reached: number;
    readonly testAccuracy: number;
  } | null;
  /** Median over the k studies of each study's best trial (the tuning track's own score). */
  readonly studyMedianSteps: number | null;
  readonly studyBest: readonly {
    readonly trial: number;
    readonly steps: number | null;
    readonly bestAccuracy: number;
  }[];
  readonly chosen: { readonly trial: number; readonly config: TrialConfig } | null;
  readonly defaults: {
    readonly config: TrialConfig;
    readonly steps: readonly (number | null)[];
    readonly median: number;
    readonly reached: number;
    readonly runs: number;
  };
  /** Median ms per update over every run of this optimizer on this workload; seconds to target = median × ms. */
  readonly msPerStep: number;
  readonly secondsToTarget: number;
  readonly ledger: {
    readonly trials: number;
    readonly runs: number;
    readonly updates: number;
    readonly seconds: number;
  };
  /** Expected best validation accuracy after k = 1…N trials of the tuning pool. */
  readonly tunability: readonly number[];
  readonly diverged: number;
}

export interface WorkloadBoard {
  readonly key: string;
  readonly summary: string;
  readonly target: number | null;
  readonly targetSource: "stored" | "calibrated" | "pending";
  readonly stepBudget: number;
  readonly evalEvery: number;
  readonly entries: readonly LeaderboardEntry[];
}

const finiteOr = (v: number, fallback: number) => (Number.isFinite(v) ? v : fallback);

export function summarizeBenchmark(
  config: BenchmarkConfig,
  results: ReadonlyMap<string, RunResult>,
): WorkloadBoard[] {
  return config.workloads.map((w) => {
    const target = workloadTarget(config, w, results);
    const entries = config.optimizers.map((label): LeaderboardEntry => {
      const p = optimizerProgress(config, w, label, results);
      const got = (specs: readonly RunSpec[]) =>
        specs.map((s) => results.get(s.id)).filter((r): r is RunResult => r !== undefined);
      const tuning = got(p.runs.tuning);
      const defaults = got(p.runs.defaults);
      const final = got(p.runs.final);
      const all = [...tuning, ...defaults, ...final];
      const reach = (r: RunResult) => (target === null ? null : stepsToReach(r, target));
      const asCost = (s: number | null) => s ?? Number.POSITIVE_INFINITY;
      let finalBlock: LeaderboardEntry["final"] = null;
      if (final.length > 0) {
        const steps = final.map(reach);
        const m = medianInterval(steps.map(asCost));
        finalBlock = {
          seeds: final.map((r) => r.spec.seed),
          steps,
          ...m,
          reached: steps.filter((s) => s !== null).length,
          testAccuracy: median(final.map((r) => finiteOr(r.final.testAccuracy ?? Number.NaN, 0))),
        };
      }
      const best = p.studyBest.filter((b): b is TrialOutcome => b !== null);
      const msPerStep = median(all.map((r) => r.msPerStep));
      const defaultsSteps = defaults.map(reach);
      return {
        label,
        id: p.space.id,
        final: finalBlock,
        studyMedianSteps: best.length === config.studies ? median(best.map((b) => asCost(b.steps))) : null,
        studyBest: best.map((b) => ({ trial: b.index, steps: b.steps, bestAccuracy: b.bestAccuracy })),
        chosen: p.chosen ? { trial: p.chosen.index, config: p.chosen.config } : null,
        defaults: {
          config: p.defaults,
          steps: defaultsSteps,
          median: defaults.length > 0 ? median(defaultsSteps.map(asCost)) : Number.NaN,
          reached: defaultsSteps.filter((s) => s !== null).length,
          runs: defaults.length,
        },
        msPerStep,
        secondsToTarget: finalBlock ? (finalBlock.median * msPerStep) / 1000 : Number.NaN,
        ledger: {
          trials: tuning.length,
          runs: all.length,
          updates: all.reduce((sum, r) => sum + (r.divergedAt ?? r.spec.iterations), 0),
          seconds: all.reduce((sum, r) => sum + r.seconds, 0),
        },
        tunability: expectedBestOfK(tuning.map((r) => finiteOr(bestAccuracy(r), 0))),
        diverged: all.filter((r) => r.status !== "ok").length,
      };
    });
    return {
      key: w.key,
      summary: describeWorkload(w),
      target,
      targetSource: w.target !== null ? "stored" : target !== null ? "calibrated" : "pending",
      stepBudget: w.stepBudget,
      evalEvery: w.evalEvery,
      entries,
    };
  });
}
