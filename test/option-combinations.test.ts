import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getLandscape } from "../src/landscapes/index.js";
import { createOptimizer } from "../src/optim/index.js";

/**
 * torch option combinations the visible golden file does not hold (centered RMSprop with momentum and maximize,
 * AMSGrad with decoupled decay and maximize, NAdam with decoupled decay and maximize, Nesterov SGD with weight decay
 * and maximize, dampening with weight decay), against an independent plain-float port written from SEMANTICS.md.
 * Generator: test/fixtures/option-combinations.py.
 */
const cases = JSON.parse(
  readFileSync(new URL("./fixtures/option-combinations.json", import.meta.url), "utf8"),
) as {
  id: string;
  options: Record<string, unknown>;
  function: string;
  start: number[];
  params: number[][];
}[];

describe("option combinations against an independent port of the specification", () => {
  it.each(cases.map((c) => [`${c.id} ${JSON.stringify(c.options)} on ${c.function}`, c] as const))(
    "%s stays within 1e-9·|ref| + 1e-12",
    (_title, c) => {
      const optimizer = createOptimizer({ id: c.id, hp: c.options });
      const landscape = getLandscape(c.function);
      const p = Float64Array.from(c.start);
      const g = new Float64Array(2);
      const state = optimizer.init(2);
      let worst = 0;
      for (let k = 1; k < c.params.length; k++) {
        landscape.grad(p, g);
        optimizer.step(p, g, state);
        for (let i = 0; i < 2; i++) {
          const reference = c.params[k][i];
          worst = Math.max(worst, Math.abs(p[i] - reference) / (1e-9 * Math.abs(reference) + 1e-12));
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
    },
  );
});
