import { beale } from "../landscapes/beale.js";
import { himmelblau } from "../landscapes/himmelblau.js";
import { quadratic } from "../landscapes/quadratic.js";
import { createQuadratic50 } from "../landscapes/quadratic50.js";
import { rosenbrock } from "../landscapes/rosenbrock.js";
import { saddle } from "../landscapes/saddle.js";
import type { Landscape } from "../landscapes/types.js";
import { createOptimizer } from "../optim/index.js";
import { foreignOptimizerNames } from "../optim/spelling.js";
import { InputTypeError, show, unknownNameMessage } from "../util/errors.js";

/**
 * Documents in the golden-trajectory format (`shared/reference/README.md`): one case = one optimizer with its
 * complete options, one objective, a start, and the `steps + 1` iterates with their losses.
 */
export interface GoldenCase {
  id: string;
  family: string;
  optimizer: string;
  options: Record<string, unknown>;
  overrides?: Record<string, unknown>;
  function: string;
  start: number[];
  steps: number;
  params?: number[][] | null;
  loss?: number[] | null;
  error?: string;
  [key: string]: unknown;
}

export interface GoldenDocument {
  format?: string;
  functions?: Record<string, { a?: number[]; [key: string]: unknown }>;
  cases: GoldenCase[];
  [key: string]: unknown;
}

/** The reference objectives by the names golden documents use; `quadratic50` takes the document's coefficients. */
function objectiveFor(name: string, functions: GoldenDocument["functions"]): Landscape {
  const fixed: Record<string, Landscape> = { quadratic, rosenbrock, beale, himmelblau, saddle };
  if (name in fixed) return fixed[name];
  if (name === "quadratic50") {
    const a = functions?.quadratic50?.a;
    return a === undefined ? createQuadratic50() : createQuadratic50(a);
  }
  throw new InputTypeError(unknownNameMessage("function", name, [...Object.keys(fixed), "quadratic50"]));
}

/** The optlab id for a case's family and class name (`torch`/`Adam` → `torch-adam`). */
export function optimizerIdFor(family: string, name: string): string {
  const table = foreignOptimizerNames[family];
  if (table === undefined) {
    throw new InputTypeError(unknownNameMessage("family", family, Object.keys(foreignOptimizerNames)));
  }
  const id = table[name];
  if (id === undefined)
    throw new InputTypeError(unknownNameMessage(`${family} optimizer`, name, Object.keys(table)));
  return id;
}

/**
 * Recomputes one case exactly as the generator did: p = start; for each step, g = ∇f(p), then the
 * optimizer's step (maximize and weight decay happen inside it). Throws a user error when optlab cannot
 * run the case (unknown optimizer, option or function, malformed start).
 */
export function replayCase(
  testCase: GoldenCase,
  functions: GoldenDocument["functions"],
): { params: number[][]; loss: number[] } {
  const objective = objectiveFor(testCase.function, functions);
  const optimizer = createOptimizer({
    id: optimizerIdFor(testCase.family, testCase.optimizer),
    hp: testCase.options ?? {},
  });
  const { start, steps } = testCase;
  if (!Array.isArray(start) || start.length !== objective.dim || !start.every((x) => typeof x === "number")) {
    throw new InputTypeError(
      `start must be ${objective.dim} numbers for ${testCase.function}, got ${show(start)}`,
    );
  }
  if (!Number.isInteger(steps) || steps < 0 || steps > 1_000_000) {
    throw new InputTypeError(`steps must be a whole number in [0, 1000000], got ${show(steps)}`);
  }
  const p = Float64Array.from(start);
  const g = new Float64Array(p.length);
  const state = optimizer.init(p.length, "float64");
  const params = [Array.from(p)];
  const loss = [objective.f(p)];
  for (let k = 1; k <= steps; k++) {
    objective.grad(p, g);
    optimizer.step(p, g, state);
    params.push(Array.from(p));
    loss.push(objective.f(p));
  }
  return { params, loss };
}

/**
 * Replays every case of a document. Each case that cannot run keeps going for the others and gets an
 * `error` field (its stored `params`/`loss` are removed so no stale numbers remain).
 */
export function replayDocument(document: GoldenDocument): { document: GoldenDocument; failed: number } {
  let failed = 0;
  const cases = document.cases.map((testCase): GoldenCase => {
    if (testCase === null || typeof testCase !== "object" || Array.isArray(testCase)) {
      failed++;
      return { error: `case must be an object, got ${show(testCase)}` } as GoldenCase;
    }
    const { params: _params, loss: _loss, error: _error, ...rest } = testCase;
    try {
      return { ...rest, ...replayCase(testCase, document.functions) };
    } catch (error) {
      failed++;
      return { ...rest, error: error instanceof Error ? error.message : String(error) };
    }
  });
  return { document: { ...document, cases }, failed };
}
