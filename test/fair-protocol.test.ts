import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  benchmarkRuns,
  benchmarkUpdates,
  benchmarkWork,
  benchmarkWorkload,
  checkBenchmarkConfig,
  costRatios,
  expectedBestOfK,
  MISS_PENALTY_BUDGETS,
  medianInterval,
  profileArea,
  stepsToReach,
  workPerUpdate,
} from "../src/lab/protocol.js";
import type { RunResult } from "../src/lab/runspec.js";
import { defaultsConfig, dimensionValue, SEARCH_SPACES, trialConfig } from "../src/lab/search-spaces.js";
import { benchmarkPreset } from "../src/lab/study-presets.js";
import { MLP_FASHION_MNIST, MLP_MNIST_SAMPLE } from "../src/lab/workloads.js";
import { buildLeaderboard, fmtDifference } from "../src/report/leaderboard.js";
import { checkClaims } from "../src/report/rules.js";
import { runPlannedWork } from "../src/run/study.js";
import { tinyBenchmark } from "./fair-tiny.js";

describe("fair tier search spaces", () => {
  it("declares one space for each optimizer of issue 12", () => {
    expect(SEARCH_SPACES.map((s) => s.label)).toEqual([
      "adamw",
      "nadamw",
      "sgd-nesterov",
      "muon",
      "schedule-free-adamw",
      "prodigy",
      "adopt",
      "soap",
      "lion",
    ]);
  });

  it("maps the unit interval onto each scale: log, linear and one-minus-log", () => {
    // log [1e-4, 1e-2] at u = 0.5: 10^(−4 + 0.5·2) = 1e-3.
    expect(dimensionValue({ name: "lr", scale: "log", low: 1e-4, high: 1e-2 }, 0.5)).toBeCloseTo(1e-3, 15);
    expect(dimensionValue({ name: "w", scale: "linear", low: 0, high: 0.1 }, 0.25)).toBeCloseTo(0.025, 15);
    // one-minus-log [0.01, 0.1] at u = 0.5: 1 − 10^(−1.5) = 0.96838.
    expect(dimensionValue({ name: "beta1", scale: "one-minus-log", low: 0.01, high: 0.1 }, 0.5)).toBeCloseTo(
      1 - 10 ** -1.5,
      12,
    );
  });

  it("draws the same trial on every workload (only the warmup length follows the budget)", () => {
    for (const space of SEARCH_SPACES) {
      for (let i = 0; i < 5; i++) {
        const a = trialConfig(space, i, 12, 500);
        const b = trialConfig(space, i, 12, 5000);
        const { warmupSteps: _a, ...ha } = a.hp as Record<string, number | boolean>;
        const { warmupSteps: _b, ...hb } = b.hp as Record<string, number | boolean>;
        expect(ha, space.label).toEqual(hb);
        expect(a.warmupFraction).toBe(b.warmupFraction);
      }
      // Every value stays inside its declared range.
      const t = trialConfig(space, 3, 12, 500);
      for (const d of space.dimensions) {
        if (d.name === "warmupFraction") continue;
        const v = t.hp[d.name] as number;
        const [lo, hi] = d.scale === "one-minus-log" ? [1 - d.high, 1 - d.low] : [d.low, d.high];
        expect(v >= lo && v <= hi, `${space.label}.${d.name} = ${v}`).toBe(true);
      }
    }
  });

  it("runs the defaults track at the library defaults with the declared overrides", () => {
    const sgd = SEARCH_SPACES.find((s) => s.label === "sgd-nesterov");
    const adamw = SEARCH_SPACES.find((s) => s.label === "adamw");
    expect(defaultsConfig(sgd!, 100).hp).toMatchObject({ lr: 0.001, momentum: 0.9, nesterov: true });
    expect(defaultsConfig(adamw!, 100)).toMatchObject({
      hp: { lr: 0.001, beta1: 0.9, beta2: 0.999, weightDecay: 0.01 },
      schedule: "warmup-cosine:warmupSteps=5",
    });
  });
});

describe("fair tier scores", () => {
  it("computes the expected best of k trials exactly (tunability)", () => {
    // Pool 0.9, 0.8, 0.7. k = 1: the mean, 0.8. k = 2: pairs {.9,.8} → .9, {.9,.7} → .9, {.8,.7} → .8: 2.6/3.
    const curve = expectedBestOfK([0.8, 0.7, 0.9]);
    expect(curve[0]).toBeCloseTo(0.8, 15);
    expect(curve[1]).toBeCloseTo(2.6 / 3, 15);
    expect(curve[2]).toBeCloseTo(0.9, 15);
    // Lower is better (steps): pool 10, 20, 40: k = 2 → (10 + 10 + 20)/3.
    expect(expectedBestOfK([40, 10, 20], false)[1]).toBeCloseTo(40 / 3, 12);
  });

  it("integrates the performance profile up to r_max = 4 by hand", () => {
    // Ratios 1, 2, ∞ over 3 workloads: ∫₁⁴ ρ = (4 − 1)/3 + (4 − 2)/3 = 5/3; B = (5/3)/3 = 5/9.
    expect(profileArea([1, 2, Number.POSITIVE_INFINITY])).toBeCloseTo(5 / 9, 15);
    expect(profileArea([1])).toBe(1);
    expect(profileArea([5])).toBe(0);
    expect(costRatios([100, 200, Number.POSITIVE_INFINITY])).toEqual([1, 2, Number.POSITIVE_INFINITY]);
  });

  it("takes the first evaluation at or above the target as steps to target (a miss is null)", () => {
    const result = {
      evaluations: [
        { iteration: 5, loss: 1, accuracy: 0.5 },
        { iteration: 10, loss: 1, accuracy: 0.8 },
        { iteration: 15, loss: 1, accuracy: 0.7 },
      ],
    } as unknown as RunResult;
    expect(stepsToReach(result, 0.8)).toBe(10);
    expect(stepsToReach(result, 0.9)).toBeNull();
  });

  it("gives the order-statistic interval of a median, misses included as ∞", () => {
    // 10 values: the sign-test interval at ≥ 95 % is [x₍₂₎, x₍₉₎] (coverage 97.85 %).
    const m = medianInterval([10, 20, 30, 40, 50, 60, 70, 80, 90, Number.POSITIVE_INFINITY]);
    expect([m.median, m.low, m.high]).toEqual([55, 20, 90]);
    expect(m.confidence).toBeCloseTo(0.978515625, 12);
  });
});

describe("fair tier presets", () => {
  it("holds what each preset says and counts its updates for the ETA", () => {
    const quick = benchmarkPreset("quick");
    const laptop = benchmarkPreset("laptop");
    const full = benchmarkPreset("full", { fashionMnist: true });
    for (const c of [quick, laptop, full]) checkBenchmarkConfig(c);
    expect([laptop.studies, laptop.trialsPerStudy, laptop.finalSeeds.length]).toEqual([3, 5, 10]);
    expect(laptop.workloads.map((w) => w.key)).toEqual([
      "mlp-mnist-sample@1:steps=400:eval=25",
      "mlp-fashion-mnist@1:steps=500:eval=50:val=1000",
      "cnn-fashion-mnist@1:steps=100:eval=10:val=500",
    ]);
    expect(full.workloads.map((w) => w.key)).toEqual([
      "mlp-mnist-sample@1",
      "mlp-fashion-mnist@1",
      "cnn-fashion-mnist@1",
    ]);
    expect(benchmarkPreset("full", { fashionMnist: false }).workloads.map((w) => w.key)).toEqual([
      "mlp-mnist-sample@1",
    ]);
    expect(() => benchmarkPreset("laptop", { fashionMnist: false })).toThrow(
      "--preset laptop: its Fashion-MNIST workloads need the data set (apt-get install dataset-fashion-mnist)",
    );
    // Laptop, per workload of budget B: 9 optimizers × (15 trials × B + 3 defaults × 1.5 B + 10 final × B)
    // + 5 calibration × B, for B = 500, 600 and 150.
    const perBudget = 9 * (15 + 3 * 1.5 + 10) + 5;
    expect(benchmarkUpdates(laptop)).toBe(perBudget * (400 + 500 + 100));
    // The ETA's work weighs a conv update by its products: batch 100 × (24·24·25·30 + 4320·100 + 100·10).
    const mlp = 128 * (784 * 100 + 3 * 100 * 100 + 100 * 10);
    expect(workPerUpdate({ hidden: [100, 100, 100, 100], batchSize: 128 })).toBe(mlp);
    const conv = 100 * (24 * 24 * 25 * 30 + 4320 * 100 + 100 * 10);
    expect(workPerUpdate({ network: "conv", hidden: [100], batchSize: 100 })).toBe(conv);
    expect(benchmarkWork(laptop)).toBe(perBudget * (400 * mlp + 500 * mlp + 100 * conv));
    // A stored target applies only to the exact workload version; a shortened one is calibrated.
    expect(benchmarkWorkload(MLP_MNIST_SAMPLE).target).toBe(0.93);
    expect(laptop.workloads[0].target).toBeNull();
    expect(benchmarkWorkload(MLP_FASHION_MNIST).target).toBeNull();
  });

  it("refuses tuning seeds that are also reporting seeds", () => {
    expect(() => checkBenchmarkConfig({ ...tinyBenchmark(), tuningSeeds: [1] })).toThrow(
      "benchmark: tuning seeds must not be reporting seeds, both have 1",
    );
  });
});

describe("fair tier paired differences in the text", () => {
  it("prints a difference with a miss on one side as ±∞, never as the 4-budget number that orders it", () => {
    // Budget 400: reached at 125 against a miss (4 × 400) is 125 − 1600 = −1475.
    expect(fmtDifference(125 - MISS_PENALTY_BUDGETS * 400, 400)).toBe("-∞");
    expect(fmtDifference(MISS_PENALTY_BUDGETS * 400 - 300, 400)).toBe("∞");
    expect(fmtDifference(-400, 400)).toBe("-400");
    expect(fmtDifference(0, 400)).toBe("0");
    expect(fmtDifference(-25, 400)).toBe("-25");
  });
});

describe("fair tier benchmark, end to end (tiny)", () => {
  it("plans calibration, trials and defaults first, the final seeds after, and resumes a cut journal", async () => {
    const config = tinyBenchmark();
    const first = benchmarkRuns(config, new Map());
    // 1 calibration + 2 optimizers × (2 trials + 1 defaults run); final reruns wait for the tuning.
    expect(first.length).toBe(7);
    const folder = mkdtempSync(join(tmpdir(), "optlab-fair-"));
    const work = {
      description: config,
      plan: (r: ReadonlyMap<string, RunResult>) => benchmarkRuns(config, r),
    };
    const ran: string[] = [];
    const results = await runPlannedWork(work, { folder, workers: 0, onResult: (_, r) => ran.push(r.id) });
    expect(results.size).toBe(13);
    expect(ran.length).toBe(13);
    // A kill after 9 results: the journal keeps them (and a cut tenth line); the resumed run does only the rest.
    const lines = readFileSync(join(folder, "results.jsonl"), "utf8").split("\n").filter(Boolean);
    writeFileSync(join(folder, "results.jsonl"), `${lines.slice(0, 9).join("\n")}\n${lines[9].slice(0, 50)}`);
    const redone: string[] = [];
    const resumed = await runPlannedWork(work, { folder, workers: 0, onResult: (_, r) => redone.push(r.id) });
    expect(redone.sort()).toEqual(ran.slice(9).sort());
    expect(resumed.size).toBe(13);

    const doc = buildLeaderboard(config, resumed);
    const json = doc.json as { numbers: unknown; claims: never[]; complete: boolean; caveats: string[] };
    expect(json.complete).toBe(true);
    expect(
      checkClaims([{ id: "leaderboard", numbers: json.numbers, claims: json.claims, answer: doc.markdown }]),
    ).toEqual([]);
    for (const heading of [
      "## mlp-mnist-sample@1:steps=20:eval=5:hidden=8",
      "## Performance profile",
      "## Fairness ledger",
      "## Search spaces",
      "## Caveats",
    ])
      expect(doc.markdown).toContain(heading);

    // Flip: make lion's defaults reach the target at the first evaluation; the caveat "tuned lost to its defaults"
    // appears exactly when its tuned median is larger.
    const hasCaveat = (d: typeof doc) =>
      (d.json as { caveats: string[] }).caveats.some((c) => c.includes("lion: tuned, it needs more steps"));
    const flipped = new Map(resumed);
    for (const [id, r] of resumed) {
      if (!id.includes("/lion/defaults/")) continue;
      flipped.set(id, { ...r, evaluations: r.evaluations.map((e) => ({ ...e, accuracy: 1 })) });
    }
    const lionFinal = (
      doc.json as {
        workloads: Record<
          string,
          { optimizers: Record<string, { stepsToTarget: { median: number | null } }> }
        >;
      }
    ).workloads["mlp-mnist-sample@1:steps=20:eval=5:hidden=8"].optimizers.lion.stepsToTarget.median;
    const flippedDoc = buildLeaderboard(config, flipped);
    expect(hasCaveat(flippedDoc)).toBe(lionFinal === null || lionFinal > 5);
    expect(hasCaveat(doc)).toBe(false);
  }, 120_000);
});
