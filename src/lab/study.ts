import { createOptimizer } from "../optim/index.js";
import { InputRangeError } from "../util/errors.js";
import type { RunResult, RunSpec } from "./runspec.js";
import { type Interval, meanInterval, median, spreadOf } from "./stats.js";
import {
  atGridEdge,
  checkTuningRule,
  extensionIndices,
  gridLearningRate,
  initialIndices,
  promote,
  type TuningRule,
  tuningBudget,
} from "./tuning.js";

/**
 * A comparison study: which optimizers, on which data, under which protocol.
 *   book — the seed as written (the book's settings), with paired reporting seeds added;
 *   fair — the same lr-tuning budget for every optimizer (`tuning.ts`), chosen on a validation split carved from
 *          the training data, then reporting seeds (disjoint from the tuning seeds) at full length; the untuned
 *          ("one-shot") result beside the tuned one; the test split is touched only by reporting runs.
 * A study is a pure function of its config and the results so far: `nextRuns` lists what can run now, so a
 * study can be split, run anywhere, merged and resumed without redoing finished runs.
 */
export interface StudyOptimizer {
  readonly label: string;
  readonly id: string;
  readonly hp: Readonly<Record<string, number | boolean>>;
}

export interface StudyConfig {
  readonly name: string;
  readonly tier: "book" | "fair";
  readonly data: string;
  readonly validation: number;
  readonly hidden: readonly number[];
  readonly optimizers: readonly StudyOptimizer[];
  readonly iterations: number;
  readonly batchSize: number;
  readonly evalEvery: number;
  readonly target: number;
  readonly seeds: readonly number[];
  readonly tuning?: TuningRule;
  /** Measure loss and accuracy on this many training images after the last update (train–test gap); 0 = no. */
  readonly trainEval?: number;
}

export function checkStudyConfig(config: StudyConfig): void {
  const labels = new Set<string>();
  for (const o of config.optimizers) {
    if (labels.has(o.label))
      throw new InputRangeError(`study: optimizer labels must be distinct, got ${o.label} twice`);
    labels.add(o.label);
    createOptimizer({ id: o.id, hp: o.hp });
  }
  if (config.seeds.length === 0) throw new InputRangeError("study: at least one reporting seed is needed");
  if (config.tier === "fair") {
    if (!config.tuning) throw new InputRangeError("study: the fair tier needs a tuning rule");
    checkTuningRule(config.tuning);
    if (config.validation <= 0)
      throw new InputRangeError("study: the fair tier needs a validation split > 0");
    const overlap = config.tuning.tuningSeeds.filter((s) => config.seeds.includes(s));
    if (overlap.length > 0) {
      throw new InputRangeError(
        `study: tuning and reporting seeds must be disjoint, both have ${overlap.join(", ")}`,
      );
    }
  }
}

/** The base learning rate an optimizer is tuned around: its given lr, else its default. */
export function baseLearningRate(o: StudyOptimizer): number {
  return createOptimizer({ id: o.id, hp: o.hp }).hp.lr as number;
}

/** The complete hyperparameter set (defaults filled in), so every run spec is self-contained. */
function completeHp(id: string, hp: StudyOptimizer["hp"]): Record<string, number | boolean> {
  return { ...createOptimizer({ id, hp }).hp };
}

function spec(config: StudyConfig, o: StudyOptimizer, id: string, patch: Partial<RunSpec>): RunSpec {
  const optimizer = patch.optimizer ?? { id: o.id, hp: o.hp };
  return {
    kind: "mnist",
    id: `${config.name}/${o.label}/${id}`,
    data: config.data,
    validation: config.validation,
    hidden: config.hidden,
    seed: 0,
    iterations: config.iterations,
    batchSize: config.batchSize,
    evalEvery: config.evalEvery,
    test: config.validation > 0,
    trainEval: config.trainEval ?? 0,
    target: config.target,
    ...patch,
    optimizer: { id: optimizer.id, hp: completeHp(optimizer.id, optimizer.hp) },
  };
}

function withLr(o: StudyOptimizer, lr: number): StudyOptimizer["hp"] {
  return { ...o.hp, lr };
}

/** A result's tuning score: the held-out loss at the end (+∞ for a diverged or non-finite run). */
export function score(result: RunResult): number {
  const loss = result.final.heldOutLoss;
  return result.status === "ok" && Number.isFinite(loss) ? loss : Number.POSITIVE_INFINITY;
}

/** Where the tuning of one optimizer stands, given the results so far. */
export interface TuningProgress {
  readonly base: number;
  /** Grid index → lr of every point run or planned at rung 0. */
  readonly grid: Map<number, number>;
  /** Rung → (grid index → mean score over tuning seeds), only for complete points. */
  readonly scores: Map<number, number>[];
  /** Runs that can start now (not yet done). */
  readonly pending: RunSpec[];
  /** Runs planned so far (done or not). */
  readonly planned: RunSpec[];
  /** The chosen grid index once the last rung is complete. */
  readonly chosen: number | null;
}

export function tuningProgress(
  config: StudyConfig,
  o: StudyOptimizer,
  results: ReadonlyMap<string, RunResult>,
): TuningProgress {
  const rule = config.tuning as TuningRule;
  const base = baseLearningRate(o);
  const grid = new Map<number, number>();
  const scores: Map<number, number>[] = [];
  const pending: RunSpec[] = [];
  const planned: RunSpec[] = [];
  // Plans a rung for some indices; returns their mean scores when all their runs are done, else null.
  const runRung = (rung: number, indices: readonly number[]): Map<number, number> | null => {
    const rungScores = new Map<number, number>();
    let complete = true;
    for (const k of indices) {
      const lr = gridLearningRate(base, k, rule.spacing);
      if (rung === 0) grid.set(k, lr);
      const perSeed: number[] = [];
      for (const seed of rule.tuningSeeds) {
        const run = spec(config, o, `tune/r${rung}/k=${k}/seed=${seed}`, {
          optimizer: { id: o.id, hp: withLr(o, lr) },
          seed,
          iterations: rule.rungs[rung].iterations,
          evalEvery: 0,
          test: false,
          target: 0,
        });
        planned.push(run);
        const result = results.get(run.id);
        if (result === undefined) {
          pending.push(run);
          complete = false;
        } else perSeed.push(score(result));
      }
      if (perSeed.length === rule.tuningSeeds.length) {
        rungScores.set(k, perSeed.reduce((a, b) => a + b, 0) / perSeed.length);
      }
    }
    return complete ? rungScores : null;
  };

  const first = runRung(0, initialIndices(rule));
  let chosen: number | null = null;
  if (first !== null) {
    const extension = runRung(0, extensionIndices(rule, first));
    if (extension !== null) {
      let current = new Map([...first, ...extension]);
      scores.push(current);
      for (let rung = 1; rung <= rule.rungs.length; rung++) {
        const promoted = promote(current, rule.rungs[rung - 1].keep);
        if (rung === rule.rungs.length) {
          chosen = promoted[0];
          break;
        }
        const next = runRung(rung, promoted);
        if (next === null) break;
        scores.push(next);
        current = next;
      }
    }
  }
  return { base, grid, scores, pending, planned, chosen };
}

/** Every run the study needs that can start now and has no result yet. */
export function nextRuns(config: StudyConfig, results: ReadonlyMap<string, RunResult>): RunSpec[] {
  const runs: RunSpec[] = [];
  const reporting = (o: StudyOptimizer, kind: string, hp: StudyOptimizer["hp"]) =>
    config.seeds.map((seed) =>
      spec(config, o, `${kind}/seed=${seed}`, { optimizer: { id: o.id, hp }, seed }),
    );
  for (const o of config.optimizers) {
    if (config.tier === "book") {
      runs.push(...reporting(o, "book", o.hp));
      continue;
    }
    runs.push(...reporting(o, "oneshot", o.hp));
    const progress = tuningProgress(config, o, results);
    runs.push(...progress.pending);
    if (progress.chosen !== null) {
      runs.push(...reporting(o, "tuned", withLr(o, progress.grid.get(progress.chosen) as number)));
    }
  }
  return runs.filter((run) => !results.has(run.id));
}

/** Per-optimizer numbers of a finished (or partly finished) study. */
export interface OptimizerSummary {
  readonly label: string;
  readonly id: string;
  readonly lr: number;
  /** Fair tier: the chosen grid index, the indices tried, and whether the choice sits at an edge. */
  readonly gridIndex: number | null;
  readonly gridTried: readonly number[];
  readonly atEdge: boolean;
  readonly heldOutLoss: Interval;
  readonly heldOutAccuracy: Interval;
  readonly testAccuracy: Interval | null;
  readonly trainBatchLoss: Interval;
  readonly stepsToTarget: { readonly median: number | null; readonly reached: number; readonly runs: number };
  readonly msPerStep: number;
  readonly diverged: { readonly reporting: number; readonly tuning: number };
  readonly runs: readonly RunResult[];
  readonly oneShot: OneShotSummary | null;
  readonly trials: number;
  readonly tuningSteps: number;
  readonly sensitivity: readonly { lr: number; seed: number; score: number; diverged: boolean }[];
}

export interface OneShotSummary {
  readonly lr: number;
  readonly heldOutAccuracy: Interval;
  readonly testAccuracy: Interval | null;
  readonly diverged: number;
}

function finite(values: (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}

function summarizeRuns(runs: readonly RunResult[]) {
  const ok = runs.filter((r) => r.status === "ok");
  const steps = runs.map((r) => r.stepsToTarget);
  const reached = finite(steps);
  return {
    heldOutLoss: meanInterval(finite(ok.map((r) => r.final.heldOutLoss))),
    heldOutAccuracy: meanInterval(finite(ok.map((r) => r.final.heldOutAccuracy))),
    testAccuracy: runs.some((r) => r.final.testAccuracy !== null)
      ? meanInterval(finite(ok.map((r) => r.final.testAccuracy)))
      : null,
    trainBatchLoss: meanInterval(finite(ok.map((r) => r.final.trainBatchLoss))),
    // A run that never reached the target counts as never: the median is over all runs.
    stepsToTarget: {
      median:
        reached.length * 2 > runs.length ? median(steps.map((s) => s ?? Number.POSITIVE_INFINITY)) : null,
      reached: reached.length,
      runs: runs.length,
    },
    msPerStep: median(runs.map((r) => r.msPerStep)),
    diverged: runs.length - ok.length,
  };
}

export function summarizeStudy(
  config: StudyConfig,
  results: ReadonlyMap<string, RunResult>,
): OptimizerSummary[] {
  return config.optimizers.map((o) => {
    const find = (kind: string) =>
      config.seeds
        .map((seed) => results.get(`${config.name}/${o.label}/${kind}/seed=${seed}`))
        .filter((r): r is RunResult => r !== undefined);
    if (config.tier === "book") {
      const runs = find("book");
      const s = summarizeRuns(runs);
      return {
        label: o.label,
        id: o.id,
        lr: baseLearningRate(o),
        gridIndex: null,
        gridTried: [],
        atEdge: false,
        ...s,
        diverged: { reporting: s.diverged, tuning: 0 },
        runs,
        oneShot: null,
        trials: 0,
        tuningSteps: 0,
        sensitivity: [],
      };
    }
    const progress = tuningProgress(config, o, results);
    const runs = find("tuned");
    const oneShotRuns = find("oneshot");
    const s = summarizeRuns(runs);
    const o1 = summarizeRuns(oneShotRuns);
    const tuningResults = progress.planned
      .map((run) => results.get(run.id))
      .filter((r): r is RunResult => r !== undefined);
    // Time per update from every run of this optimizer (tuning too), so one run's warm-up weighs little.
    const msPerStep = median([...runs, ...oneShotRuns, ...tuningResults].map((r) => r.msPerStep));
    const tried = [...progress.grid.keys()].sort((a, b) => a - b);
    const rule = config.tuning as TuningRule;
    return {
      label: o.label,
      id: o.id,
      lr: progress.chosen === null ? Number.NaN : (progress.grid.get(progress.chosen) as number),
      gridIndex: progress.chosen,
      gridTried: tried,
      atEdge: progress.chosen !== null && atGridEdge(progress.chosen, tried),
      ...s,
      msPerStep,
      diverged: { reporting: s.diverged, tuning: tuningResults.filter((r) => r.status !== "ok").length },
      runs,
      oneShot: {
        lr: baseLearningRate(o),
        heldOutAccuracy: o1.heldOutAccuracy,
        testAccuracy: o1.testAccuracy,
        diverged: o1.diverged,
      },
      trials: progress.planned.length,
      tuningSteps: tuningBudget(rule),
      sensitivity: tuningResults
        .filter((r) => r.spec.iterations === rule.rungs[0].iterations && r.id.includes("/tune/r0/"))
        .map((r) => ({
          lr: r.spec.optimizer.hp.lr as number,
          seed: r.spec.seed,
          score: score(r),
          diverged: r.status !== "ok",
        })),
    };
  });
}

/** Automatic caveats: a winner at a grid edge, fewer than 5 seeds, a missed target, diverged reporting runs. */
export function caveats(config: StudyConfig, summaries: readonly OptimizerSummary[]): string[] {
  const notes: string[] = [];
  if (config.seeds.length < 5) {
    notes.push(
      `Only ${config.seeds.length} reporting seed(s): intervals are wide and differences may not be real.`,
    );
  }
  for (const s of summaries) {
    if (s.atEdge) {
      notes.push(
        `${s.label}: the chosen lr ${s.lr.toPrecision(3)} sits at the edge of the grid tried; a better one may lie beyond.`,
      );
    }
    if (config.target > 0 && s.stepsToTarget.reached < s.stepsToTarget.runs) {
      notes.push(
        `${s.label}: reached ${(config.target * 100).toFixed(0)} % held-out accuracy in ${s.stepsToTarget.reached} of ${s.stepsToTarget.runs} runs.`,
      );
    }
    if (s.diverged.reporting > 0)
      notes.push(`${s.label}: ${s.diverged.reporting} reporting run(s) diverged.`);
    const tuned = s.testAccuracy;
    const untuned = s.oneShot?.testAccuracy;
    if (tuned && untuned && untuned.center > tuned.center) {
      notes.push(
        `${s.label}: the tuned lr gives a lower test accuracy than the default lr (${(tuned.center * 100).toFixed(1)} % vs ${(untuned.center * 100).toFixed(1)} %): tuning selects on validation loss, which need not rank settings as accuracy does.`,
      );
    }
  }
  return notes;
}

/** Median and quartiles of the reporting runs' curves, point by point (bands for the figure). */
export function curveBands(
  runs: readonly RunResult[],
): { x: number; median: number; q1: number; q3: number }[] {
  if (runs.length === 0) return [];
  const length = Math.max(...runs.map((r) => r.curve.length));
  const every = runs[0].curveEvery;
  const bands = [];
  for (let i = 0; i < length; i++) {
    const values = finite(runs.map((r) => r.curve[i] ?? null));
    if (values.length === 0) continue;
    const s = spreadOf(values);
    bands.push({ x: (i + 1) * every, median: s.median, q1: s.q1, q3: s.q3 });
  }
  return bands;
}
