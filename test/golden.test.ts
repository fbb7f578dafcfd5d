import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type GoldenDocument, optimizerIdFor, replayCase } from "../src/lab/golden.js";
import { canonicalHyperparameters, createOptimizer } from "../src/optim/index.js";

const golden = JSON.parse(
  readFileSync(new URL("./fixtures/golden-trajectories.json", import.meta.url), "utf8"),
) as GoldenDocument;
const { rtol, atol } = golden.tolerance as { rtol: number; atol: number };

/** Worst |actual − expected| / (rtol·|expected| + atol) over all numbers; ≤ 1 passes. */
function worstRatio(actual: number[], expected: number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (rtol * Math.abs(expected[i]) + atol));
  }
  return worst;
}

describe("golden trajectories (shared/reference, visible split)", () => {
  it("holds all 254 cases", () => {
    expect(golden.cases).toHaveLength(254);
  });

  it.each(golden.cases.map((c) => [c.id, c] as const))(
    "%s stays within 1e-9·|ref| + 1e-12",
    (_id, testCase) => {
      const { params, loss } = replayCase(testCase, golden.functions);
      expect(params).toHaveLength(testCase.steps + 1);
      const expectedParams = (testCase.params as number[][]).flat();
      expect(worstRatio(params.flat(), expectedParams)).toBeLessThanOrEqual(1);
      expect(worstRatio(loss, testCase.loss as number[])).toBeLessThanOrEqual(1);
    },
  );

  it("reproduces every textbook case bit for bit except where V8's pow differs from C's in the last bit", () => {
    // SEMANTICS.md §6: the book's SGD, Momentum, Nesterov, AdaGrad and RMSprop use no pow and are exact.
    for (const testCase of golden.cases.filter((c) => c.family === "textbook" && c.optimizer !== "Adam")) {
      expect(replayCase(testCase, golden.functions).params, testCase.id).toEqual(testCase.params);
    }
  });

  it("fills in the same defaults as the reference libraries when given only the overrides", () => {
    for (const testCase of golden.cases) {
      const id = optimizerIdFor(testCase.family, testCase.optimizer);
      const fromOverrides = createOptimizer({ id, hp: testCase.overrides ?? {} });
      const expected = canonicalHyperparameters(id, testCase.options);
      for (const [name, value] of Object.entries(expected)) {
        expect(fromOverrides.hp[name], `${testCase.id}: ${name}`).toBe(value);
      }
    }
  });
});
