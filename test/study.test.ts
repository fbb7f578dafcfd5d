import { describe, expect, it } from "vitest";
import type { RunResult, RunSpec } from "../src/lab/runspec.js";
import { caveats, nextRuns, type StudyConfig, summarizeStudy } from "../src/lab/study.js";
import {
  extensionIndices,
  initialIndices,
  promote,
  rankIndices,
  type TuningRule,
  tuningBudget,
} from "../src/lab/tuning.js";

const rule: TuningRule = {
  spacing: 0.5,
  initialPoints: 5,
  extensionPoints: 2,
  rungs: [
    { iterations: 100, keep: 2 },
    { iterations: 200, keep: 1 },
  ],
  tuningSeeds: [1001, 1002],
};

const config: StudyConfig = {
  name: "t",
  tier: "fair",
  data: "mnist",
  validation: 500,
  hidden: [10],
  optimizers: [
    { label: "sgd", id: "sgd", hp: {} }, // default lr 0.01
    { label: "adam", id: "adam", hp: {} }, // default lr 0.001
  ],
  iterations: 400,
  batchSize: 32,
  evalEvery: 100,
  target: 0.5,
  seeds: [1, 2, 3],
  tuning: rule,
};

/** Synthetic outcome: the held-out loss is a parabola in log10(lr) around `best`; above `divergeAbove` it diverges. */
function fakeResult(
  run: RunSpec,
  best: Record<string, number>,
  divergeAbove = Number.POSITIVE_INFINITY,
): RunResult {
  const lr = run.optimizer.hp.lr as number;
  const distance = Math.log10(lr) - Math.log10(best[run.optimizer.id]);
  const diverged = lr > divergeAbove;
  const loss = 0.1 + distance * distance + run.seed * 1e-6 + 1 / run.iterations;
  return {
    id: run.id,
    spec: run,
    status: diverged ? "diverged" : "ok",
    divergedAt: diverged ? 3 : null,
    curveEvery: 10,
    curve: [loss * 2, loss],
    evaluations: [{ iteration: run.iterations, loss, accuracy: 1 - loss / 10 }],
    final: {
      trainBatchLoss: loss,
      heldOutLoss: diverged ? Number.NaN : loss,
      heldOutAccuracy: diverged ? Number.NaN : 1 - loss / 10,
      testLoss: run.test ? loss : null,
      testAccuracy: run.test ? 1 - loss / 10 : null,
      trainLoss: null,
      trainAccuracy: null,
    },
    stepsToTarget: diverged ? null : 100,
    msPerStep: run.optimizer.id === "adam" ? 2 : 1,
    seconds: 0.1,
    finalState: {},
  };
}

function runStudy(best: Record<string, number>, order: "forward" | "reverse" = "forward") {
  const results = new Map<string, RunResult>();
  const stages: RunSpec[][] = [];
  for (;;) {
    const runs = nextRuns(config, results);
    if (runs.length === 0) break;
    stages.push(runs);
    const batch = order === "forward" ? runs : [...runs].reverse();
    for (const run of batch) results.set(run.id, fakeResult(run, best));
  }
  return { results, stages };
}

describe("the tuning rule", () => {
  it("spaces a symmetric grid around the default", () => {
    expect(initialIndices(rule)).toEqual([-2, -1, 0, 1, 2]);
  });

  it("spends the extension points beyond the edge where the best point sits, or on both sides", () => {
    const scores = (best: number) => new Map(initialIndices(rule).map((k) => [k, Math.abs(k - best)]));
    expect(extensionIndices(rule, scores(-2))).toEqual([-3, -4]);
    expect(extensionIndices(rule, scores(2))).toEqual([3, 4]);
    expect(extensionIndices(rule, scores(0))).toEqual([-3, 3]);
    // Every point diverged: look at smaller rates.
    expect(
      extensionIndices(rule, new Map(initialIndices(rule).map((k) => [k, Number.POSITIVE_INFINITY]))),
    ).toEqual([-3, -4]);
  });

  it("ranks diverged points last and breaks ties towards the smaller rate", () => {
    const scores = new Map([
      [0, 1],
      [1, Number.POSITIVE_INFINITY],
      [-1, 1],
      [2, Number.NaN],
      [3, 0.5],
    ]);
    expect(rankIndices(scores)).toEqual([3, -1, 0, 1, 2]);
    expect(promote(scores, 2)).toEqual([3, -1]);
  });

  it("gives every optimizer the same budget: (5 + 2)·100 + 2·200 iterations per tuning seed", () => {
    expect(tuningBudget(rule)).toBe(((5 + 2) * 100 + 2 * 200) * 2);
  });
});

describe("a fair study", () => {
  it("tunes each optimizer with the same number of trials and finds the best rate, extending past an edge", () => {
    // sgd's best lr is 1 (10^2 above its default 0.01: beyond the initial grid's top, 0.01·10^1)
    const { results } = runStudy({ sgd: 1, adam: 0.001 });
    const summaries = summarizeStudy(config, results);
    const [sgd, adam] = summaries;
    expect(sgd.trials).toBe(adam.trials);
    expect(sgd.trials).toBe((5 + 2 + 2) * 2);
    expect(sgd.gridTried).toEqual([-2, -1, 0, 1, 2, 3, 4]);
    expect(sgd.lr).toBeCloseTo(1, 12);
    expect(sgd.gridIndex).toBe(4);
    expect(sgd.atEdge).toBe(true);
    expect(adam.gridTried).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(adam.lr).toBeCloseTo(0.001, 15);
    expect(adam.atEdge).toBe(false);
    expect(caveats(config, summaries)).toEqual([
      "Only 3 reporting seed(s): intervals are wide and differences may not be real.",
      "sgd: the chosen lr 1.00 sits at the edge of the grid tried; a better one may lie beyond.",
    ]);
  });

  it("keeps tuning seeds apart from reporting seeds and touches the test split only in reporting runs", () => {
    const { results } = runStudy({ sgd: 0.01, adam: 0.001 });
    for (const result of results.values()) {
      const tuning = result.id.includes("/tune/");
      expect(rule.tuningSeeds.includes(result.spec.seed)).toBe(tuning);
      expect(result.spec.test).toBe(!tuning);
      expect(result.spec.validation).toBe(500);
    }
    const reporting = [...results.values()].filter((r) => r.id.includes("/tuned/"));
    expect(reporting.map((r) => r.spec.seed).sort()).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it("reports the untuned one-shot result beside the tuned one", () => {
    const [sgd] = summarizeStudy(config, runStudy({ sgd: 1, adam: 0.001 }).results);
    expect(sgd.oneShot?.lr).toBe(0.01);
    expect(sgd.oneShot?.heldOutAccuracy.center).toBeLessThan(sgd.heldOutAccuracy.center);
  });

  it("merges results in any order, split across machines, into the same study", () => {
    const forward = runStudy({ sgd: 0.05, adam: 0.003 });
    const reverse = runStudy({ sgd: 0.05, adam: 0.003 }, "reverse");
    expect(summarizeStudy(config, reverse.results)).toEqual(summarizeStudy(config, forward.results));
    // A resumed study plans nothing that is already done.
    expect(nextRuns(config, forward.results)).toEqual([]);
    const partial = new Map([...forward.results].slice(0, 10));
    for (const run of nextRuns(config, partial)) expect(partial.has(run.id)).toBe(false);
  });

  it("counts diverged tuning runs and never chooses a diverged rate", () => {
    const results = new Map<string, RunResult>();
    for (;;) {
      const runs = nextRuns(config, results);
      if (runs.length === 0) break;
      for (const run of runs) results.set(run.id, fakeResult(run, { sgd: 10, adam: 0.001 }, 0.2));
    }
    const [sgd] = summarizeStudy(config, results);
    expect(sgd.diverged.tuning).toBeGreaterThan(0);
    expect(sgd.lr).toBeLessThanOrEqual(0.2);
  });
});
