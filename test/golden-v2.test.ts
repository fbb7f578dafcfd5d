import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type GoldenDocument,
  optimizerIdFor,
  type Replayed,
  replayCase,
  replayDocument,
} from "../src/lab/golden.js";
import { canonicalHyperparameters, createOptimizer } from "../src/optim/index.js";

const golden = JSON.parse(
  readFileSync(new URL("./fixtures/golden-v2.json", import.meta.url), "utf8"),
) as GoldenDocument;
const { rtol, atol } = golden.tolerance as { rtol: number; atol: number };

/** Worst |actual − expected| / (rtol·|expected| + atol) over all numbers; ≤ 1 passes. */
function worstRatio(actual: unknown, expected: unknown): number {
  const a = (actual as unknown[]).flat(2) as number[];
  const e = (expected as unknown[]).flat(2) as number[];
  expect(a).toHaveLength(e.length);
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    const ratio = Math.abs(a[i] - e[i]) / (rtol * Math.abs(e[i]) + atol);
    // NaN (a missing number) must fail too.
    worst = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : Math.max(worst, ratio);
  }
  return worst;
}

describe("golden v2 (shared/reference/golden-v2.json, visible split)", () => {
  it("holds all 219 cases", () => {
    expect(golden.cases).toHaveLength(219);
  });

  it.each(golden.cases.map((c) => [c.id, c] as const))(
    "%s reproduces every checked field within 1e-9·|ref| + 1e-12",
    (_id, testCase) => {
      const replayed = replayCase(testCase, golden.functions) as unknown as Record<string, unknown>;
      for (const field of testCase.checked ?? []) {
        expect(replayed[field], `${testCase.id}: ${field}`).toBeDefined();
        if (field === "evals") {
          // Integers: exactly.
          expect(replayed.evals, testCase.id).toEqual(testCase.evals);
          continue;
        }
        expect(worstRatio(replayed[field], testCase[field]), `${testCase.id}: ${field}`).toBeLessThanOrEqual(
          1,
        );
      }
    },
  );

  it("reproduces every Rprop case bit for bit (only exact multiplies, clamps and signs)", () => {
    for (const testCase of golden.cases.filter((c) => c.optimizer === "Rprop")) {
      expect(replayCase(testCase, golden.functions).params, testCase.id).toEqual(testCase.params);
    }
  });

  it("fills in the same defaults as torch when given only the overrides", () => {
    for (const testCase of golden.cases.filter((c) => c.family === "torch")) {
      const id = optimizerIdFor(testCase.family, testCase.optimizer as string);
      const fromOverrides = createOptimizer({ id, hp: testCase.overrides ?? {} });
      const expected = canonicalHyperparameters(id, testCase.options);
      for (const [name, value] of Object.entries(expected)) {
        expect(fromOverrides.hp[name], `${testCase.id}: ${name}`).toBe(value);
      }
    }
  });

  it("replays a v2 document with the checked fields in each replayed case", () => {
    const picked = [
      "quadratic/torch/ASGD/t0",
      "quadratic/torch/LBFGS/strong_wolfe",
      "quadratic/torch-sched/SGD/StepLR",
    ];
    const cases = golden.cases.filter((c) => picked.includes(c.id));
    const schedule = golden.cases.find((c) => c.kind === "schedule");
    const { document, failed } = replayDocument({
      ...golden,
      cases: [...cases, schedule as (typeof cases)[0]],
    });
    expect(failed).toBe(0);
    for (const replayed of document.cases) {
      for (const field of replayed.checked ?? [])
        expect(replayed[field], `${replayed.id}: ${field}`).toBeDefined();
    }
    const sched = document.cases[document.cases.length - 1] as Replayed & { params?: unknown };
    expect(sched.params).toBeUndefined();
  });
});
